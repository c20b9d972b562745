import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from skillcert.personnel.models import Registration

from .conftest import declared_relative, make_id, registration_through


def city_approved(world, plan):
    return registration_through(world, plan, "city_approved", today=dt.date(2026, 3, 5))


def read_xlsx(response):
    import io

    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_city_officer_reviewing_another_citys_applicant_gets_404(world, march_plan):
    p = world.personas
    reg = registration_through(world, march_plan, "recommended", today=dt.date(2026, 3, 5))
    client = p.client_for(p.city_suzhou)
    url = f"/personnel/registrations/{reg.pk}/city-approve/"
    assert client.post(url).status_code == 404
    assert client.get(f"/personnel/registrations/{reg.pk}/").status_code == 404
    reg.refresh_from_db()
    assert reg.status == "recommended"
    ok = p.client_for(p.city_nanjing).post(url)
    assert ok.status_code == 302
    reg.refresh_from_db()
    assert reg.status == "city_approved"


def test_summary_table_has_exactly_the_seed_columns_and_full_id_for_the_province(world, march_plan):
    city_approved(world, march_plan)
    response = world.personas.client_for(world.personas.province).get(
        f"/personnel/plans/{march_plan.pk}/summary/?export=xlsx"
    )
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert rows[0] == [
        "序号",
        "工作单位",
        "姓名",
        "性别",
        "身份证号码",
        "文化程度",
        "现职业资格(专业技术职务)",
        "申报考评职业(工种)",
        "联系电话",
        "通讯地址",
    ]
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == world.personas.org_a.name and row[2] == "郑考评"
    assert row[4] == make_id(1) and row[8] == "13912345678"
    assert row[7] == "劳动关系协调师 五级至三级"


@pytest.mark.parametrize("viewer", ["clerk_a", "city_nanjing"])
def test_summary_table_is_masked_for_organisation_staff_and_the_city(world, march_plan, viewer):
    city_approved(world, march_plan)
    rows = read_xlsx(
        world.personas.client_for(getattr(world.personas, viewer)).get(
            f"/personnel/plans/{march_plan.pk}/summary/?export=xlsx"
        )
    )
    assert rows[1][4] == make_id(1)[:4] + "*" * 10 + make_id(1)[-4:]
    assert rows[1][2] == "郑*评" and rows[1][8] == "139****5678"


def test_other_city_sees_an_empty_summary(world, march_plan):
    city_approved(world, march_plan)
    rows = read_xlsx(
        world.personas.client_for(world.personas.city_suzhou).get(
            f"/personnel/plans/{march_plan.pk}/summary/?export=xlsx"
        )
    )
    assert len(rows) == 1


def test_person_page_masks_identity_for_another_organisations_view(world):
    p = world.personas
    own = p.client_for(p.examiner).get("/personnel/me/")
    assert own.status_code == 200
    page = p.client_for(p.clerk_a).get(f"/personnel/{world.person.pk}/")
    assert page.status_code == 200
    assert make_id(1) not in page.content.decode()
    assert p.client_for(p.clerk_a).get(f"/personnel/{world.other.pk}/").status_code == 404
    city = p.client_for(p.city_nanjing).get(f"/personnel/{world.person.pk}/")
    assert make_id(1) not in city.content.decode()
    assert world.person.id_number_masked in city.content.decode()
    province = p.client_for(p.province).get(f"/personnel/{world.person.pk}/")
    assert make_id(1) in province.content.decode()
    own = p.client_for(p.examiner).get(f"/personnel/{world.person.pk}/")
    assert make_id(1) in own.content.decode()


def test_applicant_registers_through_the_page_and_sees_progress(world, march_plan, monkeypatch):
    from skillcert.personnel import services

    real = services.registration_submit

    def on_open_day(**kwargs):
        return real(**kwargs, today=dt.date(2026, 3, 5))

    monkeypatch.setattr(services, "registration_submit", on_open_day)
    client = world.personas.client_for(world.personas.examiner)
    response = client.post(
        f"/personnel/plans/{march_plan.pk}/register/",
        {"occupation": world.ldgx.pk, "level_high": 3, "level_low": 5},
    )
    reg = Registration.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{reg.pk}/")
    page = client.get(f"/personnel/registrations/{reg.pk}/").content.decode()
    assert "已报名，待单位推荐" in page


