"""The intake sheet, the override decision and the counter's collections through the API:
refusals as 400/403/404, nothing written on a refusal."""

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.personnel.models import Card, Person, PersonCertificate, QualificationOverride
from skillcert.personnel.services import cards_issue_bulk, exam_result_record, pledge_sign

from .conftest import certify, learn_course, make_id, publish, registration_through
from .test_services_bulk import ISSUE_DAY


def _sheet(world, **changes):
    row = {
        "id_number": make_id(21),
        "name": "甲一",
        "education": "bachelor",
        "employer_name": "某某公司",
        "region": "320102",
        "certificates": [
            {"occupation": world.ldgx.pk, "level": 2, "number": "X1", "issued_on": "2016-06-01"}
        ],
        "titles": [
            {"grade": "中级", "name": "经济师", "major": "人力", "obtained_on": "2014-11-01"}
        ],
        "work": [
            {"description": "劳动关系管理", "start": "2010-07-01", "occupation": world.ldgx.pk}
        ],
    }
    return {"people": [{**row, **changes}]}


def test_city_officer_registers_a_sheet(world):
    client = world.personas.client_for(world.personas.city_nanjing)
    answer = client.post("/api/v1/personnel/people", _sheet(world), content_type="application/json")
    assert answer.status_code == 201, answer.content
    person = Person.objects.get(pk=answer.json()["ids"][0])
    assert person.certificates.get().number == "X1"


def test_bad_row_is_refused_with_its_number(world):
    client = world.personas.client_for(world.personas.city_nanjing)
    answer = client.post(
        "/api/v1/personnel/people",
        _sheet(world, education="none"),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "personnel.education_invalid"
    assert "第1行" in answer.json()["message"]
    assert not PersonCertificate.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("candidate", 403), ("city_suzhou", 403)])
def test_sheet_outside_the_callers_region_is_refused(world, persona, status):
    client = world.personas.client(persona)
    answer = client.post("/api/v1/personnel/people", _sheet(world), content_type="application/json")
    assert answer.status_code == status
    assert not Person.objects.filter(name="甲一").exists()


def _decision(world):
    return {
        "people": [world.person.pk],
        "role": "examiner",
        "occupation": world.ldgx.pk,
        "level_high": 3,
        "level_low": 5,
        "province": "320000",
        "reason": "行业急需",
    }


def test_province_records_an_override_decision(world):
    client = world.personas.client_for(world.personas.province)
    answer = client.post(
        "/api/v1/personnel/qualification-overrides",
        _decision(world),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert QualificationOverride.objects.get().person_id == world.person.pk


@pytest.mark.parametrize(("persona", "status"), [("city_nanjing", 403), ("candidate", 404)])
def test_override_decision_only_by_the_province(world, persona, status):
    client = world.personas.client(persona)
    answer = client.post(
        "/api/v1/personnel/qualification-overrides",
        _decision(world),
        content_type="application/json",
    )
    assert answer.status_code == status
    assert not QualificationOverride.objects.exists()


@pytest.fixture
def card(world):
    plan = publish(world, 3)
    certify(world, number="JS2019000001")
    reg = registration_through(world, plan, "province_approved")
    learn_course(reg, actor=world.personas.province)
    exam_result_record(registration=reg, score=90, actor=world.personas.province)
    pledge_sign(registration=reg, actor=COMMAND)
    return cards_issue_bulk(plan=plan, actor=world.personas.province, issued_on=ISSUE_DAY)[0]


def test_counter_records_collections(world, card):
    client = world.personas.client_for(world.personas.city_nanjing)
    answer = client.post(
        "/api/v1/personnel/card-collections",
        {"cards": [card.pk], "on": "2026-04-20"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"count": 1, "numbers": [card.number]}
    assert Card.objects.get(pk=card.pk).status == "collected"


@pytest.mark.parametrize(("persona", "status"), [("clerk_b", 404), ("examiner", 403)])
def test_collections_only_by_an_officer_over_the_person(world, card, persona, status):
    client = world.personas.client(persona)
    answer = client.post(
        "/api/v1/personnel/card-collections",
        {"cards": [card.pk], "on": "2026-04-20"},
        content_type="application/json",
    )
    assert answer.status_code == status
    assert Card.objects.get(pk=card.pk).status == "pending"
