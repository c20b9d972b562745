"""Demo supervision for `manage.py demo` (after the applications demo): an on-site draw in
Nanjing with its visit filled in (checklist, one finding with a photo, the report and the
corrective action it opens) and a public complaint being handled. Idempotent.

The draw takes every social plan (逢考必督), the demo plan among them: its visit is the plan's
on-site supervision, and its report is what registering the plan's results needs."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.accounts.actors import Actor
from skillcert.accounts.models import User
from skillcert.organizations.models import EvaluationOrg
from skillcert.regions.models import Region
from skillcert.supervision.models import Complaint, DrawKind, SupervisionDraw
from skillcert.supervision.services import (
    complaint_submit,
    complaint_triage,
    draw_pool,
    evidence_add,
    finding_record,
    supervision_draw,
    visit_checklist_save,
    visit_report_submit,
)

DEMO_SEED = "demo-nanjing-2026"
DEMO_COMPLAINT_SUBJECT = "南京金陵人力资源职业技能评价中心（演示投诉）"
# the smallest valid PNG: a 1×1 transparent pixel, standing in for a site photo
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _supervision(actor: Actor) -> None:
    nanjing = Region.objects.get(code="320100")
    if SupervisionDraw.objects.filter(seed=DEMO_SEED).exists():
        return
    if not draw_pool(kind=DrawKind.ONSITE, region=nanjing).exists():
        return
    draw = supervision_draw(kind=DrawKind.ONSITE, region=nanjing, seed=DEMO_SEED, actor=actor)
    visit = draw.visits.select_related("supervisor").order_by("pk").first()
    if visit is None:
        return
    # the supervisor's own account fills the visit when the drawn person has one
    who = visit.supervisor.user or actor
    answers = {item["code"]: ("yes", "") for item in visit.checklist}
    answers["room_order"] = ("no", "第3考场考场记录未签字")
    visit_checklist_save(visit=visit, answers=answers, actor=who)
    finding = finding_record(
        visit=visit,
        severity="major",
        description="第3考场考场记录缺少监考人员签字，缺考人数与签到表不一致",
        checklist_code="room_order",
        actor=who,
    )
    evidence_add(finding=finding, upload=SimpleUploadedFile("第3考场记录.png", _PIXEL), actor=who)
    visit_report_submit(
        visit=visit,
        rating="basic",
        report="身份核验、试卷保密符合规定；考场记录不完整，已要求机构限期整改。",
        actor=who,
    )


def load_complaint_demo(actor: Actor) -> None:
    """A public complaint about organisation A, triaged to the Nanjing office."""
    if Complaint.objects.filter(subject_name=DEMO_COMPLAINT_SUBJECT).exists():
        return
    complaint, _code = complaint_submit(
        complainant_kind="candidate",
        complainant_name="钱考生",
        contact_phone="13900001234",
        subject_kind="organization",
        subject_name=DEMO_COMPLAINT_SUBJECT,
        region_code="320100",
        content="报名时收取的资料费未开具发票，且考前培训与宣传不符，请核查。",
        actor=actor,
    )
    officer = User.objects.filter(username="nanjing").first()
    org = EvaluationOrg.objects.filter(name__startswith="南京金陵人力资源").first()
    if officer is not None and org is not None:
        complaint_triage(
            complaint=complaint, assignee=officer, org=org, note="转市级承办", actor=actor
        )


def load_supervision_demo(actor: Actor) -> None:
    """The on-site draw in Nanjing and its visit, on the exam day."""
    _supervision(actor)
