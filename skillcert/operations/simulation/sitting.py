"""Stages 5-8: plan filing, the unified sitting, seating and staff, one district postponed."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import time_machine

from skillcert.applications.models import Application, Status
from skillcert.common.errors import DomainError
from skillcert.exams import staffing
from skillcert.exams.models import (
    AdmissionTicket,
    District,
    Sitting,
    StaffAssignment,
    TimeSlot,
)
from skillcert.exams.selectors import policy_for, staff_rule_of
from skillcert.exams.services import (
    district_add,
    district_postpone,
    room_add,
    seats_assign,
    site_add,
    sitting_create,
    sitting_plan_add,
    slots_add,
)
from skillcert.exams.staffing_services import staff_assign_bulk
from skillcert.operations.simulation.scenario import (
    EXAM_DAY,
    POSTPONED_DAY,
    PROVINCE,
    SITTING_CODE,
    at,
)
from skillcert.operations.simulation.state import SimulationState

if TYPE_CHECKING:
    from skillcert.operations.simulation.scenario import City
from skillcert.plans.models import Subject
from skillcert.plans.services import (
    plan_file,
    plan_review,
    plan_session_add,
    plan_staff_set,
)
from skillcert.regions.models import Region
from skillcert.supervision.services import onsite_supervisor_appoint, onsite_supervisor_pool


def _practical_sessions(candidates: int, examiners: int) -> list[int]:
    """The expected candidates of each practical session: as few sessions as let the
    examiners meet the province's ratio in every one."""
    rule = staff_rule_of(policy_for(province_code=PROVINCE))
    for count in range(1, candidates + 1):
        size, extra = divmod(candidates, count)
        shares = [size + (1 if i < extra else 0) for i in range(count)]
        if all(
            staffing.required_staff(rule, duty=staffing.EXAMINER, candidates=n) <= examiners
            for n in shares
        ):
            return shares
    raise ValueError(f"{examiners} examiners cannot meet the ratio for {candidates} candidates")


