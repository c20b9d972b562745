"""Supervision writes: the 双随机 draw, visits (checklist, findings, evidence, report),
corrective actions, escalation of serious findings to the credit record with a hold on the
registration of results, and complaints from intake to feedback. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from skillcert.accounts.scope import Scope
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.identifiers import validate_mobile
from skillcert.common.pii import pii_digest
from skillcert.common.transitions import check_transition
from skillcert.organizations.core import ALLOWED_TYPES, check_upload
from skillcert.organizations.credit import credit_event_record
from skillcert.organizations.models import CreditEventKind, EvaluationOrg, OrgKind
from skillcert.organizations.permissions import (
    actor_scope,
    actor_user,
    is_officer_over,
    require_officer_over,
    require_staff_of,
)
from skillcert.personnel import recusal
from skillcert.personnel.models import (
    IntegrityKind,
    Person,
    PersonRole,
    PersonRoleStatus,
    PersonStatus,
    RoleKind,
)
from skillcert.personnel.selectors import assessor_facts
from skillcert.personnel.selectors import policy_for as personnel_policy_for
from skillcert.personnel.services import integrity_record
from skillcert.plans.models import EvaluationPlan, PlanStatus
from skillcert.regions.models import Region
from skillcert.supervision import core
from skillcert.supervision.models import (
    ActionStatus,
    ChecklistItem,
    ComplainantKind,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    CorrectiveAction,
    DrawKind,
    Evidence,
    Finding,
    Rating,
    RegistrationHold,
    Severity,
    SubjectKind,
    SupervisionDraw,
    SupervisionPolicy,
    Visit,
    VisitStatus,
)
from skillcert.supervision.transitions import (
    ACTION_TRANSITIONS,
    COMPLAINT_TRANSITIONS,
    VISIT_TRANSITIONS,
)
from skillcert.workdays.selectors import workdays_add

_SNIFF_BYTES = 64
PUBLIC_ACTOR = "public:complaint-form"
NO_ROTATION_LIMIT = 10**6


def _today() -> dt.date:
    return timezone.localdate()


def _required(value: str, code: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(code, message, field=field)
    return value


def policy_for(*, province_code: str) -> SupervisionPolicy:
    """The province's rates and deadlines, else the default row, else the built-in defaults."""
    rows = {
        p.province: p
        for p in SupervisionPolicy.objects.filter(province__in=["", province_code[:2]])
    }
    return rows.get(province_code[:2]) or rows.get("") or SupervisionPolicy()


def _require_officer_over_region(actor: Any, region_code: str) -> Scope:
    scope = actor_scope(actor)
    if not (scope.is_officer and scope.covers_region_code(region_code)):
        raise Forbidden("supervision.forbidden", "只有负责该地区的人社部门可以办理此事项")
    return scope


# --- the draw -------------------------------------------------------------------------------


def draw_pool(*, kind: str, region: Region) -> QuerySet[EvaluationPlan]:
    """Plans a draw may pick: plans of the region's organisations of the matching route that
    are open or closed for applications and have no visit of this kind yet."""
    plans = EvaluationPlan.objects.filter(
        organization__region__code__startswith=region.prefix,
        status__in=[PlanStatus.OPEN, PlanStatus.CLOSED],
    ).exclude(supervision_visits__kind=kind)
    if kind == DrawKind.PROCESS:
        return plans.filter(organization__kind=OrgKind.EMPLOYER)
    return plans.exclude(organization__kind=OrgKind.EMPLOYER)


def _external_supervisors(*, province_code: str, day: dt.date) -> list[Person]:
    """Active people holding an external-supervisor role of the province valid on `day`."""
    roles = PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        role=RoleKind.SUPERVISOR_EXTERNAL,
        status=PersonRoleStatus.ACTIVE,
        province_id=province_code,
        valid_from__lte=day,
    )
    return list(
        Person.objects.filter(status=PersonStatus.ACTIVE, pk__in=roles.values("person_id"))
        .prefetch_related("relations")
        .order_by("pk")
    )


