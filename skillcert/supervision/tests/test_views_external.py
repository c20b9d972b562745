"""The authority's on-site supervision page: appoint the external supervisor, accept a reason
for a missing report, record a ratio exception — good and bad input through the page."""

from __future__ import annotations

from skillcert.supervision.models import RatioOverride, ReportWaiver, Visit


def _url(world, tail: str = "") -> str:
    return f"/supervision/plans/{world.social_plan.pk}/onsite/{tail}"


def test_only_the_authority_over_the_plan_sees_the_page(world):
    personas = world.personas
    page = personas.client_for(personas.city_nanjing).get(_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert world.supervisors[0].name in body and "尚未派遣" in body
    for user in (personas.clerk_a, personas.city_suzhou, personas.candidate):
        assert personas.client_for(user).get(_url(world)).status_code == 404


def test_appointing_through_the_page(world):
    client = world.personas.client_for(world.personas.city_nanjing)
    target = world.supervisors[1]
    response = client.post(_url(world, "appoint/"), {"person": target.pk})
    assert response.status_code == 302
    assert Visit.objects.get(plan=world.social_plan).supervisor_id == target.pk


def test_refused_appointments_through_the_page_change_nothing(world):
    personas = world.personas
    related = world.supervisors[0]
    related.employer = personas.org_a
    related.save(update_fields=["employer"])
    client = personas.client_for(personas.city_nanjing)
    response = client.post(_url(world, "appoint/"), {"person": related.pk}, follow=True)
    assert "不能担任" in response.content.decode()
    assert client.post(_url(world, "appoint/"), {"person": "x"}).status_code == 404
    clerk = personas.client_for(personas.clerk_a)
    assert clerk.post(_url(world, "appoint/"), {"person": related.pk}).status_code == 404
    assert not Visit.objects.exists()


def test_waiver_through_the_page(world):
    client = world.personas.client_for(world.personas.city_nanjing)
    short = client.post(_url(world, "waive/"), {"reason": "没来"}, follow=True)
    assert "至少10个字" in short.content.decode()
    assert not ReportWaiver.objects.exists()
    client.post(_url(world, "waive/"), {"reason": "督导员途中车祸受伤，已调取考场全程录像核实"})
    assert ReportWaiver.objects.get().plan_id == world.social_plan.pk


def test_ratio_exception_through_the_page_is_the_provinces(world):
    personas = world.personas
    url = f"/supervision/plans/{world.social_plan.pk}/ratio-override/"
    reason = {"reason": "偏远考点考评员不足，已安排省级巡考全程录像"}
    assert personas.client_for(personas.city_nanjing).post(url, reason).status_code == 403
    assert not RatioOverride.objects.exists()
    assert personas.client_for(personas.province).post(url, reason).status_code == 302
    assert RatioOverride.objects.get().plan_id == world.social_plan.pk
    missing = personas.client_for(personas.province).post(
        "/supervision/slots/999999/ratio-override/", reason
    )
    assert missing.status_code == 404
