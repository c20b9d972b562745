"""M4: examiners' ID numbers and phones are encrypted at rest, found by digest, and shown in
full only to the person and the province officer of the person's province — on the list,
the person's page, the API and the xlsx export alike."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from python_calamine import CalamineWorkbook

from skillcert.common.errors import DomainError
from skillcert.common.pii import pii_digest
from skillcert.personnel.models import Person
from skillcert.personnel.selectors import person_by_id_number

from .conftest import make_id, register

MASKED_ID = make_id(1)[:4] + "*" * 10 + make_id(1)[-4:]
MASKED_PHONE = "139****5678"


def stored_columns(person: Person) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_digest FROM personnel_person WHERE id = %s",
            [person.pk],
        )
        return cursor.fetchone()


def export_rows(client) -> list[list[Any]]:
    response = client.get("/personnel/?export=xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_raw_columns_hold_neither_the_plain_id_number_nor_the_phone(world):
    id_number, phone, digest = stored_columns(world.person)
    assert make_id(1) not in id_number and make_id(1)[6:14] not in id_number
    assert "13912345678" not in phone
    assert id_number.startswith("pii1:") and phone.startswith("pii1:")
    assert digest == pii_digest(make_id(1))
    reloaded = Person.objects.get(pk=world.person.pk)
    assert (reloaded.id_number, reloaded.phone) == (make_id(1), "13912345678")


def test_rows_created_outside_the_services_get_their_digests(world):
    stem = make_id(3)
    person = Person.objects.create(
        id_number=stem,
        name="直建",
        gender="M",
        birth_date=world.person.birth_date,
        education="bachelor",
        employer_name="某单位",
        region=world.nanjing,
    )
    assert stored_columns(person)[2] == pii_digest(stem)
    assert person_by_id_number(stem) == person


def test_person_is_found_by_id_number_through_the_digest(world):
    assert person_by_id_number(make_id(1)) == world.person
    assert person_by_id_number(f" {make_id(2)} ") == world.other
    assert person_by_id_number(make_id(99)) is None
    assert person_by_id_number("") is None


def test_same_id_number_is_refused_through_the_digest(world):
    with pytest.raises(DomainError) as err:
        register(world.personas, seq=1, name="重复")
    assert err.value.code == "personnel.id_number_taken"
    assert Person.objects.count() == 2


@pytest.mark.parametrize("viewer", ["city_nanjing", "clerk_a"])
def test_city_officer_and_org_clerk_see_masked_values_in_the_list_and_export(world, viewer):
    client = world.personas.client_for(getattr(world.personas, viewer))
    page = client.get("/personnel/").content.decode()
    assert make_id(1) not in page and MASKED_ID in page
    rows = export_rows(client)
    assert rows[0] == ["姓名", "性别", "身份证号码", "工作单位", "联系电话", "状态"]
    mine = next(row for row in rows[1:] if row[3] == world.personas.org_a.name)
    assert mine[2] == MASKED_ID and mine[4] == MASKED_PHONE
    flat = repr(rows)
    assert make_id(1) not in flat and "13912345678" not in flat


def test_province_officer_sees_full_values_in_the_list_and_export(world):
    client = world.personas.client_for(world.personas.province)
    page = client.get("/personnel/").content.decode()
    assert make_id(1) in page and make_id(2) in page
    rows = export_rows(client)
    by_id = {row[2]: row for row in rows[1:]}
    assert by_id[make_id(1)][4] == "13912345678"
    assert make_id(2) in by_id


def test_platform_operator_sees_masked_values(world):
    page = world.personas.client_for(world.personas.superuser).get("/personnel/").content.decode()
    assert make_id(1) not in page and MASKED_ID in page


def test_search_by_full_id_number_finds_the_person_without_revealing_it(world):
    client = world.personas.client_for(world.personas.city_nanjing)
    page = client.get("/personnel/", {"q": make_id(1)}).content.decode()
    assert "共 1 人" in page and MASKED_ID in page


def test_api_people_masks_for_the_city_and_not_for_the_province(world):
    city = world.personas.client_for(world.personas.city_nanjing)
    assert city.get("/api/v1/personnel/people").json() == [
        {
            "id": world.person.pk,
            "name": "郑*评",
            "id_number": MASKED_ID,
            "employer_name": world.personas.org_a.name,
            "status": "active",
            "masked": True,
        }
    ]
    province = world.personas.client_for(world.personas.province)
    shown = {p["id"]: p for p in province.get("/api/v1/personnel/people").json()}
    assert shown[world.person.pk]["id_number"] == make_id(1)
    assert shown[world.person.pk]["masked"] is False