def _rotation_limit(province_code: str) -> int:
    """The province's limit of consecutive sittings at one organisation; a province that has
    not entered its personnel parameters yet gets recusal without the rotation rule."""
    try:
        return personnel_policy_for(province_code=province_code).max_consecutive_sittings or 1
    except DomainError:
        return NO_ROTATION_LIMIT


def supervision_draw(
    *,
    kind: str,
    region: Region,
    actor: Any,
    rate: Decimal | None = None,
    seed: str = "",
) -> SupervisionDraw:
    """Draw plans (random object) and one external supervisor per plan with recusal applied
    (random inspector). Process supervision samples employers' plans at `rate` (default: the
    province's); on-site supervision takes every social-assessment plan (逢考必督)."""
    _require_officer_over_region(actor, region.code)
    if kind not in DrawKind.values:
        raise DomainError("supervision.kind_invalid", "请选择督导类型", field="kind")
    province_code = region.code[:2] + "0000"
    policy = policy_for(province_code=province_code)
    if kind == DrawKind.ONSITE:
        if rate is not None and rate != Decimal(1):
            raise DomainError(
                "supervision.onsite_rate", "社会化评价逢考必督，抽取比例只能为100%", field="rate"
            )
        rate = Decimal(1)
    elif rate is None:
        rate = policy.process_sample_rate
    if not (Decimal(0) < rate <= Decimal(1)):
        raise DomainError("supervision.rate_invalid", "抽取比例应大于0且不超过1", field="rate")
    seed = seed.strip() or secrets.token_hex(8)
    if len(seed) > 64:
        raise DomainError("supervision.seed_invalid", "随机种子不能超过64个字符", field="seed")
    day = _today()
    with transaction.atomic():
        plans = {
            p.pk: p for p in draw_pool(kind=kind, region=region).select_related("organization")
        }
        if not plans:
            raise DomainError(
                "supervision.pool_empty", f"{region.name}没有可抽取的评价计划", field="region"
            )
        pool = sorted(plans)
        picked = core.draw_objects(pool, rate, seed)
        people = _external_supervisors(province_code=province_code, day=day)
        facts = {p.pk: assessor_facts(person=p) for p in people}
        max_run = _rotation_limit(province_code)
        eligible: dict[int, list[int]] = {}
        exclusions: dict[str, dict[str, str]] = {}
        for plan_id in picked:
            org = plans[plan_id].organization
            assignment = recusal.Assignment(
                on=day,
                organization_id=org.pk,
                organization_name=org.name,
                roles=(RoleKind.SUPERVISOR_EXTERNAL,),
            )
            eligible[plan_id] = []
            for person_id, person_facts in facts.items():
                verdict = recusal.may_assess(person_facts, assignment, max_consecutive=max_run)
                if verdict.allowed:
                    eligible[plan_id].append(person_id)
                else:
                    exclusions.setdefault(str(plan_id), {})[str(person_id)] = verdict.explanation()
        drawn = core.draw_inspectors(eligible, seed)
        assigned: dict[int, int] = {}
        for plan_id, drawn_person in drawn.items():
            if drawn_person is None:
                raise DomainError(
                    "supervision.no_inspector",
                    f"{plans[plan_id].organization.name}（计划 {plans[plan_id].code}）"
                    "没有可派出的外部质量督导员（督导员库为空或均需回避）",
                    field="region",
                )
            assigned[plan_id] = drawn_person
        draw = SupervisionDraw.objects.create(
            kind=kind,
            region=region,
            drawn_on=day,
            rate=rate,
            seed=seed,
            pool=pool,
            picked=picked,
            inspector_pool={str(k): v for k, v in eligible.items()},
            assignments={str(k): v for k, v in assigned.items()},
            exclusions=exclusions,
            created_by=actor_user(actor),
        )
        checklist = [
            {"code": i.code, "title": i.title, "result": "", "note": ""}
            for i in ChecklistItem.objects.filter(kind=kind, active=True)
        ]
        Visit.objects.bulk_create(
            Visit(
                draw=draw,
                plan=plans[plan_id],
                org=plans[plan_id].organization,
                supervisor_id=assigned[plan_id],
                kind=kind,
                checklist=checklist,
            )
            for plan_id in picked
        )
        audit_record(
            actor=actor,
            action="supervision.draw",
            obj=draw,
            changes={
                "kind": [None, kind],
                "rate": [None, str(rate)],
                "seed": [None, seed],
                "pool": [None, len(pool)],
                "picked": [None, picked],
                "assignments": [None, draw.assignments],
            },
        )
    return draw


