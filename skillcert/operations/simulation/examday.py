"""Stage 10: exam day: check-in, absences, one misconduct case, the supervisor's report."""

from __future__ import annotations

import datetime as dt

from skillcert.exams.examday import (
    absences_mark_site,
    checkins_record_bulk,
    misconduct_decide,
    misconduct_record,
    supervisor_report_submit,
)
from skillcert.exams.models import (
    AdmissionTicket,
    Seat,
    Site,
    StaffAssignment,
    TimeSlot,
)
from skillcert.exams.selectors import policy_for
from skillcert.itembank.services import (
    paper_release_approve,
)
from skillcert.operations.simulation.scenario import (
    EXAM_DAY,
    PROVINCE,
    City,
    at,
)
from skillcert.operations.simulation.state import SimulationState
from skillcert.plans.models import Subject
from skillcert.supervision.selectors import onsite_visit_of
from skillcert.supervision.services import visit_checklist_save, visit_report_submit


class ExamDayStage(SimulationState):
    """One exam day for a group of cities."""

    def stage_exam_day(self, cities: list[City], day: dt.date, name: str) -> None:
        with self._stage(name, at(day, 8, 30)) as counts:
            present = absent = misconduct = reports = onsite = 0
            if day == EXAM_DAY:
                # The province releases the sealed papers on the morning of the exam.
                for paper in self.papers.values():
                    paper_release_approve(paper=paper, actor=self.users["sim_sheng"])
            for city in cities:
                assert city.district and city.officer
                slot = TimeSlot.objects.get(district=city.district, subject=Subject.THEORY)
                seats = list(
                    Seat.objects.filter(slot=slot).select_related("application").order_by("pk")
                )
                tickets = {
                    t.application_id: t
                    for t in AdmissionTicket.objects.filter(district=city.district)
                }
                checks = dict.fromkeys(policy_for(province_code=PROVINCE).entry_checklist, True)
                no_show = {s.pk for s in seats if self.rng.random() < 0.045}
                site = Site.objects.get(district=city.district)
                # The site's door scanner list, uploaded when the doors close.
                arrived = checkins_record_bulk(
                    slot=slot,
                    site=site,
                    arrivals=[
                        (tickets[seat.application_id].ticket_no, at(day, 8, 40))
                        for seat in seats
                        if seat.pk not in no_show
                    ],
                    checks=checks,
                    actor=city.officer,
                )
                present += len(arrived)
                absent += absences_mark_site(
                    slot=slot, site=site, actor=city.officer, at=at(day, 9, 31)
                )
                cheat = next(s for s in seats if s.pk not in no_show)
                reports += _incidents(city, slot, cheat, day)
                misconduct += 1
                onsite += _onsite_report(city)
            counts["到考"] = present
            counts["缺考"] = absent
            counts["违纪"] = misconduct
            counts["督导报告"] = reports
            counts["现场督导报告"] = onsite


def _incidents(city: City, slot: TimeSlot, cheat: Seat, day: dt.date) -> int:
    """One candidate caught with a phone (recorded, decided, the paper voided) and the
    supervisor's report on the site. Returns the reports submitted."""
    assert city.officer
    case = misconduct_record(
        seat=cheat,
        kind="device",
        description="考试中使用手机查阅资料，已收缴手机并拍照取证",
        actor=city.officer,
        occurred_at=at(day, 9, 50),
    )
    misconduct_decide(
        misconduct=case,
        decision="subject_void",
        reason="携带手机作弊，当科成绩无效",
        actor=city.officer,
    )
    supervisor = StaffAssignment.objects.filter(slot=slot, duty="supervisor").first()
    user = supervisor.person.user if supervisor is not None else None
    if supervisor is None or user is None:
        return 0
    supervisor_report_submit(
        slot=slot,
        site=supervisor.site,
        findings="考点组织规范，入场检查落实到位",
        rating="good",
        actor=user,
    )
    return 1


def _onsite_report(city: City) -> int:
    """The on-site quality supervisor the city appointed answers the checklist and submits
    the report that registration of the plan's results needs. Returns the reports."""
    assert city.plan
    visit = onsite_visit_of(plan=city.plan)
    if visit is None or visit.supervisor.user is None:
        return 0
    user = visit.supervisor.user
    visit_checklist_save(
        visit=visit, answers={item["code"]: ("yes", "") for item in visit.checklist}, actor=user
    )
    visit_report_submit(
        visit=visit,
        rating="pass",
        report="身份核验、考场纪律、试卷保密和评分记录均符合规定（模拟）",
        actor=user,
    )
    return 1
