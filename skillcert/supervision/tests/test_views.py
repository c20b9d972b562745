from django.core.cache import cache
from django.test import Client

from skillcert.regions.models import Region
from skillcert.supervision.models import Complaint, DrawKind, Visit
from skillcert.supervision.services import supervision_draw

FORM = {
    "complainant_kind": "public",
    "subject_kind": "organization",
    "subject_name": "某评价机构",
    "region": "320100",
    "content": "收费后不组织考试，也不退费，请核查。",
}


def test_public_form_takes_a_complaint_and_shows_the_tracking_code(personas):
    cache.clear()
    page = Client().post("/supervision/report/", FORM, REMOTE_ADDR="10.0.0.1")
    assert page.status_code == 200
    complaint = Complaint.objects.get()
    body = page.content.decode()
    assert complaint.number in body and "查询码" in body
    code = page.context["code"]
    track = Client().get("/supervision/report/track/", {"number": complaint.number, "code": code})
    assert track.status_code == 200 and "已收到，待分办" in track.content.decode()
    wrong = Client().get("/supervision/report/track/", {"number": complaint.number, "code": "X"})
    assert wrong.status_code == 404


def test_public_form_bad_input_is_refused_with_400(personas):
    cache.clear()
    page = Client().post("/supervision/report/", {**FORM, "content": "短"}, REMOTE_ADDR="10.0.0.2")
    assert page.status_code == 400 and "至少" in page.content.decode()
    unknown = Client().post(
        "/supervision/report/", {**FORM, "filing_number": "S000032999999"}, REMOTE_ADDR="10.0.0.2"
    )
    assert unknown.status_code == 400
    assert not Complaint.objects.exists()


def test_public_form_offers_and_accepts_only_this_provinces_cities(personas):
    form = Client().get("/supervision/report/")
    cities = [r.code for r in form.context["cities"]]
    assert cities and all(code.startswith("32") for code in cities)
    elsewhere = Client().post(
        "/supervision/report/", {**FORM, "region": "110100"}, REMOTE_ADDR="10.0.0.3"
    )
    assert elsewhere.status_code == 400 and "本省" in elsewhere.content.decode()
    assert not Complaint.objects.exists()


def test_public_form_is_rate_limited_per_ip(personas):
    cache.clear()
    client = Client()
    codes = [
        client.post("/supervision/report/", FORM, REMOTE_ADDR="10.0.0.3").status_code
        for _ in range(11)
    ]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert Complaint.objects.count() == 10
    other = client.post("/supervision/report/", FORM, REMOTE_ADDR="10.0.0.4")
    assert other.status_code == 200


def test_api_complaint_create_is_public_and_validated(personas):
    cache.clear()
    client = Client()
    ok = client.post(
        "/api/v1/supervision/complaints",
        {**FORM, "region": "320100"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
    )
    assert ok.status_code == 201 and ok.json()["number"].startswith("TS")
    bad = client.post(
        "/api/v1/supervision/complaints",
        {**FORM, "content": "短"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "complaint.content_too_short"


def test_officer_draws_from_the_page_and_supervisor_sees_the_visit(world):
    officer = world.personas.client_for(world.personas.province)
    response = officer.post(
        "/supervision/draws/new/",
        {"kind": DrawKind.PROCESS, "region": "320100", "rate": "20", "seed": "abc"},
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert officer.get(response["Location"]).status_code == 200
    Visit.objects.filter(pk=visit.pk).update(supervisor=world.supervisors[0])
    mine = world.personas.client_for(world.personas.supervisor)
    assert mine.get(f"/supervision/visits/{visit.pk}/").status_code == 200
    assert (
        world.personas.client_for(world.personas.clerk_b)
        .get(f"/supervision/visits/{visit.pk}/")
        .status_code
        == 404
    )
    export = officer.get("/supervision/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_registration_blocked_api_answers_for_a_visible_plan(world):
    supervision_draw(
        kind=DrawKind.ONSITE,
        region=Region.objects.get(code="320100"),
        actor=world.personas.province,
    )
    client = world.personas.client_for(world.personas.clerk_a)
    answer = client.get(f"/api/v1/supervision/registration-blocked/{world.social_plan.pk}")
    assert answer.status_code == 200 and answer.json()["blocked"] is False
    assert (
        world.personas.client_for(world.personas.clerk_b)
        .get(f"/api/v1/supervision/registration-blocked/{world.social_plan.pk}")
        .status_code
        == 404
    )


def test_evidence_downloads_for_those_who_see_the_visit_only(world, visit, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from skillcert.supervision.services import evidence_add, finding_record

    settings.MEDIA_ROOT = tmp_path / "media"
    p = world.personas
    finding = finding_record(
        visit=visit, severity="minor", description="考场座位表未张贴", actor=p.supervisor
    )
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    evidence = evidence_add(
        finding=finding, upload=SimpleUploadedFile("座位表.png", png), actor=p.supervisor
    )
    page = p.client_for(p.supervisor).get(f"/supervision/visits/{visit.pk}/").content.decode()
    assert f"/supervision/evidence/{evidence.pk}/" in page
    for user in (p.supervisor, p.city_nanjing, p.province, p.clerk_a):
        answer = p.client_for(user).get(f"/supervision/evidence/{evidence.pk}/")
        assert answer.status_code == 200, user
        assert b"".join(answer.streaming_content) == png
        assert (
            answer["Content-Type"] == "image/png" and "sandbox" in answer["Content-Security-Policy"]
        )
    for user in (p.city_suzhou, p.clerk_b, p.candidate):
        assert p.client_for(user).get(f"/supervision/evidence/{evidence.pk}/").status_code == 404
