"""Complaints (举报投诉) from intake to feedback: the public form, triage with a deadline in
working days, rejection, and the conclusion that writes an upheld complaint to the integrity
file of the organisation or person concerned."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.accounts.scope import Scope
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.identifiers import validate_mobile
from skillcert.common.pii import pii_digest
from skillcert.organizations.choices import CreditEventKind
from skillcert.organizations.credit import credit_event_record
from skillcert.organizations.permissions import is_officer_over
from skillcert.personnel.choices import IntegrityKind
from skillcert.personnel.services import integrity_record
from skillcert.regions.selectors import region_by_code
from skillcert.supervision.models import (
    ComplainantKind,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    SubjectKind,
)
from skillcert.supervision.services._shared import (
    policy_for,
    require_officer_over_region,
    required,
    today,
)
from skillcert.supervision.transitions import COMPLAINT_LIFECYCLE
from skillcert.workdays.selectors import workdays_add

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.personnel.models import Person
    from skillcert.regions.models import Region

CONTENT_MIN, CONTENT_MAX = 10, 5000


def tracking_digest(number: str, code: str) -> str:
    return pii_digest(f"{number.strip().upper()}:{code.strip().upper()}")


def _history(complaint: Complaint, action: str, before: str, note: str, actor: Actor) -> None:
    """The complaint's own history row (what the complainant's tracking page lists)."""
    ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        from_status=before,
        to_status=complaint.status,
        note=note,
        actor=actor_user(actor),
    )


def _move(
    complaint: Complaint,
    target: str,
    *,
    action: str,
    note: str,
    actor: Actor,
    update_fields: tuple[str, ...],
) -> None:
    """Move the (locked) complaint, with its history row and the audit event
    "supervision.complaint_<action>"."""
    before = complaint.status
    COMPLAINT_LIFECYCLE.move(
        complaint, target, actor=actor, action=f"complaint_{action}", update_fields=update_fields
    )
    _history(complaint, action, before, note, actor)


def _check_complaint_text(
    complainant_kind: str, subject_kind: str, subject_name: str, content: str
) -> tuple[str, str]:
    """The subject's name and the content, trimmed, once the form's choices and lengths hold."""
    if complainant_kind not in ComplainantKind.values:
        raise DomainError(
            "complaint.complainant_kind_invalid", "请选择投诉人类型", field="complainant_kind"
        )
    if subject_kind not in SubjectKind.values:
        raise DomainError(
            "complaint.subject_kind_invalid", "请选择投诉对象类型", field="subject_kind"
        )
    subject_name = required(
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
    return subject_name, content


def _complaint_region(region_code: str, org: EvaluationOrg | None) -> Region:
    region = (
        org.region
        if org is not None
        else region_by_code(code=(region_code or "").strip(), active_only=True)
    )
    if region is None or not region.code.startswith(settings.SKILLCERT_PROVINCE):
        # Only this installation's province handles complaints: one filed elsewhere would get a
        # tracking code that no officer could ever see.
        raise DomainError(
            "complaint.region_invalid", "请选择本省内的事项发生地（地市）", field="region_code"
        )
    return region


def complaint_submit(
    *,
    complainant_kind: str,
    subject_kind: str,
    subject_name: str,
    region_code: str,
    content: str,
    actor: Actor,
    complainant_name: str = "",
    contact_phone: str = "",
    org: EvaluationOrg | None = None,
) -> tuple[Complaint, str]:
    """Take a complaint from the public form (`actor` is the signed-in user or
    `accounts.actors.PUBLIC`). Returns the complaint and the tracking code, shown once: with
    the number it lets the complainant read the progress and feedback."""
    subject_name, content = _check_complaint_text(
        complainant_kind, subject_kind, subject_name, content
    )
    phone = validate_mobile(contact_phone) if contact_phone.strip() else ""
    region = _complaint_region(region_code, org)
    code = secrets.token_hex(4).upper()
    day = today()
    for _attempt in range(5):
        number = f"TS{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    number=number,
                    tracking_digest=tracking_digest(number, code),
                    complainant_kind=complainant_kind,
                    complainant_name=complainant_name.strip()[:64],
                    contact_phone=phone,
                    contact_phone_digest=pii_digest(phone) if phone else "",
                    submitted_by=actor_user(actor),
                    subject_kind=subject_kind,
                    subject_name=subject_name,
                    region=region,
                    content=content,
                    org=org,
                    received_on=day,
                )
                _history(complaint, "submit", "", "", actor)
                audit_record(
                    actor=actor,
                    action="supervision.complaint_submit",
                    obj=complaint,
                    changes={"status": [None, complaint.status]},
                )
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


def _check_triage(
    complaint: Complaint, assignee: User, org: EvaluationOrg | None, person: Person | None
) -> None:
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


def complaint_triage(
    *,
    complaint: Complaint,
    assignee: User,
    actor: Actor,
    org: EvaluationOrg | None = None,
    person: Person | None = None,
    note: str = "",
) -> Complaint:
    """Accept and assign: link the organisation or person complained about (their integrity
    files), name the officer who handles it, and set the deadline in working days."""
    require_officer_over_region(actor, complaint.region_id)
    _check_triage(complaint, assignee, org, person)
    days = policy_for(province_code=complaint.region_id).complaint_handling_workdays
    with transaction.atomic():
        locked = _lock_complaint(complaint)
        locked.assignee = assignee
        locked.org = org or locked.org
        locked.person = person
        locked.due_on = workdays_add(locked.received_on, days)
        _move(
            locked,
            ComplaintStatus.HANDLING,
            action="triage",
            note=note.strip(),
            actor=actor,
            update_fields=("assignee", "org", "person", "due_on"),
        )
    return locked


def complaint_reject(*, complaint: Complaint, reason: str, actor: Actor) -> Complaint:
    """Not accepted (不予受理), with the reason fed back to the complainant."""
    require_officer_over_region(actor, complaint.region_id)
    reason = required(reason, "complaint.reason_required", "请填写不予受理的理由", "reason")
    with transaction.atomic():
        locked = _lock_complaint(complaint)
        locked.feedback, locked.feedback_at = reason, timezone.now()
        _move(
            locked,
            ComplaintStatus.NOT_ACCEPTED,
            action="reject",
            note=reason,
            actor=actor,
            update_fields=("feedback", "feedback_at"),
        )
    return locked


def _require_handler(complaint: Complaint, actor: Actor) -> Scope:
    scope = actor_scope(actor)
    user = actor_user(actor)
    if not (
        (user is not None and complaint.assignee_id == user.pk)
        or (scope.is_officer and scope.covers_region_code(complaint.region_id))
    ):
        raise Forbidden("supervision.forbidden", "只有承办人或负责该地区的人社部门可以办结")
    return scope


def _record_upheld(
    complaint: Complaint, *, outcome: str, document_no: str, scope: Scope, actor: Actor
) -> None:
    """An upheld complaint goes to the integrity file of whoever it concerns."""
    if complaint.org is not None:
        if not is_officer_over(scope, complaint.org):
            raise Forbidden(
                "org.forbidden",
                f"只有负责“{complaint.org.name}”所在地区的人社部门可以记入诚信档案",
            )
        credit_event_record(
            org=complaint.org,
            kind=CreditEventKind.COMPLAINT_UPHELD,
            occurred_on=complaint.received_on,
            description=f"投诉 {complaint.number} 查实：{outcome}",
            document_no=document_no,
            actor=actor,
        )
    if complaint.person is not None:
        integrity_record(
            person=complaint.person,
            kind=IntegrityKind.COMPLAINT,
            occurred_on=complaint.received_on,
            summary=f"投诉 {complaint.number} 查实：{outcome}"[:500],
            source=f"投诉举报 {complaint.number}",
            actor=actor,
        )


def complaint_conclude(
    *,
    complaint: Complaint,
    outcome: str,
    upheld: bool,
    feedback: str,
    actor: Actor,
    document_no: str = "",
) -> Complaint:
    """Record the outcome and the answer to the complainant. An upheld complaint is written
    to the integrity file of the organisation (credit record) or person concerned."""
    scope = _require_handler(complaint, actor)
    outcome = required(outcome, "complaint.outcome_required", "请填写办理结果", "outcome")
    feedback = required(
        feedback, "complaint.feedback_required", "请填写答复投诉人的内容", "feedback"
    )
    with transaction.atomic():
        locked = _lock_complaint(complaint)
        COMPLAINT_LIFECYCLE.check(locked.status, ComplaintStatus.CONCLUDED)
        if upheld:
            _record_upheld(
                locked, outcome=outcome, document_no=document_no, scope=scope, actor=actor
            )
        locked.outcome, locked.upheld = outcome, upheld
        locked.feedback, locked.feedback_at = feedback, timezone.now()
        _move(
            locked,
            ComplaintStatus.CONCLUDED,
            action="conclude",
            note=outcome,
            actor=actor,
            update_fields=("outcome", "upheld", "feedback", "feedback_at"),
        )
    return locked
