import datetime as dt

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.exams.models import StaffAssignment, StaffingRun
from skillcert.exams.services import seats_assign, slots_add
from skillcert.exams.staffing_services import staff_assign
from skillcert.exams.tests.factories import EXAM_DAY, at
from skillcert.personnel.models import PersonRole, RecusalRelation
from skillcert.plans.tests.factories import make_person


def test_staff_are_assigned_by_ratio_and_shortages_explained(sitting_setup, personas, hr):
    slot = sitting_setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    make_person(1, roles=[("examiner", hr, 1, 5)], name="甲考评")
    make_person(2, roles=[("examiner", hr, 1, 5)], name="乙考评")
    make_person(3, roles=[("examiner", hr, 1, 5)], employer=personas.org_a, name="丙同单位")
    related = make_person(4, roles=[("examiner", hr, 1, 5)], name="丁亲属")
    candidate = sitting_setup.apps_a[0].candidate
    RecusalRelation.objects.create(
        person=related, kind="relative", counterpart_id_number=candidate.id_number
    )
    run = staff_assign(slot=slot, seed=1, actor=personas.province)
    rows = StaffAssignment.objects.filter(slot=slot)
    # 2 rooms × 2 invigilators + 1 supervisor needed; qualified and free: 甲, 乙 and the two
    # plan examiners (903, 912), plus 丁 for the room without their relative.
    assert rows.filter(duty="supervisor").count() == 1
    names = set(rows.values_list("person__name", flat=True))
    assert "丙同单位" not in names
    people = list(rows.values_list("person_id", flat=True))
    assert len(people) == len(set(people))
    for room_id in rows.exclude(room=None).values_list("room_id", flat=True).distinct():
        assert rows.filter(room_id=room_id).count() == 2
    assert run.shortages == []
    relative_room = sitting_setup.apps_a[0].seats.get(slot=slot).room_id
    assert not rows.filter(person=related, room_id=relative_room).exists()
    assert AuditEvent.objects.filter(action="exams.staff_assign").exists()


def test_shortage_says_where_and_why(sitting_setup, personas, hr):
    slot = sitting_setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    make_person(3, roles=[("examiner", hr, 1, 5)], employer=personas.org_a, name="丙同单位")
    run = staff_assign(slot=slot, seed=1, actor=personas.province)
    assert run.shortages
    text = " ".join(s["explanation"] for s in run.shortages)
    assert "南京市第一考点 第00" in text and "需监考员2人" in text
    assert "丙同单位：本人是该评价机构的工作人员，应回避" in text


def test_nobody_is_in_two_places_in_overlapping_slots(sitting_setup, personas, hr):
    for i in range(6):
        make_person(10 + i, roles=[("examiner", hr, 1, 5)])
    nj = sitting_setup.theory["320100"]
    sz = sitting_setup.theory["320500"]
    seats_assign(slot=nj, seed=7, actor=personas.province)
    seats_assign(slot=sz, seed=7, actor=personas.province)
    staff_assign(slot=nj, seed=1, actor=personas.province)
    staff_assign(slot=sz, seed=1, actor=personas.province)
    nj_people = set(StaffAssignment.objects.filter(slot=nj).values_list("person_id", flat=True))
    sz_people = set(StaffAssignment.objects.filter(slot=sz).values_list("person_id", flat=True))
    assert nj_people and sz_people and not (nj_people & sz_people)


def test_practical_rooms_get_an_odd_number_of_qualified_examiners(
    sitting_setup, personas, hr, welder
):
    (slot,) = slots_add(
        sitting=sitting_setup.sitting,
        subject="practical",
        starts_at=at(EXAM_DAY, 14),
        ends_at=at(EXAM_DAY, 16),
        districts=[sitting_setup.nanjing],
        actor=personas.province,
    )
    sitting_setup.rooms["nj_p"].__class__.objects.filter(pk=sitting_setup.rooms["nj_p"].pk).update(
        rows=8
    )
    for i in range(5):
        make_person(20 + i, roles=[("examiner", hr, 1, 5)])
    make_person(30, roles=[("examiner", welder, 1, 5)], name="焊工考评员")
    seats_assign(slot=slot, seed=3, actor=personas.province)
    run = staff_assign(slot=slot, seed=2, actor=personas.province)
    rows = StaffAssignment.objects.filter(slot=slot, duty="examiner")
    assert rows.count() % 2 == 1 and rows.count() >= 3
    assert "焊工考评员" not in set(rows.values_list("person__name", flat=True))
    assert (
        run.assigned
        == rows.count() + StaffAssignment.objects.filter(slot=slot, duty="supervisor").count()
    )


def test_city_officer_of_another_city_cannot_assign(sitting_setup, personas):
    with pytest.raises(DomainError) as exc:
        staff_assign(slot=sitting_setup.theory["320100"], seed=1, actor=personas.city_suzhou)
    assert exc.value.code == "exams.forbidden"
    assert not StaffingRun.objects.exists()


def test_an_internal_supervisor_never_supervises_a_sitting_site(sitting_setup, personas, hr):
    """A sitting is a social assessment: its site supervisor is an external one the authority
    sends; with none in the pool the post stays short rather than going to an internal one."""
    slot = sitting_setup.theory["320100"]
    seats_assign(slot=slot, seed=7, actor=personas.province)
    for i in range(4):
        make_person(20 + i, roles=[("examiner", hr, 1, 5)])
    internal = make_person(30, roles=[], name="内部督导")
    PersonRole.objects.create(
        person=internal,
        role="supervisor_internal",
        occupation=hr,
        level_high=1,
        level_low=5,
        province_id="320000",
        organization=personas.org_b,
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2028, 12, 31),
    )
    PersonRole.objects.filter(role="supervisor_external").delete()
    run = staff_assign(slot=slot, seed=1, actor=personas.province)
    assert not StaffAssignment.objects.filter(slot=slot, person=internal).exists()
    assert not StaffAssignment.objects.filter(slot=slot, duty="supervisor").exists()
    assert [s["duty"] for s in run.shortages] == ["supervisor"]