def draw_replay(*, draw: SupervisionDraw) -> tuple[list[int], dict[int, int | None]]:
    """Recompute a recorded draw from its pool, rate and seed (for anyone checking it)."""
    picked = core.draw_objects([int(x) for x in draw.pool], Decimal(draw.rate), draw.seed)
    eligible = {int(k): [int(p) for p in v] for k, v in draw.inspector_pool.items()}
    return picked, core.draw_inspectors(eligible, draw.seed)


# --- the visit ------------------------------------------------------------------------------


def _require_visit_supervisor(actor: Any, visit: Visit) -> None:
    scope = actor_scope(actor)
    if scope.is_platform:
        return
    user = actor_user(actor)
    if user is None or visit.supervisor.user_id != user.pk:
        raise Forbidden("supervision.forbidden", "只有派出的质量督导员本人可以填写督导记录")


def _lock_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("supervisor", "org").get(pk=visit.pk)


def _require_assigned(visit: Visit) -> None:
    if visit.status != VisitStatus.ASSIGNED:
        raise DomainError(
            "supervision.visit_reported", "督导报告已提交，不能再修改检查表、问题或证据"
        )


def visit_checklist_save(*, visit: Visit, answers: dict[str, tuple[str, str]], actor: Any) -> Visit:
    _require_visit_supervisor(actor, visit)
    with transaction.atomic():
        locked = _lock_visit(visit)
        _require_assigned(locked)
        locked.checklist = core.checklist_apply(locked.checklist, answers)
        locked.save(update_fields=["checklist"])
        audit_record(
            actor=actor,
            action="supervision.checklist_save",
            obj=locked,
            changes={"answers": [None, {k: v[0] for k, v in answers.items()}]},
        )
    return locked


def finding_record(
    *, visit: Visit, severity: str, description: str, actor: Any, checklist_code: str = ""
) -> Finding:
    _require_visit_supervisor(actor, visit)
    if severity not in Severity.values:
        raise DomainError("supervision.severity_invalid", "请选择问题严重程度", field="severity")
    description = _required(
        description, "supervision.description_required", "请填写问题描述", "description"
    )
    with transaction.atomic():
        locked = _lock_visit(visit)
        _require_assigned(locked)
        checklist_code = checklist_code.strip()
        if checklist_code and checklist_code not in {i["code"] for i in locked.checklist}:
            raise DomainError(
                "supervision.checklist_unknown_item",
                f"检查项“{checklist_code}”不在本次检查表中",
                field="checklist_code",
            )
        finding = Finding.objects.create(
            visit=locked,
            severity=severity,
            description=description,
            checklist_code=checklist_code,
            created_by=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="supervision.finding_record",
            obj=finding,
            changes={"visit": [None, locked.pk], "severity": [None, severity]},
        )
    return finding


def evidence_add(*, finding: Finding, upload: UploadedFile, actor: Any) -> Evidence:
    """Attach a photo or document, checked by its content (the organisations' upload rules:
    PDF, PNG or JPEG, at most 10 MB, no disguised executables or markup)."""
    visit = Visit.objects.select_related("supervisor").get(pk=finding.visit_id)
    _require_visit_supervisor(actor, visit)
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name:
        raise DomainError("upload.name_required", "文件缺少文件名", field="file")
    size = upload.size or 0
    upload.seek(0)
    content_type = check_upload(name=name, size=size, head=upload.read(_SNIFF_BYTES))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        _require_assigned(_lock_visit(visit))
        row = Evidence(
            finding=finding,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=actor_user(actor),
        )
        row.file.save(f"{uuid.uuid4().hex}{ALLOWED_TYPES[content_type][0]}", upload, save=False)
        try:
            row.save()
            audit_record(
                actor=actor,
                action="supervision.evidence_add",
                obj=row,
                changes={"finding": [None, finding.pk], "sha256": [None, row.sha256]},
            )
        except Exception:
            # the row did not make it: do not leave the bytes behind
            row.file.delete(save=False)
            raise
    return row