def test_late_registration_through_the_page_shows_the_reason(world, march_plan):
    client = world.personas.client_for(world.personas.examiner)
    response = client.post(
        f"/personnel/plans/{march_plan.pk}/register/",
        {"occupation": world.ldgx.pk, "level_high": 3, "level_low": 5},
        follow=True,
    )
    assert "报名已截止" in response.content.decode()
    assert not Registration.objects.exists()


def test_province_officer_publishes_a_plan_from_the_page(world):
    client = world.personas.client_for(world.personas.province)
    response = client.post(
        "/personnel/plans/",
        {"plan-year": 2026, "plan-month": 4, "plan-role": "examiner", "plan-required_minutes": 600},
    )
    assert response.status_code == 302
    assert (
        world.personas.client_for(world.personas.city_nanjing)
        .post(
            "/personnel/plans/",
            {
                "plan-year": 2026,
                "plan-month": 5,
                "plan-role": "examiner",
                "plan-required_minutes": 600,
            },
        )
        .status_code
        == 404
    )


def may_assess(client, person, **body):
    return client.post(
        f"/api/v1/personnel/people/{person.pk}/may-assess", body, content_type="application/json"
    )


def test_api_may_assess_reports_reasons(world):
    client = world.personas.client_for(world.personas.city_nanjing)
    response = may_assess(client, world.person, organization=world.personas.org_a.pk)
    assert response.status_code == 200
    assert response.json()["reasons"][0]["code"] == "recusal.same_employer"
    people = client.get("/api/v1/personnel/people").json()
    assert [p["id_number"] for p in people] == [world.person.id_number_masked]
    assert [p["masked"] for p in people] == [True]


def test_api_may_assess_takes_the_candidates_id_number_in_the_body_not_the_url(world):
    relative = declared_relative(world)
    client = world.personas.client_for(world.personas.city_nanjing)
    url = f"/api/v1/personnel/people/{world.person.pk}/may-assess"
    assert client.get(url, {"candidate_id_number": relative}).status_code == 405
    response = may_assess(client, world.person, candidate_id_number=relative.lower())
    assert response.status_code == 200
    assert response.json()["allowed"] is False
    assert [r["code"] for r in response.json()["reasons"]] == ["recusal.candidate"]
    assert may_assess(client, world.person, candidate_id_number=make_id(78)).json() == {
        "allowed": True,
        "reasons": [],
    }


def test_api_may_assess_outside_scope_is_a_documented_404(world):
    client = world.personas.client_for(world.personas.city_suzhou)
    response = may_assess(client, world.person)
    assert response.status_code == 404
    assert response.json()["code"] == "personnel.not_found"


def test_api_registration_after_window_is_a_400_with_the_code(world, march_plan):
    client = world.personas.client_for(world.personas.examiner)
    response = client.post(
        f"/api/v1/personnel/plans/{march_plan.pk}/registrations",
        {"occupation": world.ldgx.pk, "level_high": 3, "level_low": 5},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "personnel.registration_closed"
    assert not Registration.objects.exists()


def test_person_page_checks_a_candidate_posted_in_the_body_not_the_url(world):
    relative = declared_relative(world)
    client = world.personas.client_for(world.personas.city_nanjing)
    url = f"/personnel/{world.person.pk}/"
    org = world.personas.org_a.pk
    ignored = client.get(url, {"organization": org, "candidate": relative}).content.decode()
    assert "不能安排" not in ignored
    checked = client.post(url, {"organization": org, "candidate": relative}).content.decode()
    assert "不能安排" in checked and "与考生存在近亲属关系" in checked
