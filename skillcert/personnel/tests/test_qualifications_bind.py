"""Issue #23, "Qualifications": cards, appointments and staffing bind to a passed
qualification check (rule clauses or a province override, plus the signed declaration), and
staffing writes practice records idempotently."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.common.errors import DomainError
from skillcert.personnel.demo import declaration_scan
from skillcert.personnel.models import (
    Card,
    ConductDeclaration,
    PersonRole,
    PracticeRecord,
    QualificationOverride,
)
from skillcert.personnel.selectors import qualification_standing, staffing_refusal
from skillcert.personnel.services import (
    Staffed,
    card_collect,
    card_issue,
    declaration_record,
    practice_records_sync,
    role_appoint,
)

from .conftest import (
    appoint,
    certify,
    examiner_override,
    publish,
    register,
    registration_through,
)

ISSUE_DAY = dt.date(2026, 4, 10)


def trained(world, person, *, user):
    """Registered for the March 2026 examiner plan and through review, course, exam and
    pledge: only the card is left."""
    return registration_through(world, publish(world, 3), "pledged", person=person, actor=user)


# --- cards ----------------------------------------------------------------------------------


def test_card_issued_when_the_check_passes_and_records_the_decision(world):
    certify(world, world.person)
    reg = trained(world, world.person, user=world.personas.examiner)
    card = card_issue(registration=reg, actor=world.personas.province, issued_on=ISSUE_DAY)
    reg.refresh_from_db()
    assert reg.qualification["qualified"] is True
    assert reg.qualification["declaration_signed_on"] == "2026-01-05"
    card_collect(card=card, actor=world.personas.province, on=dt.date(2026, 4, 13))
    held = PersonRole.objects.get(person=world.person, role="examiner")
    assert held.qualification["matched_clause"] == "ldgx-examiner-2023/a"


def test_card_refused_to_an_unqualified_person_naming_the_failed_clause(world):
    reg = trained(world, world.person, user=world.personas.examiner)
    with pytest.raises(DomainError) as err:
        card_issue(registration=reg, actor=world.personas.province, issued_on=ISSUE_DAY)
    assert err.value.code == "personnel.not_qualified"
    assert "ldgx-examiner-2023/a" in err.value.message
    assert "三级及以上" in err.value.message
    assert not Card.objects.exists()


def test_card_refused_without_the_signed_declaration(world, personas):
    person = register(
        personas, seq=7, employer=personas.org_a, name="钱未声明", user=None, declared=False
    )
    certify(world, person)
    reg = trained(world, person, user=personas.superuser)
    with pytest.raises(DomainError) as err:
        card_issue(registration=reg, actor=personas.province, issued_on=ISSUE_DAY)
    assert err.value.code == "personnel.declaration_missing"
    assert "无违法犯罪记录" in err.value.message and "二(一)(四)" in err.value.message
    assert not Card.objects.exists()


def _override(world, reason, actor):
    """`actor`'s override of the examiner qualification check for the examiner persona's
    person (劳动关系协调师 3-5, Jiangsu) on ISSUE_DAY."""
    return examiner_override(world, reason=reason, actor=actor, today=ISSUE_DAY)


def test_province_override_lets_the_card_be_issued_with_the_reason_on_record(world):
    p = world.personas
    reg = trained(world, world.person, user=p.examiner)
    override = _override(world, "行业急需，经省鉴定中心专家组认定", p.province)
    card = card_issue(registration=reg, actor=p.province, issued_on=ISSUE_DAY)
    reg.refresh_from_db()
    assert card.number
    assert reg.qualification["qualified"] is False
    assert reg.qualification["override"] == {"id": override.pk, "reason": override.reason}


def test_override_refused_without_reason_or_when_the_check_passes(world):
    p = world.personas
    with pytest.raises(DomainError) as err:
        _override(world, "  ", p.province)
    assert err.value.code == "personnel.reason_required"
    certify(world, world.person)
    with pytest.raises(DomainError) as err:
        _override(world, "无需", p.province)
    assert err.value.code == "personnel.override_needless"
    assert not QualificationOverride.objects.exists()


@pytest.mark.parametrize("who", ["city_nanjing", "clerk_a", "examiner", "candidate"])
def test_override_is_the_province_officers_alone(world, who):
    p = world.personas
    with pytest.raises(DomainError) as err:
        _override(world, "自行特批", p.user(who))
    assert err.value.code == "personnel.forbidden"
    assert not QualificationOverride.objects.exists()


# --- appointments ---------------------------------------------------------------------------


def test_supervisor_appointment_needs_the_declaration(world, personas):
    undeclared = register(personas, seq=8, employer=personas.org_a, name="冯督导", declared=False)
    kwargs = {
        "role": "supervisor_external",
        "occupation": world.ldgx,
        "level_high": 1,
        "level_low": 5,
        "province": world.jiangsu,
        "actor": personas.province,
        "today": dt.date(2026, 6, 1),
    }
    with pytest.raises(DomainError) as err:
        role_appoint(person=undeclared, **kwargs)
    assert err.value.code == "personnel.declaration_missing"
    assert not PersonRole.objects.filter(person=undeclared).exists()
    held = role_appoint(person=world.other, **kwargs)
    assert held.qualification["declaration_signed_on"] == "2026-01-05"


def declare(world, actor, *, signed_on=dt.date(2026, 2, 2), upload=None):
    """The examiner persona's person's conduct declaration, recorded on 2026-02-03."""
    return declaration_record(
        person=world.person,
        signed_on=signed_on,
        upload=upload or declaration_scan("郑考评"),
        actor=actor,
        today=dt.date(2026, 2, 3),
    )


# --- the declaration ------------------------------------------------------------------------


def test_declaration_recorded_by_the_employer_with_the_scan(world, personas):
    person = register(personas, seq=9, employer=personas.org_a, name="褚新人", declared=False)
    row = declaration_record(
        person=person,
        signed_on=dt.date(2026, 2, 2),
        upload=declaration_scan("褚新人"),
        actor=personas.clerk_a,
        today=dt.date(2026, 2, 3),
    )
    assert row.content_type == "application/pdf" and len(row.sha256) == 64

    def standing_on(day):
        return qualification_standing(
            person=person,
            role="supervisor_external",
            occupation=world.ldgx,
            level_high=1,
            level_low=5,
            province_code="320000",
            as_of=day,
        )

    standing = standing_on(dt.date(2026, 2, 3))
    assert standing.passed and standing.declared_on == dt.date(2026, 2, 2)
    before = standing_on(dt.date(2026, 2, 1))
    assert before.code == "personnel.declaration_missing"


def test_declaration_refused_for_a_future_date_or_a_disguised_file(world, personas):
    with pytest.raises(DomainError) as err:
        declare(world, personas.clerk_a, signed_on=dt.date(2026, 2, 4))
    assert err.value.code == "personnel.declaration_future"
    exe = SimpleUploadedFile("声明.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(DomainError) as err:
        declare(world, personas.clerk_a, upload=exe)
    assert err.value.code == "upload.disguised"
    assert ConductDeclaration.objects.filter(person=world.person).count() == 1


@pytest.mark.parametrize("who", ["clerk_b", "city_suzhou", "candidate", "examiner"])
def test_declaration_refused_to_another_organisation_or_the_person_alone(world, who):
    with pytest.raises(DomainError) as err:
        declare(world, world.personas.user(who))
    assert err.value.code == "personnel.forbidden"
    assert ConductDeclaration.objects.filter(person=world.person).count() == 1


def test_declaration_page_records_it_and_shows_it(world, personas):
    url = f"/personnel/{world.person.pk}/declarations/"
    response = personas.client_for(personas.clerk_a).post(
        url,
        {"declaration-signed_on": "2026-02-02", "declaration-scan": declaration_scan("郑考评")},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/personnel/{world.person.pk}/"
    assert ConductDeclaration.objects.filter(person=world.person).count() == 2
    page = personas.client_for(personas.clerk_a).get(f"/personnel/{world.person.pk}/")
    assert "登记个人声明" in page.content.decode() and "2026-02-02" in page.content.decode()


def test_declaration_page_shows_a_bad_file_beside_the_form(world, personas):
    url = f"/personnel/{world.person.pk}/declarations/"
    bad = SimpleUploadedFile("声明.pdf", b"<html><script>x</script>", content_type="text/html")
    response = personas.client_for(personas.clerk_a).post(
        url, {"declaration-signed_on": "2026-02-02", "declaration-scan": bad}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert ConductDeclaration.objects.filter(person=world.person).count() == 1


@pytest.mark.parametrize(("who", "status"), [("clerk_b", 404), ("candidate", 404)])
def test_declaration_page_refused_outside_the_persons_organisation(world, personas, who, status):
    url = f"/personnel/{world.person.pk}/declarations/"
    response = personas.client_for(getattr(personas, who)).post(
        url,
        {"declaration-signed_on": "2026-02-02", "declaration-scan": declaration_scan("郑考评")},
    )
    assert response.status_code == status
    assert ConductDeclaration.objects.filter(person=world.person).count() == 1


def test_declaration_page_refuses_anonymous(world, client):
    response = client.post(f"/personnel/{world.person.pk}/declarations/", {})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert ConductDeclaration.objects.filter(person=world.person).count() == 1


# --- staffing ------------------------------------------------------------------------------


def test_staffing_refusal_names_the_failed_clause(world, personas):
    day = dt.date(2026, 6, 1)
    assert staffing_refusal(person=world.other, roles=["supervisor_external"], on=day) == (
        "没有有效的相应角色"
    )
    appoint(world, "supervisor_external", today=day)
    assert staffing_refusal(person=world.other, roles=["supervisor_external"], on=day) == ""
    ConductDeclaration.objects.filter(person=world.other).delete()
    reason = staffing_refusal(person=world.other, roles=["supervisor_external"], on=day)
    assert "个人声明" in reason


def test_practice_records_sync_is_idempotent_and_follows_the_staffing(world, personas):
    org = personas.org_a
    staffed = [
        Staffed(world.person.pk, org.pk, "examiner", world.ldgx.pk, 4, "第1考场"),
        Staffed(world.other.pk, org.pk, "supervisor"),
    ]
    day = dt.date(2026, 8, 15)
    first = practice_records_sync(
        source="plans.plan:1", held_on=day, staffed=staffed, actor=personas.province
    )
    again = practice_records_sync(
        source="plans.plan:1", held_on=day, staffed=staffed, actor=personas.province
    )
    assert [r.pk for r in first] == [r.pk for r in again]
    assert PracticeRecord.objects.count() == 2
    left = practice_records_sync(
        source="plans.plan:1", held_on=day, staffed=staffed[:1], actor=personas.province
    )
    assert [r.person_id for r in left] == [world.person.pk]
    assert PracticeRecord.objects.get().duty == "examiner"


def test_practice_records_sync_refuses_an_unknown_duty(world, personas):
    with pytest.raises(DomainError) as err:
        practice_records_sync(
            source="plans.plan:1",
            held_on=dt.date(2026, 8, 15),
            staffed=[Staffed(world.person.pk, personas.org_a.pk, "cook")],
            actor=personas.province,
        )
    assert err.value.code == "personnel.duty_invalid"
    assert not PracticeRecord.objects.exists()