def _visit_move(visit: Visit, target: str) -> str:
    before = visit.status
    check_transition(
        allowed=VISIT_TRANSITIONS,
        current=before,
        target=target,
        labels=dict(VisitStatus.choices),
    )
    visit.status = target
    return before


def visit_report_submit(*, visit: Visit, rating: str, report: str, actor: Any) -> Visit:
    """Submit the rating and report. Every checklist item must be answered, and the rating
    may not be better than the findings allow. Each finding opens a corrective action for the
    organisation, due in the province's number of working days."""
    _require_visit_supervisor(actor, visit)
    if rating not in Rating.values:
        raise DomainError("supervision.rating_invalid", "请选择督导评定结论", field="rating")
    report = _required(report, "supervision.report_required", "请填写督导报告", "report")
    with transaction.atomic():
        locked = _lock_visit(visit)
        _require_assigned(locked)
        missing = core.checklist_missing(locked.checklist)
        if missing:
            raise DomainError(
                "supervision.checklist_incomplete",
                f"检查表尚有 {len(missing)} 项未填写：{'、'.join(missing[:5])}",
                field="checklist",
            )
        findings = list(locked.findings.order_by("pk"))
        floor = core.rating_floor(locked.checklist, [f.severity for f in findings])
        if not core.rating_allowed(rating, floor):
            raise DomainError(
                "supervision.rating_inconsistent",
                f"根据检查表和发现的问题，评定最高为“{core.RATING_LABELS[floor]}”",
                field="rating",
            )
        now = timezone.now()
        before = _visit_move(locked, VisitStatus.REPORTED)
        locked.rating, locked.report, locked.reported_at = rating, report, now
        if findings:
            days = policy_for(province_code=locked.org.region_id).corrective_workdays
            due_on = workdays_add(timezone.localdate(now), days)
            CorrectiveAction.objects.bulk_create(
                CorrectiveAction(
                    finding=f,
                    org=locked.org,
                    requirement=f"针对督导发现的问题（{f.get_severity_display()}）：{f.description}，"
                    f"请于 {due_on} 前完成整改并报送整改情况",
                    due_on=due_on,
                )
                for f in findings
            )
        else:
            _visit_move(locked, VisitStatus.CLOSED)
            locked.closed_at = now
        locked.save(update_fields=["status", "rating", "report", "reported_at", "closed_at"])
        audit_record(
            actor=actor,
            action="supervision.report_submit",
            obj=locked,
            changes={"status": [before, locked.status], "rating": [None, rating]},
        )
    return locked


# --- corrective actions ----------------------------------------------------------------------


def _action_move(action: CorrectiveAction, target: str) -> str:
    before = action.status
    check_transition(
        allowed=ACTION_TRANSITIONS,
        current=before,
        target=target,
        labels=dict(ActionStatus.choices),
    )
    action.status = target
    return before


def corrective_action_respond(
    *, action: CorrectiveAction, response: str, actor: Any
) -> CorrectiveAction:
    """The organisation reports what it has done."""
    require_staff_of(actor, action.org)
    response = _required(response, "supervision.response_required", "请填写整改情况", "response")
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        before = _action_move(locked, ActionStatus.SUBMITTED)
        locked.response, locked.submitted_at = response, timezone.now()
        locked.save(update_fields=["status", "response", "submitted_at"])
        audit_record(
            actor=actor,
            action="supervision.action_respond",
            obj=locked,
            changes={"status": [before, locked.status]},
        )
    return locked


