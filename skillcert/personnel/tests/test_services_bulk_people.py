"""The register's intake sheet (`people_register_bulk`) and the province's override decision
naming many people (`qualification_overrides_record_bulk`): what the one-person services
give, one audit event committing to every row, all or nothing."""

import dataclasses
import datetime as dt

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import (
    Person,
    PersonCertificate,
    PersonTitle,
    PersonWork,
    QualificationOverride,
)
from skillcert.personnel.selectors import person_facts, qualification_standing
from skillcert.personnel.services import (
    CertificateEntry,
    PersonEntry,
    TitleEntry,
    WorkEntry,
    people_register_bulk,
    qualification_overrides_record_bulk,
)
from skillcert.regions.models import Region

from .conftest import certify, make_id
from .test_services_bulk import _rows_hash

DAY = dt.date(2026, 3, 2)


def _entry(world, seq, name, **changes):
    entry = PersonEntry(
        id_number=make_id(seq),
        name=name,
        education="bachelor",
        employer_name="某某公司",
        region=Region.objects.get(code="320102"),
        phone="13912345678",
        certificates=[CertificateEntry(world.ldgx, 3, f"JS{seq:08d}", dt.date(2019, 6, 1))],
        titles=[TitleEntry("中级", "经济师", "人力资源管理", dt.date(2014, 11, 1))],
        work=[WorkEntry("劳动关系管理", dt.date(2010, 7, 1), None, world.ldgx)],
    )
    return dataclasses.replace(entry, **changes)


def test_sheet_registers_people_with_their_files_and_one_audit_event(world):
    sheet = [_entry(world, 11, "甲一"), _entry(world, 12, "乙二")]
    people = people_register_bulk(entries=sheet, actor=world.personas.city_nanjing, today=DAY)
    assert [p.name for p in people] == ["甲一", "乙二"]
    first = Person.objects.get(pk=people[0].pk)
    assert first.id_number == make_id(11)
    assert first.region_id == "320102"
    assert first.birth_date == dt.date(1980, 1, 1)
    facts = person_facts(person=first, occupation=world.ldgx)
    assert [(c.occupation_code, c.level) for c in facts.certificates] == [("4-07-03-03", 3)]
    assert len(facts.titles) == 1
    assert [w.occupation_code for w in facts.work] == ["4-07-03-03"]
    event = AuditEvent.objects.get(action="personnel.person_register_bulk")
    assert event.changes["count"] == 2
    assert event.changes["rows_sha256"] == _rows_hash(event)
    assert (
        not AuditEvent.objects.filter(action="personnel.person_register")
        .exclude(object_id__in=[str(world.person.pk), str(world.other.pk)])
        .exists()
    )


def test_bad_row_is_named_and_nothing_is_written(world):
    before = Person.objects.count()
    sheet = [_entry(world, 11, "甲一"), _entry(world, 12, "乙二", education="none")]
    with pytest.raises(DomainError) as err:
        people_register_bulk(entries=sheet, actor=world.personas.city_nanjing, today=DAY)
    assert err.value.code == "personnel.education_invalid"
    assert "第2行（乙二）" in err.value.message
    assert Person.objects.count() == before
    assert not PersonCertificate.objects.filter(number__startswith="JS000000").exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"titles": [TitleEntry("特级", "经济师", "人力", dt.date(2014, 1, 1))]}, "grade"),
        ({"work": [WorkEntry("管理", dt.date(2010, 1, 1), dt.date(2009, 1, 1))]}, "period"),
        ({"id_number": "123"}, "length"),
    ],
)
def test_bad_file_entry_refuses_the_sheet(world, changes, code):
    codes = {
        "grade": "personnel.title_grade_invalid",
        "period": "personnel.period_reversed",
        "length": "id_number.length",
    }
    with pytest.raises(DomainError) as err:
        people_register_bulk(
            entries=[_entry(world, 11, "甲一", **changes)],
            actor=world.personas.city_nanjing,
            today=DAY,
        )
    assert err.value.code == codes[code]
    assert "第1行" in err.value.message
    assert not PersonTitle.objects.exists() and not PersonWork.objects.exists()


def test_number_on_the_register_or_listed_twice_is_refused(world):
    p = world.personas
    with pytest.raises(DomainError) as err:
        people_register_bulk(
            entries=[_entry(world, 11, "甲一"), _entry(world, 1, "郑重复")], actor=p.province
        )
    assert err.value.code == "personnel.id_number_taken"
    assert "第2行" in err.value.message
    with pytest.raises(DomainError) as err:
        people_register_bulk(
            entries=[_entry(world, 11, "甲一"), _entry(world, 11, "甲一又")], actor=p.province
        )
    assert err.value.code == "personnel.id_number_repeated"
    assert not Person.objects.filter(name__startswith="甲一").exists()


def test_city_officer_may_not_register_in_another_city(world):
    with pytest.raises(DomainError) as err:
        people_register_bulk(
            entries=[_entry(world, 11, "甲一")], actor=world.personas.city_suzhou, today=DAY
        )
    assert err.value.code == "personnel.forbidden"
    assert not Person.objects.filter(name="甲一").exists()


# --- one override decision naming many people ---------------------------------------------------


def _override(world, people, **changes):
    arguments = {
        "people": people,
        "role": "examiner",
        "occupation": world.ldgx,
        "level_high": 3,
        "level_low": 5,
        "province": world.jiangsu,
        "reason": "行业急需",
        "document_number": "苏人社鉴〔2026〕1号",
        "actor": world.personas.province,
        "today": DAY,
    }
    return qualification_overrides_record_bulk(**{**arguments, **changes})


def test_one_decision_overrides_every_failed_check(world):
    made = _override(world, [world.other, world.person])
    assert [o.person_id for o in made] == sorted([world.person.pk, world.other.pk])
    for person in (world.person, world.other):
        standing = qualification_standing(
            person=person,
            role="examiner",
            occupation=world.ldgx,
            level_high=3,
            level_low=5,
            province_code="320000",
            as_of=DAY,
        )
        assert standing.passed and standing.override is not None
    event = AuditEvent.objects.get(action="personnel.qualification_override_bulk")
    assert event.changes["document_number"] == "苏人社鉴〔2026〕1号"
    assert event.changes["rows_sha256"] == _rows_hash(event)
    assert all(row["failed"] for row in event.changes["rows"])


def test_decision_naming_someone_who_passes_is_refused_whole(world):
    certify(world, world.other, number="JS2019000002")
    with pytest.raises(DomainError) as err:
        _override(world, [world.person, world.other])
    assert err.value.code == "personnel.override_needless"
    assert "孙其他" in err.value.message
    assert not QualificationOverride.objects.exists()


def test_decision_on_record_already_or_listing_twice_is_refused(world):
    _override(world, [world.person])
    with pytest.raises(DomainError) as err:
        _override(world, [world.other, world.person])
    assert err.value.code == "personnel.override_needless"
    with pytest.raises(DomainError) as err:
        _override(world, [world.other, world.other])
    assert err.value.code == "personnel.person_repeated"
    assert QualificationOverride.objects.count() == 1


@pytest.mark.parametrize(("changes", "code"), [({"reason": " "}, "personnel.reason_required")])
def test_decision_without_reason_is_refused(world, changes, code):
    with pytest.raises(DomainError) as err:
        _override(world, [world.person], **changes)
    assert err.value.code == code


def test_only_the_province_decides(world):
    with pytest.raises(DomainError) as err:
        _override(world, [world.person], actor=world.personas.city_nanjing)
    assert err.value.code == "personnel.forbidden"
    assert not QualificationOverride.objects.exists()
