"""Issue #23, "Qualifications": the pages that record the decisions staffing binds to (the
province's override with its reason and 文号; suspending and reinstating one role), and
`staffing_refusal`, the one answer plans, scoring and exams ask."""

import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.personnel.models import PersonRole, PersonRoleStatus, QualificationOverride
from skillcert.personnel.selectors import staffing_refusal
from skillcert.personnel.services import (
    person_ban,
    role_reinstate,
    role_suspend,
)

from .conftest import certify, examiner_override

DAY = dt.date(2026, 6, 1)


def examiner_role(world, person, *, high=3, low=5):
    return PersonRole.objects.create(
        person=person,
        role="examiner",
        occupation=world.ldgx,
        level_high=high,
        level_low=low,
        province=world.jiangsu,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2029, 12, 31),
    )


def refusal(world, person, **kwargs):
    return staffing_refusal(person=person, roles=["examiner", "senior_examiner"], on=DAY, **kwargs)


# --- staffing_refusal ------------------------------------------------------------------------


def test_refusal_names_the_failed_clause_and_passes_once_qualified(world):
    examiner_role(world, world.other)
    assert "不符合资格条件" in refusal(world, world.other)
    certify(world, world.other)
    assert refusal(world, world.other) == ""


def test_override_lets_a_failed_check_through(world):
    examiner_role(world, world.other)
    examiner_override(world, world.other, document_number="苏人社鉴〔2026〕3号", today=DAY)
    assert refusal(world, world.other) == ""


def test_banned_person_is_refused_whatever_the_roles(world):
    examiner_role(world, world.other)
    certify(world, world.other)
    person_ban(person=world.other, reason="考评中严重违纪", actor=world.personas.province)
    assert refusal(world, world.other) == "已被永久取消考评资格：考评中严重违纪"


def test_suspended_role_is_named_and_reinstating_lets_it_through(world):
    held = examiner_role(world, world.other)
    certify(world, world.other)
    role_suspend(held=held, reason="督导发现问题", actor=world.personas.province)
    assert refusal(world, world.other) == "考评员（劳动关系协调师）已暂停"
    role_reinstate(held=held, reason="整改完成", actor=world.personas.province)
    assert refusal(world, world.other) == ""


def test_recusal_against_the_organisation_refuses(world):
    examiner_role(world, world.person)
    certify(world, world.person)
    org_a, org_b = world.personas.org_a, world.personas.org_b
    assert refusal(world, world.person, organization=org_b) == ""
    assert "本人是该评价机构的工作人员" in refusal(world, world.person, organization=org_a)


def test_override_refuses_an_overlong_document_number(world):
    with pytest.raises(DomainError) as err:
        examiner_override(world, world.other, document_number="号" * 65, today=DAY)
    assert err.value.code == "personnel.document_number_invalid"
    assert err.value.field == "document_number"
    assert not QualificationOverride.objects.exists()


# --- the override page -----------------------------------------------------------------------


def override_post(world, **change):
    return {
        "role": "examiner",
        "occupation": str(world.ldgx.pk),
        "level_high": "3",
        "level_low": "5",
        "reason": "行业急需，经省鉴定中心专家组认定",
        "document_number": "苏人社鉴〔2026〕7号",
    } | change


def test_province_records_an_override_and_the_person_page_lists_it(world, personas):
    client = personas.client_for(personas.province)
    url = f"/personnel/{world.other.pk}/overrides/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, override_post(world))
    assert response.status_code == 302
    assert response["Location"] == f"/personnel/{world.other.pk}/"
    row = QualificationOverride.objects.get()
    assert row.document_number == "苏人社鉴〔2026〕7号" and row.person == world.other
    page = client.get(f"/personnel/{world.other.pk}/").content.decode()
    assert "资格条件特批" in page and "苏人社鉴〔2026〕7号" in page and "行业急需" in page


