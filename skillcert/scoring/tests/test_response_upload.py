"""Answer files uploaded on the batch page: the request stores the file and queues a job; the
job checks every row (each bad row listed in Chinese, nothing scored from a bad file) and then
scores the objective items; the progress page polls while the job runs. Attackers are refused
and leave no job behind; the API starts a job and reports it."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skillcert.audit.models import AuditEvent
from skillcert.scoring.models import PartState, ResponseUpload, ResponseUploadStatus, Result

API = "/api/v1/scoring"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post(client: Any, world: Any, text: str | bytes, name: str = "answers.csv") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("scoring:batch_responses", args=[world.batch.pk]),
        {"upload-paper": world.paper.pk, "upload-file": SimpleUploadedFile(name, data)},
    )


def _objective_scores(world: Any) -> list[Any]:
    return list(
        Result.objects.filter(batch=world.batch)
        .order_by("pk")
        .values_list("theory_objective", flat=True)
    )


def test_good_file_is_stored_then_scored_by_the_job(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _post(clerk, world, world.csv())
    job = ResponseUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:response_upload", args=[job.pk])
    # Nothing scored in the request; the file waits, private to the server's user.
    assert job.status == ResponseUploadStatus.QUEUED and _objective_scores(world) == [None] * 5
    assert stat.S_IMODE(Path(job.file.path).stat().st_mode) == 0o600
    assert AuditEvent.objects.filter(action="responses.upload").exists()
    waiting = clerk.get(reverse("scoring:response_upload", args=[job.pk])).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 1s"' in waiting
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert (job.status, job.progress, job.scored_count, job.error_count) == ("done", 100, 4, 0), (
        job.errors,
        job.message,
    )
    # key B, AC, 对, D at 10 points each: candidate 0 all right, 1 two right, 2 and 3 three/one
    assert [float(s) for s in _objective_scores(world)[:4]] == [40.0, 20.0, 30.0, 10.0]
    fragment = clerk.get(
        reverse("scoring:response_upload", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "已完成客观题评分：4 名考生" in fragment and "hx-get" not in fragment
    assert "<html" not in fragment


def test_every_bad_row_is_listed_and_nothing_is_scored(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    apps = world.applications
    text = "\n".join(
        [
            "candidate_id,form,1,2,3,4",
            f"{apps[0].pk},A,B,AC,对,D",
            "99999999,A,B,AC,对,D",
            f"{apps[1].pk},B,B,AC,对,D",
            f"{apps[2].pk},A,B,甲,对,D",
            f"{apps[0].pk},A,B,AC,对,D",
            f"{apps[3].pk},A,B,AC,对,D",
        ]
    )
    clerk = world.personas.client_for(world.personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        _post(clerk, world, text)
    job = ResponseUpload.objects.get()
    assert job.status == ResponseUploadStatus.FAILED and job.error_count == 4
    assert [(e["row"], e["code"]) for e in job.errors] == [
        (3, "responses.unknown_candidate"),
        (4, "responses.wrong_form"),
        (5, "responses.bad_answer"),
        (6, "responses.duplicate_candidate"),
    ]
    assert _objective_scores(world) == [None] * 5
    assert not job.file  # a refused file is not kept
    page = clerk.get(reverse("scoring:response_upload", args=[job.pk])).content.decode()
    assert "第3行的考生 99999999 不在本批次考生名单中" in page and "整个文件未评分" in page


def test_a_bad_header_is_one_error_for_the_file(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        _post(clerk, world, f"candidate_id,form,1,2,3\n{world.applications[0].pk},A,B,AC,对\n")
    job = ResponseUpload.objects.get()
    assert job.status == ResponseUploadStatus.FAILED
    assert [e["code"] for e in job.errors] == ["responses.item_count"]
    assert _objective_scores(world) == [None] * 5


def test_answers_of_a_candidate_recorded_absent_are_refused(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    Result.objects.filter(pk=world.result(1).pk).update(theory_state=PartState.ABSENT)
    clerk = world.personas.client_for(world.personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        _post(clerk, world, world.csv())
    job = ResponseUpload.objects.get()
    assert [(e["row"], e["code"]) for e in job.errors] == [(3, "responses.absent_candidate")]
    assert _objective_scores(world) == [None] * 5


def test_a_file_that_is_not_text_is_refused_before_it_is_stored(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(clerk, world, b"MZ\x90\x00binary", name="answers.csv")
    assert response.status_code == 400 and "可执行程序" in response.content.decode()
    missing = clerk.post(
        reverse("scoring:batch_responses", args=[world.batch.pk]),
        {"upload-paper": world.paper.pk},
    )
    assert missing.status_code == 400
    assert not ResponseUpload.objects.exists() and not any(media.rglob("*.csv"))


def test_others_cannot_upload_or_see_the_job(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    personas = world.personas
    with django_capture_on_commit_callbacks(execute=True):
        _post(personas.client_for(personas.clerk_a), world, world.csv())
    job = ResponseUpload.objects.get()
    for user in (personas.clerk_b, personas.candidate, world.users["chief"]):
        client = personas.client_for(user)
        assert _post(client, world, world.csv()).status_code == 404
        assert client.get(reverse("scoring:response_upload", args=[job.pk])).status_code == 404
        assert client.get(f"{API}/responses/{job.pk}").status_code == 404
    anonymous = _post(Client(), world, world.csv())
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert ResponseUpload.objects.count() == 1


def test_api_starts_the_job_and_reports_it(
    world: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = clerk.post(
            f"{API}/batches/{world.batch.pk}/responses",
            {"paper": world.paper.code, "file": SimpleUploadedFile("a.csv", world.csv().encode())},
        )
    assert started.status_code == 202 and started.json()["status"] == "queued"
    status = clerk.get(f"{API}/responses/{started.json()['id']}").json()
    assert status["status"] == "done" and status["scored_count"] == 4
    wrong = clerk.post(
        f"{API}/batches/{world.batch.pk}/responses",
        {"paper": "NOPE", "file": SimpleUploadedFile("a.csv", world.csv().encode())},
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "responses.paper_not_of_plan"