class SittingStages(SimulationState):
    """From filed plans to seated candidates."""

    def stage_plan_filing(self) -> None:
        with self._stage("评价计划备案（提前15个工作日）", at(dt.date(2026, 5, 11), 9)) as counts:
            filed = 0
            refused = ""
            for city in self.cities:
                assert city.plan and city.clerk and city.officer
                site = f"{city.name}市第一考点"
                plan_session_add(
                    plan=city.plan,
                    subject=Subject.THEORY,
                    starts_at=at(EXAM_DAY, 9),
                    ends_at=at(EXAM_DAY, 10, 30),
                    site=site,
                    expected=city.candidates,
                    actor=city.clerk,
                )
                # Every examiner of the city is on the plan; the practical exam runs in as
                # many sessions as the examiner ratio needs (1 per 5, odd, at least 3).
                examiners = [p for p in city.staff if "考评员" in p.name]
                for n, expected in enumerate(_practical_sessions(city.candidates, len(examiners))):
                    day = EXAM_DAY + dt.timedelta(days=(n + 1) // 2)
                    hour = 14 if n % 2 == 0 else 9
                    plan_session_add(
                        plan=city.plan,
                        subject=Subject.PRACTICAL,
                        starts_at=at(day, hour),
                        ends_at=at(day, hour + 2),
                        site=site,
                        expected=expected,
                        actor=city.clerk,
                    )
                # A social plan names no supervisor: the authority appoints the on-site one.
                plan_staff_set(
                    plan=city.plan, examiners=examiners, supervisor=None, actor=city.clerk
                )
                if not refused:
                    # Filing late is refused by the working-day rule (shown, then filed in time).
                    with time_machine.travel(at(dt.date(2026, 6, 1), 9), tick=False):
                        try:
                            plan_file(plan=city.plan, actor=city.clerk)
                        except DomainError as error:
                            refused = error.code
                plan_file(plan=city.plan, actor=city.clerk)
                plan_review(plan=city.plan, approve=True, actor=city.officer)
                filed += 1
            counts["备案通过"] = filed
            counts["逾期备案被拒"] = "是（不足15个工作日）" if refused else "无"
            self.expected["late_refused"] = 1 if refused else 0

    def stage_onsite_supervisors(self) -> None:
        """The city appoints each approved social plan's on-site quality supervisor (外督)
        from the province's external pool; the supervisor reports on the exam day."""
        with self._stage("派遣现场质量督导员", at(dt.date(2026, 5, 12), 9)) as counts:
            appointed = 0
            for city in self.cities:
                assert city.plan and city.officer
                pool = onsite_supervisor_pool(plan=city.plan)
                person = next(
                    p for p, why in pool if not why and p in city.staff and p.user is not None
                )
                onsite_supervisor_appoint(plan=city.plan, person=person, actor=city.officer)
                appointed += 1
            counts["派遣"] = appointed

    # --- 6. the unified sitting: districts, sites, rooms, slots ----------------------------

    def stage_sitting(self) -> None:
        with self._stage(
            "统考设置（考区、考点、考场、场次）", at(dt.date(2026, 5, 18), 9)
        ) as counts:
            sheng = self.users["sim_sheng"]
            used = set(
                Sitting.objects.filter(province_id=PROVINCE, year=2026).values_list(
                    "serial", flat=True
                )
            )
            sitting = sitting_create(
                code=SITTING_CODE,
                title="2026年江苏省企业人力资源管理师、劳动关系协调员职业技能等级认定统考（模拟）",
                province=Region.objects.get(code=PROVINCE),
                year=2026,
                serial=min(set(range(1, 100)) - used),
                actor=sheng,
            )
            rooms = 0
            for city in self.cities:
                assert city.plan
                sitting_plan_add(sitting=sitting, plan=city.plan, actor=sheng)
                rooms += self._district_open(sitting, city)
            slots = slots_add(
                sitting=sitting,
                subject=Subject.THEORY,
                starts_at=at(EXAM_DAY, 9),
                ends_at=at(EXAM_DAY, 10, 30),
                actor=sheng,
            )
            counts["考区"] = District.objects.filter(sitting=sitting).count()
            counts["考点"] = len(self.cities)
            counts["考场"] = rooms
            counts["场次"] = len(slots)

    def _district_open(self, sitting: Sitting, city: City) -> int:
        """The city's district, its one site and its rooms (a few of 36 seats, the rest of 30,
        enough for the approved candidates). Returns the rooms added."""
        sheng = self.users["sim_sheng"]
        city.district = district_add(
            sitting=sitting,
            city=Region.objects.get(code=city.code),
            office_name=f"{city.name}市职业技能鉴定指导中心考核点",
            office_address=f"{city.name}市人民路1号",
            actor=sheng,
        )
        site = site_add(
            district=city.district,
            code="01",
            name=f"{city.name}市第一考点",
            address=f"{city.name}市大学城学府路1号",
            actor=sheng,
        )
        approved = Application.objects.filter(plan=city.plan, status=Status.APPROVED).count()
        big = max(0, math.ceil((approved - 30 * city.rooms) / 6))
        for r in range(city.rooms):
            room_add(
                site=site,
                code=f"{r + 1:03d}",
                kind="paper",
                rows=6,
                cols=6 if r < big else 5,
                actor=sheng,
                location=f"{1 + r // 20}号教学楼{(r % 20) + 101}",
                accessible=r == 0,
            )
        return city.rooms

    # --- 7. seats, tickets, staff ----------------------------------------------------------

    def stage_seating_and_staff(self) -> None:
        with self._stage("编排座位、准考证、监考与督导安排", at(dt.date(2026, 5, 25), 9)) as counts:
            sheng = self.users["sim_sheng"]
            sitting = Sitting.objects.get(code=SITTING_CODE)
            seated = adjacent = 0
            slots = list(
                TimeSlot.objects.filter(sitting=sitting).select_related("district", "sitting")
            )
            for slot in slots:
                draw = seats_assign(slot=slot, seed=self.seed, actor=sheng)
                seated += draw.seated
                adjacent += draw.adjacent_same_org
            # The province staffs every district of the sitting in one go.
            staff_assign_bulk(slots=slots, seed=self.seed, actor=sheng)
            counts["就座"] = seated
            counts["同机构相邻"] = adjacent
            counts["准考证"] = AdmissionTicket.objects.filter(sitting=sitting).count()
            counts["监考安排"] = StaffAssignment.objects.filter(slot__sitting=sitting).count()

    # --- 8. one district postponed ---------------------------------------------------------

    def stage_postpone(self) -> None:
        with self._stage("常州考区延期", at(dt.date(2026, 6, 8), 9)) as counts:
            for city in self._postponed_cities():
                assert city.district
                district_postpone(
                    district=city.district,
                    new_first_day=POSTPONED_DAY,
                    reason="疫情防控要求，常州考区延期举行",
                    actor=self.users["sim_sheng"],
                )
                counts["延期考区"] = city.name
                counts["新考试日期"] = POSTPONED_DAY.isoformat()
            # The district's re-issued admission tickets are rendered now, as a worker would
            # right after the postponement (not weeks later with the certificates).
            self._drain_jobs()