def corrective_action_review(
    *, action: CorrectiveAction, accept: bool, note: str, actor: Any
) -> CorrectiveAction:
    """The officer accepts the response or sends it back; the visit closes when every action
    of it is accepted."""
    require_officer_over(actor, action.org)
    note = note.strip()
    if not accept and not note:
        raise DomainError("supervision.note_required", "退回整改须填写意见", field="note")
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        visit = Visit.objects.select_for_update().get(pk=locked.finding.visit_id)
        target = ActionStatus.ACCEPTED if accept else ActionStatus.OPEN
        before = _action_move(locked, target)
        locked.review_note = note
        locked.accepted_at = timezone.now() if accept else None
        locked.save(update_fields=["status", "review_note", "accepted_at"])
        if (
            accept
            and not CorrectiveAction.objects.filter(finding__visit=visit)
            .exclude(status=ActionStatus.ACCEPTED)
            .exists()
        ):
            _visit_move(visit, VisitStatus.CLOSED)
            visit.closed_at = timezone.now()
            visit.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="supervision.action_review",
            obj=locked,
            changes={"status": [before, locked.status], "note": [None, note]},
        )
    return locked


# --- serious findings: credit record and registration hold ------------------------------------

HOLD_SCOPES = ("", "plan", "org")


def finding_escalate(
    *, finding: Finding, actor: Any, document_no: str = "", hold: str = ""
) -> Finding:
    """Record a serious finding in the organisation's integrity file (诚信档案) and, when
    `hold` is "plan" or "org", suspend the registration of that plan's (or all the
    organisation's) results until an officer lifts it."""
    visit = Visit.objects.select_related("org", "plan").get(pk=finding.visit_id)
    org = visit.org
    require_officer_over(actor, org)
    if finding.severity != Severity.SERIOUS:
        raise DomainError(
            "supervision.finding_not_serious", "只有严重问题报送诚信档案", field="finding"
        )
    if visit.status == VisitStatus.ASSIGNED:
        raise DomainError(
            "supervision.visit_not_reported", "督导报告提交后才能报送诚信档案", field="finding"
        )
    if hold not in HOLD_SCOPES:
        raise DomainError("supervision.hold_invalid", "暂停登记范围无效", field="hold")
    document_no = document_no.strip()
    if hold and not document_no:
        raise DomainError(
            "supervision.document_required", "暂停成绩登记须填写决定文号", field="document_no"
        )
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.escalated_at is not None:
            raise DomainError(
                "supervision.finding_already_escalated", "该问题已报送诚信档案", field="finding"
            )
        occurred = timezone.localdate(visit.reported_at) if visit.reported_at else _today()
        event = credit_event_record(
            org=org,
            kind=CreditEventKind.SUPERVISION_FINDING,
            occurred_on=occurred,
            description=f"质量督导（计划 {visit.plan.code}）发现严重问题：{locked.description}",
            document_no=document_no,
            actor=actor,
        )
        locked.escalated_at, locked.credit_event = timezone.now(), event
        locked.save(update_fields=["escalated_at", "credit_event"])
        if hold:
            RegistrationHold.objects.create(
                org=org,
                plan=visit.plan if hold == "plan" else None,
                finding=locked,
                reason=locked.description,
                document_no=document_no,
                placed_by=actor_user(actor),
            )
        audit_record(
            actor=actor,
            action="supervision.finding_escalate",
            obj=locked,
            changes={"credit_event": [None, event.pk], "hold": [None, hold or None]},
        )
    return locked


def registration_hold_lift(*, hold: RegistrationHold, reason: str, actor: Any) -> RegistrationHold:
    require_officer_over(actor, hold.org)
    reason = _required(reason, "supervision.reason_required", "请填写恢复登记的原因", "reason")
    with transaction.atomic():
        locked = RegistrationHold.objects.select_for_update().get(pk=hold.pk)
        if locked.lifted_at is not None:
            raise DomainError("supervision.hold_already_lifted", "该暂停已解除")
        locked.lifted_at, locked.lift_reason = timezone.now(), reason
        locked.save(update_fields=["lifted_at", "lift_reason"])
        audit_record(
            actor=actor,
            action="supervision.hold_lift",
            obj=locked,
            changes={"lifted": [False, True], "reason": [None, reason]},
        )
    return locked


# --- complaints ----------------------------------------------------------------------------

CONTENT_MIN, CONTENT_MAX = 10, 5000


def tracking_digest(number: str, code: str) -> str:
    return pii_digest(f"{number.strip().upper()}:{code.strip().upper()}")


