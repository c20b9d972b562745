"""PIPL retention: withdrawn candidates' personal data is erased after the retention period,
including every uploaded roster that holds them; anyone assessed, or still in the process, is
left alone; a dry run changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from skillcert.accounts.actors import SystemActor
from skillcert.applications.erasure import ROSTER_ERASED
from skillcert.applications.models import (
    Application,
    Attachment,
    ImportStatus,
    RosterImport,
    Status,
)
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.audit.models import AuditEvent
from skillcert.candidates.models import Candidate, WorkPeriod
from skillcert.common.errors import DomainError
from skillcert.operations.retention import candidates_erase_withdrawn
from skillcert.plans.tests.factories import make_candidate, make_id

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def _applied(plan: Any, hr: Any, seq: int, status: str, *, days_ago: int) -> Candidate:
    candidate = make_candidate(seq)
    application = Application.objects.create(
        plan=plan, candidate=candidate, occupation=hr, level=4, status=status
    )
    when = dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.UTC)
    Application.objects.filter(pk=application.pk).update(updated_at=when)
    return candidate


def test_withdrawn_candidate_is_erased_after_the_retention_period(
    plan, hr, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    gone = _applied(plan, hr, 1, Status.WITHDRAWN, days_ago=200)
    gone.photo.save("p.jpg", ContentFile(b"\xff\xd8photo"), save=True)
    attachment = Attachment.objects.create(
        application=gone.applications.get(), file=ContentFile(b"%PDF-1.4", name="proof.pdf")
    )
    photo_path, attachment_path = gone.photo.path, attachment.file.path
    id_number = gone.id_number

    with django_capture_on_commit_callbacks(execute=True):
        report = candidates_erase_withdrawn(
            older_than_days=180, actor=SystemActor("test"), today=TODAY
        )

    assert report.candidates == 1 and report.files == 2
    gone.refresh_from_db()
    assert gone.full_name == "（已删除）" and gone.id_number == "" and gone.phone == ""
    assert not gone.photo and not WorkPeriod.objects.filter(candidate=gone).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not Path(photo_path).exists() and not Path(attachment_path).exists()
    assert gone.applications.count() == 1  # the anonymous row keeps the statistics whole
    event = AuditEvent.objects.get(action="candidate.erase")
    assert id_number not in json.dumps(event.changes, ensure_ascii=False) + event.object_repr


def test_recent_active_or_assessed_candidates_are_kept(plan, hr):
    recent = _applied(plan, hr, 2, Status.WITHDRAWN, days_ago=20)
    approved = _applied(plan, hr, 3, Status.APPROVED, days_ago=400)
    report = candidates_erase_withdrawn(older_than_days=180, actor=SystemActor("test"), today=TODAY)
    assert report.candidates == 0
    assert {c.full_name for c in Candidate.objects.filter(pk__in=[recent.pk, approved.pk])} == {
        recent.full_name,
        approved.full_name,
    }


def test_dry_run_reports_without_changing_anything(plan, hr):
    kept = _applied(plan, hr, 4, Status.REJECTED, days_ago=365)
    report = candidates_erase_withdrawn(
        older_than_days=180, actor=SystemActor("test"), dry_run=True, today=TODAY
    )
    assert report.as_dict() == {
        "candidates": 1,
        "applications": 1,
        "files": 0,
        "roster_files": 0,
        "postponed": 0,
        "dry_run": True,
    }
    kept.refresh_from_db()
    assert kept.full_name == "考生4" and not AuditEvent.objects.filter(action="candidate.erase")


def test_a_too_short_retention_period_is_refused():
    with pytest.raises(DomainError) as caught:
        candidates_erase_withdrawn(older_than_days=7, actor=SystemActor("test"))
    assert caught.value.code == "retention.too_short"


def test_command_prints_json_and_exits_2_on_bad_input(plan, hr):
    out = io.StringIO()
    call_command("candidates", "erase-withdrawn", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["dry_run"] is True
    with pytest.raises(SystemExit) as exited:
        call_command(
            "candidates", "erase-withdrawn", "--older-than-days", "1", stderr=io.StringIO()
        )
    assert exited.value.code == 2


def _roster(plan: Any, *id_numbers: str, status: str = ImportStatus.DONE, **extra: Any) -> Any:
    rows = [valid_row(number) for number in id_numbers]
    return RosterImport.objects.create(
        plan=plan,
        file=ContentFile(roster_bytes(rows), name="roster.xlsx"),
        file_name="花名册.xlsx",
        status=status,
        errors=[
            {"row": 3, "column": "证件号码", "code": "id_float", "message": "证件号码“1.1E+17”"}
        ],
        **extra,
    )


def test_every_roster_holding_an_erased_person_is_deleted_even_when_others_are_in_it(
    plan, hr, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    gone = _applied(plan, hr, 5, Status.WITHDRAWN, days_ago=200)
    kept = _applied(plan, hr, 6, Status.APPROVED, days_ago=200)
    imported = _roster(plan, gone.id_number, kept.id_number)
    Application.objects.filter(candidate__in=[gone, kept]).update(roster_import=imported)
    dry_run = _roster(plan, gone.id_number, dry_run=True)  # not linked to any application
    others = _roster(plan, make_id(77))
    paths = {r.pk: Path(r.file.path) for r in (imported, dry_run, others)}

    with django_capture_on_commit_callbacks(execute=True):
        report = candidates_erase_withdrawn(
            older_than_days=180, actor=SystemActor("test"), today=TODAY
        )

    assert (report.candidates, report.roster_files) == (1, 2)
    for upload in (imported, dry_run):
        upload.refresh_from_db()
        assert not upload.file and upload.errors == [] and upload.message == ROSTER_ERASED
        assert not paths[upload.pk].exists()
    others.refresh_from_db()
    assert others.file and paths[others.pk].exists()
    kept_application = kept.applications.get()
    assert kept_application.status == Status.APPROVED
    assert kept_application.roster_import_id == imported.pk  # the import row and its counts stay
    event = AuditEvent.objects.get(action="candidate.erase")
    assert sorted(event.changes["roster_imports"]) == sorted([imported.pk, dry_run.pk])


def test_a_person_in_a_roster_still_being_imported_waits_for_the_next_run(
    plan, hr, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    waiting = _applied(plan, hr, 7, Status.WITHDRAWN, days_ago=200)
    queued = _roster(plan, waiting.id_number, status=ImportStatus.QUEUED)

    report = candidates_erase_withdrawn(older_than_days=180, actor=SystemActor("test"), today=TODAY)

    assert (report.candidates, report.postponed, report.roster_files) == (0, 1, 0)
    waiting.refresh_from_db()
    queued.refresh_from_db()
    assert waiting.full_name == "考生7" and queued.file and Path(queued.file.path).exists()


def test_an_unreadable_roster_of_their_plan_is_deleted_since_nobody_can_tell_who_is_in_it(
    plan, hr, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    _applied(plan, hr, 8, Status.WITHDRAWN, days_ago=200)
    broken = RosterImport.objects.create(
        plan=plan,
        file=ContentFile(b"PK\x03\x04 not a workbook", name="roster.xlsx"),
        file_name="花名册.xlsx",
        status=ImportStatus.FAILED,
    )
    path = Path(broken.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        report = candidates_erase_withdrawn(
            older_than_days=180, actor=SystemActor("test"), today=TODAY
        )

    broken.refresh_from_db()
    assert report.roster_files == 1 and not broken.file and not path.exists()


def test_activation_codes_and_identity_claims_of_an_erased_person_go_too(plan, hr, personas):
    from skillcert.candidates.models import ActivationCode, IdentityClaim
    from skillcert.candidates.services import candidate_activation_issue, candidate_register

    gone = _applied(plan, hr, 7, Status.WITHDRAWN, days_ago=200)
    candidate_activation_issue(candidate=gone, actor=personas.clerk_a)
    registration = candidate_register(
        username="claimant",
        password="Correct-Horse-2026",
        full_name=gone.full_name,
        id_number=gone.id_number,
        phone="13900007777",
    )
    assert registration.candidate is None
    assert ActivationCode.objects.filter(candidate=gone).exists()
    assert IdentityClaim.objects.filter(user=registration.user).exists()
    candidates_erase_withdrawn(older_than_days=180, actor=SystemActor("test"), today=TODAY)
    assert not ActivationCode.objects.filter(candidate=gone).exists()
    assert not IdentityClaim.objects.exists()
