from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillcert.applications.models import Application, ImportStatus, RosterImport, Status
from skillcert.applications.services import application_create, application_submit
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.plans.tests.factories import make_id


def _submitted(personas, plan, hr, candidate):
    app = application_create(
        candidate=candidate, plan=plan, occupation=hr, level=4, actor=personas.candidate
    )
    return application_submit(application=app, actor=personas.candidate)


def test_candidate_sees_decision_and_full_identity(personas, plan, hr, candidate_person):
    app = _submitted(personas, plan, hr, candidate_person)
    client = personas.client_for(personas.candidate)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "generic-2018/4/b" in page and "第 1 版" in page
    assert candidate_person.id_number in page
    mine = client.get(reverse("applications:mine")).content.decode()
    assert f"#{app.pk}" in mine


def test_other_org_gets_404_and_city_sees_masked(personas, plan, hr, candidate_person):
    app = _submitted(personas, plan, hr, candidate_person)
    url = reverse("applications:detail", args=[app.pk])
    assert personas.client_for(personas.clerk_b).get(url).status_code == 404
    assert personas.client_for(personas.city_suzhou).get(url).status_code == 404
    city_page = personas.client_for(personas.city_nanjing).get(url).content.decode()
    assert candidate_person.id_number not in city_page  # not at the city tier yet
    assert candidate_person.id_number_masked in city_page
    clerk_page = personas.client_for(personas.clerk_a).get(url).content.decode()
    assert candidate_person.id_number in clerk_page  # the org reviews it now


def test_queue_filters_and_bulk_approve(personas, plan, hr, candidate_person):
    app = _submitted(personas, plan, hr, candidate_person)
    client = personas.client_for(personas.clerk_a)
    page = client.get(reverse("applications:review"), {"tier": "org"}).content.decode()
    assert f"#{app.pk}" in page
    page = client.get(
        reverse("applications:review"), {"tier": "org", "flag": "birth_mismatch"}
    ).content.decode()
    assert f"#{app.pk}" not in page
    response = client.post(
        reverse("applications:review_bulk"),
        {"tier": "org", "ids": [str(app.pk)], "confirm": "1", "query": "tier=org"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.CITY_REVIEW
    export = client.get(reverse("applications:review"), {"tier": "org", "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bulk_approve_with_an_impossible_id_is_not_a_500(personas, plan, hr, candidate_person):
    app = _submitted(personas, plan, hr, candidate_person)
    client = personas.client_for(personas.clerk_a)
    response = client.post(
        reverse("applications:review_bulk"),
        {"tier": "org", "ids": [str(10**30), str(app.pk)], "confirm": "1", "query": "tier=org"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.CITY_REVIEW


def test_candidate_has_no_review_queue(personas):
    assert (
        personas.client_for(personas.candidate).get(reverse("applications:review")).status_code
        == 404
    )


def test_web_upload_runs_in_background_and_reports(
    personas, plan, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = personas.client_for(personas.clerk_a)
    content = roster_bytes([valid_row(make_id(1)), valid_row("32010219900307123X")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:roster_upload", args=[plan.pk]),
            {"file": SimpleUploadedFile("roster.xlsx", content)},
        )
    job = RosterImport.objects.get()
    assert response.url == reverse("applications:roster_status", args=[job.pk])
    assert job.status == ImportStatus.DONE and job.imported == 0 and job.error_count == 1
    assert Application.objects.count() == 0  # all-or-nothing
    progress = client.get(
        reverse("applications:roster_status", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-get" not in progress and "id_checksum" in progress
    report = client.get(reverse("applications:roster_report", args=[job.pk]))
    assert report.status_code == 200 and report.content[:2] == b"PK"
    assert (
        personas.client_for(personas.clerk_b)
        .get(reverse("applications:roster_status", args=[job.pk]))
        .status_code
        == 404
    )


def test_web_upload_refused_for_other_org(personas, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = personas.client_for(personas.clerk_b)
    response = client.post(
        reverse("applications:roster_upload", args=[plan.pk]),
        {"file": SimpleUploadedFile("roster.xlsx", roster_bytes([]))},
    )
    assert response.status_code == 404
    assert RosterImport.objects.count() == 0


def test_template_download(personas):
    response = personas.client_for(personas.clerk_a).get(reverse("applications:roster_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_register_and_profile_pages(client, db):
    response = client.post(
        reverse("candidates:register"),
        {
            "username": "newbie",
            "password": "Correct-Horse-2026",
            "full_name": "新考生",
            "id_number": make_id(9),
            "phone": "13812345678",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("candidates:profile")).content.decode()
    assert make_id(9) in page  # the owner sees the full number
    bad = client.post(
        reverse("candidates:register"),
        {
            "username": "b",
            "password": "Correct-Horse-2026",
            "full_name": "x",
            "id_number": "1",
            "phone": "1",
        },
    )
    assert "身份证号码应为18位" in bad.content.decode()


def test_api_lists_scoped_applications(personas, plan, hr, candidate_person):
    app = _submitted(personas, plan, hr, candidate_person)
    ok = personas.client_for(personas.clerk_a).get("/api/v1/applications?tier=org").json()
    assert [a["id"] for a in ok] == [app.pk] and "*" in ok[0]["id_number"]
    assert personas.client_for(personas.clerk_b).get("/api/v1/applications").json() == []