def _complaint_event(complaint: Complaint, action: str, before: str, note: str, actor: Any) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        from_status=before,
        to_status=complaint.status,
        note=note,
        actor=actor_user(actor),
    )
    audit_record(
        actor=actor,
        action=f"supervision.complaint_{action}",
        obj=complaint,
        changes={"status": [before or None, complaint.status]},
    )


def complaint_submit(
    *,
    complainant_kind: str,
    subject_kind: str,
    subject_name: str,
    region_code: str,
    content: str,
    actor: Any,
    complainant_name: str = "",
    contact_phone: str = "",
    org: EvaluationOrg | None = None,
) -> tuple[Complaint, str]:
    """Take a complaint from the public form. Returns the complaint and the tracking code,
    shown once: with the number it lets the complainant read the progress and feedback."""
    if complainant_kind not in ComplainantKind.values:
        raise DomainError(
            "complaint.complainant_kind_invalid", "请选择投诉人类型", field="complainant_kind"
        )
    if subject_kind not in SubjectKind.values:
        raise DomainError(
            "complaint.subject_kind_invalid", "请选择投诉对象类型", field="subject_kind"
        )
    subject_name = _required(
        subject_name, "complaint.subject_required", "请填写投诉对象名称", "subject_name"
    )[:200]
    content = (content or "").strip()
    if len(content) < CONTENT_MIN:
        raise DomainError(
            "complaint.content_too_short",
            f"请具体描述投诉事项（至少{CONTENT_MIN}个字）",
            field="content",
        )
    if len(content) > CONTENT_MAX:
        raise DomainError(
            "complaint.content_too_long", f"投诉内容不能超过{CONTENT_MAX}字", field="content"
        )
    phone = validate_mobile(contact_phone) if contact_phone.strip() else ""
    region = (
        Region.objects.get(code=org.region_id)
        if org is not None
        else Region.objects.filter(code=(region_code or "").strip(), active=True).first()
    )
    if region is None or not region.code.startswith(settings.SKILLCERT_PROVINCE):
        # Only this installation's province handles complaints: one filed elsewhere would get a
        # tracking code that no officer could ever see.
        raise DomainError(
            "complaint.region_invalid", "请选择本省内的事项发生地（地市）", field="region_code"
        )
    user = actor_user(actor)
    code = secrets.token_hex(4).upper()
    today = _today()
    for _attempt in range(5):
        number = f"TS{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    number=number,
                    tracking_digest=tracking_digest(number, code),
                    complainant_kind=complainant_kind,
                    complainant_name=complainant_name.strip()[:64],
                    contact_phone=phone,
                    contact_phone_digest=pii_digest(phone) if phone else "",
                    submitted_by=user,
                    subject_kind=subject_kind,
                    subject_name=subject_name,
                    region=region,
                    content=content,
                    org=org,
                    received_on=today,
                )
                _complaint_event(complaint, "submit", "", "", user or PUBLIC_ACTOR)
            return complaint, code
        except IntegrityError:
            continue  # the random number was taken the same day: draw another
    raise DomainError("complaint.number_exhausted", "系统繁忙，请稍后再提交")


def complaint_track(*, number: str, code: str) -> Complaint | None:
    """The complaint the number and tracking code open, or None (either wrong)."""
    row = Complaint.objects.filter(number=number.strip().upper()).first()
    if row is None or not secrets.compare_digest(
        row.tracking_digest, tracking_digest(number, code)
    ):
        return None
    return row


def _lock_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _complaint_move(complaint: Complaint, target: str) -> str:
    before = complaint.status
    check_transition(
        allowed=COMPLAINT_TRANSITIONS,
        current=before,
        target=target,
        labels=dict(ComplaintStatus.choices),
    )
    complaint.status = target
    return before