def test_override_page_shows_a_refusal_beside_the_form(world, personas):
    certify(world, world.other)  # the check passes: nothing to override
    client = personas.client_for(personas.province)
    url = f"/personnel/{world.other.pk}/overrides/new/"
    response = client.post(url, override_post(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and "无需特批" in body
    missing = client.post(url, override_post(world, document_number="", reason=""))
    assert missing.status_code == 200
    assert 'id="id_document_number_error"' in missing.content.decode()
    assert 'id="id_reason_error"' in missing.content.decode()
    assert not QualificationOverride.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("city_nanjing", 403), ("clerk_b", 404)])
def test_override_page_is_the_province_officers_alone(world, personas, who, status):
    client = personas.client_for(getattr(personas, who))
    url = f"/personnel/{world.person.pk}/overrides/new/"
    assert client.post(url, override_post(world)).status_code == status
    assert not QualificationOverride.objects.exists()


def test_override_page_refuses_anonymous(world, client):
    response = client.post(f"/personnel/{world.person.pk}/overrides/new/", override_post(world))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not QualificationOverride.objects.exists()


# --- suspending and reinstating a role -------------------------------------------------------


def test_officer_suspends_and_reinstates_a_role_from_the_person_page(world, personas):
    held = examiner_role(world, world.other)
    client = personas.client_for(personas.province)
    page = client.get(f"/personnel/{world.other.pk}/").content.decode()
    suspend_url = f"/personnel/{world.other.pk}/roles/{held.pk}/suspend/"
    assert suspend_url in page
    assert client.get(suspend_url).status_code == 200
    response = client.post(suspend_url, {"reason": "督导发现问题"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == PersonRoleStatus.SUSPENDED
    assert held.events.last().reason == "督导发现问题"
    reinstate_url = f"/personnel/{world.other.pk}/roles/{held.pk}/reinstate/"
    assert reinstate_url in client.get(f"/personnel/{world.other.pk}/").content.decode()
    assert client.post(reinstate_url, {"reason": "整改完成"}).status_code == 302
    held.refresh_from_db()
    assert held.status == PersonRoleStatus.ACTIVE


def test_role_suspension_without_a_reason_shows_the_error_beside_it(world, personas):
    held = examiner_role(world, world.other)
    client = personas.client_for(personas.province)
    response = client.post(f"/personnel/{world.other.pk}/roles/{held.pk}/suspend/", {"reason": " "})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    held.refresh_from_db()
    assert held.status == PersonRoleStatus.ACTIVE


def test_reinstating_an_active_role_is_refused_and_changes_nothing(world, personas):
    held = examiner_role(world, world.other)
    client = personas.client_for(personas.province)
    url = f"/personnel/{world.other.pk}/roles/{held.pk}/reinstate/"
    response = client.post(url, {"reason": "误操作"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    held.refresh_from_db()
    assert held.status == PersonRoleStatus.ACTIVE and not held.events.exists()


@pytest.mark.parametrize(("who", "status"), [("clerk_a", 404), ("candidate", 404)])
def test_role_pages_refuse_outside_the_persons_scope(world, personas, who, status):
    held = examiner_role(world, world.other)
    client = personas.client_for(getattr(personas, who))
    response = client.post(
        f"/personnel/{world.other.pk}/roles/{held.pk}/suspend/", {"reason": "越权"}
    )
    assert response.status_code == status
    held.refresh_from_db()
    assert held.status == PersonRoleStatus.ACTIVE


def test_role_pages_refuse_organisation_staff(world, personas):
    held = examiner_role(world, world.person)
    client = personas.client_for(personas.clerk_a)
    response = client.post(
        f"/personnel/{world.person.pk}/roles/{held.pk}/suspend/", {"reason": "本单位暂停"}
    )
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == PersonRoleStatus.ACTIVE


def test_role_of_another_person_is_not_found(world, personas):
    held = examiner_role(world, world.other)
    client = personas.client_for(personas.province)
    response = client.get(f"/personnel/{world.person.pk}/roles/{held.pk}/suspend/")
    assert response.status_code == 404
