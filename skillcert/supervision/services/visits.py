"""The visit: the drawn supervisor fills the checklist, records findings with evidence and
submits the rating and report; each finding then opens a corrective action."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record, audited_create
from skillcert.common.errors import DomainError, Forbidden
from skillcert.supervision import core
from skillcert.supervision.models import (
    CorrectiveAction,
    Evidence,
    Finding,
    Rating,
    Severity,
    Visit,
    VisitStatus,
)
from skillcert.supervision.services._shared import policy_for, required
from skillcert.supervision.transitions import VISIT_LIFECYCLE
from skillcert.workdays.selectors import workdays_add


def _require_visit_supervisor(actor: Actor, visit: Visit) -> None:
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


def visit_checklist_save(
    *, visit: Visit, answers: dict[str, tuple[str, str]], actor: Actor
) -> Visit:
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
    *, visit: Visit, severity: str, description: str, actor: Actor, checklist_code: str = ""
) -> Finding:
    _require_visit_supervisor(actor, visit)
    if severity not in Severity.values:
        raise DomainError("supervision.severity_invalid", "请选择问题严重程度", field="severity")
    description = required(
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
        return audited_create(
            Finding,
            actor=actor,
            action="supervision.finding_record",
            changes={"visit": [None, locked.pk], "severity": [None, severity]},
            visit=locked,
            severity=severity,
            description=description,
            checklist_code=checklist_code,
            created_by=actor_user(actor),
        )


def evidence_add(*, finding: Finding, upload: UploadedFile, actor: Actor) -> Evidence:
    """Attach a photo or document, checked by its content (the documents' upload rules:
    PDF, PNG or JPEG, at most 10 MB, no disguised executables or markup)."""
    visit = Visit.objects.select_related("supervisor").get(pk=finding.visit_id)
    _require_visit_supervisor(actor, visit)
    with transaction.atomic():
        _require_assigned(_lock_visit(visit))
        row = Evidence(finding=finding, uploaded_by=actor_user(actor))
        row.store(upload)
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


def _check_report(visit: Visit, rating: str) -> list[Finding]:
    """Every checklist item answered and the rating no better than the findings allow;
    returns the visit's findings."""
    missing = core.checklist_missing(visit.checklist)
    if missing:
        raise DomainError(
            "supervision.checklist_incomplete",
            f"检查表尚有 {len(missing)} 项未填写：{'、'.join(missing[:5])}",
            field="checklist",
        )
    findings = list(visit.findings.order_by("pk"))
    floor = core.rating_floor(visit.checklist, [f.severity for f in findings])
    if not core.rating_allowed(rating, floor):
        raise DomainError(
            "supervision.rating_inconsistent",
            f"根据检查表和发现的问题，评定最高为“{core.RATING_LABELS[floor]}”",
            field="rating",
        )
    return findings


def _open_corrective_actions(visit: Visit, findings: list[Finding], day: dt.date) -> None:
    days = policy_for(province_code=visit.org.region_id).corrective_workdays
    due_on = workdays_add(day, days)
    CorrectiveAction.objects.bulk_create(
        CorrectiveAction(
            finding=f,
            org=visit.org,
            requirement=f"针对督导发现的问题（{f.get_severity_display()}）：{f.description}，"
            f"请于 {due_on} 前完成整改并报送整改情况",
            due_on=due_on,
        )
        for f in findings
    )


def visit_report_submit(*, visit: Visit, rating: str, report: str, actor: Actor) -> Visit:
    """Submit the rating and report. Every checklist item must be answered, and the rating
    may not be better than the findings allow. Each finding opens a corrective action for the
    organisation, due in the province's number of working days."""
    _require_visit_supervisor(actor, visit)
    if rating not in Rating.values:
        raise DomainError("supervision.rating_invalid", "请选择督导评定结论", field="rating")
    report = required(report, "supervision.report_required", "请填写督导报告", "report")
    with transaction.atomic():
        locked = _lock_visit(visit)
        _require_assigned(locked)
        findings = _check_report(locked, rating)
        now = timezone.now()
        # One audit event for the report even when the visit closes at once (no findings),
        # so the moves are checked here and saved together below.
        before = locked.status
        VISIT_LIFECYCLE.check(before, VisitStatus.REPORTED)
        locked.status = VisitStatus.REPORTED
        locked.rating, locked.report, locked.reported_at = rating, report, now
        if findings:
            _open_corrective_actions(locked, findings, timezone.localdate(now))
        else:
            VISIT_LIFECYCLE.check(locked.status, VisitStatus.CLOSED)
            locked.status = VisitStatus.CLOSED
            locked.closed_at = now
        locked.save(update_fields=["status", "rating", "report", "reported_at", "closed_at"])
        audit_record(
            actor=actor,
            action="supervision.report_submit",
            obj=locked,
            changes={"status": [before, locked.status], "rating": [None, rating]},
        )
    return locked