def complaint_triage(
    *,
    complaint: Complaint,
    assignee: Any,
    actor: Any,
    org: EvaluationOrg | None = None,
    person: Person | None = None,
    note: str = "",
) -> Complaint:
    """Accept and assign: link the organisation or person complained about (their integrity
    files), name the officer who handles it, and set the deadline in working days."""
    _require_officer_over_region(actor, complaint.region_id)
    assignee_scope = actor_scope(assignee)
    if not (
        assignee_scope.is_officer
        and assignee_scope.user_id is not None
        and assignee_scope.covers_region_code(complaint.region_id)
    ):
        raise DomainError(
            "complaint.assignee_invalid", "承办人须为负责该地区的人社部门工作人员", field="assignee"
        )
    if complaint.subject_kind == SubjectKind.ORGANIZATION and org is None:
        raise DomainError(
            "complaint.org_required", "投诉对象为评价机构，请关联被投诉的机构", field="org"
        )
    people_kinds = (SubjectKind.EXAMINER, SubjectKind.SUPERVISOR, SubjectKind.EXPERT)
    if complaint.subject_kind in people_kinds and person is None:
        raise DomainError(
            "complaint.person_required",
            "投诉对象为考评或督导人员，请关联被投诉人员",
            field="person",
        )
    days = policy_for(province_code=complaint.region_id).complaint_handling_workdays
    with transaction.atomic():
        locked = _lock_complaint(complaint)
        before = _complaint_move(locked, ComplaintStatus.HANDLING)
        locked.assignee = assignee
        locked.org = org or locked.org
        locked.person = person
        locked.due_on = workdays_add(locked.received_on, days)
        locked.save(update_fields=["status", "assignee", "org", "person", "due_on"])
        _complaint_event(locked, "triage", before, note.strip(), actor)
    return locked


def complaint_reject(*, complaint: Complaint, reason: str, actor: Any) -> Complaint:
    """Not accepted (不予受理), with the reason fed back to the complainant."""
    _require_officer_over_region(actor, complaint.region_id)
    reason = _required(reason, "complaint.reason_required", "请填写不予受理的理由", "reason")
    with transaction.atomic():
        locked = _lock_complaint(complaint)
        before = _complaint_move(locked, ComplaintStatus.NOT_ACCEPTED)
        locked.feedback, locked.feedback_at = reason, timezone.now()
        locked.save(update_fields=["status", "feedback", "feedback_at"])
        _complaint_event(locked, "reject", before, reason, actor)
    return locked


def complaint_conclude(
    *,
    complaint: Complaint,
    outcome: str,
    upheld: bool,
    feedback: str,
    actor: Any,
    document_no: str = "",
) -> Complaint:
    """Record the outcome and the answer to the complainant. An upheld complaint is written
    to the integrity file of the organisation (credit record) or person concerned."""
    scope = actor_scope(actor)
    user = actor_user(actor)
    if not (
        (user is not None and complaint.assignee_id == user.pk)
        or (scope.is_officer and scope.covers_region_code(complaint.region_id))
    ):
        raise Forbidden("supervision.forbidden", "只有承办人或负责该地区的人社部门可以办结")
    outcome = _required(outcome, "complaint.outcome_required", "请填写办理结果", "outcome")
    feedback = _required(
        feedback, "complaint.feedback_required", "请填写答复投诉人的内容", "feedback"
    )
    with transaction.atomic():
        locked = _lock_complaint(complaint)
        before = _complaint_move(locked, ComplaintStatus.CONCLUDED)
        if upheld and locked.org is not None:
            if not is_officer_over(scope, locked.org):
                raise Forbidden(
                    "org.forbidden",
                    f"只有负责“{locked.org.name}”所在地区的人社部门可以记入诚信档案",
                )
            credit_event_record(
                org=locked.org,
                kind=CreditEventKind.COMPLAINT_UPHELD,
                occurred_on=locked.received_on,
                description=f"投诉 {locked.number} 查实：{outcome}",
                document_no=document_no,
                actor=actor,
            )
        if upheld and locked.person is not None:
            integrity_record(
                person=locked.person,
                kind=IntegrityKind.COMPLAINT,
                occurred_on=locked.received_on,
                summary=f"投诉 {locked.number} 查实：{outcome}"[:500],
                source=f"投诉举报 {locked.number}",
                actor=actor,
            )
        locked.outcome, locked.upheld = outcome, upheld
        locked.feedback, locked.feedback_at = feedback, timezone.now()
        locked.save(update_fields=["status", "outcome", "upheld", "feedback", "feedback_at"])
        _complaint_event(locked, "conclude", before, outcome, actor)
    return locked
