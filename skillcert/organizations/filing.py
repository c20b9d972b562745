"""Filing (备案): an organisation prepares an application (scope and evidence per checklist
item), submits it, the city reviews it and — when the scope requires — the province; they
approve, return it for correction with reasons, or reject it. Approval applies the filing:
number, scope and validity for a first filing; a new scope for a scope change; a new period
for a renewal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.accounts.scope import Scope
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.policies import policy_in_force
from skillcert.organizations.catalogue import ResolvedLine, ScopeRequest, resolve_scope
from skillcert.organizations.core import (
    PROVINCIAL_AUTHORITY_CODE,
    needs_province_review,
    renewal_period,
    scope_diff,
    validity_until,
)
from skillcert.organizations.credit import ensure_not_blacklisted
from skillcert.organizations.filing_numbers import filing_number_allocate
from skillcert.organizations.locks import org_lock
from skillcert.organizations.models import (
    EvaluationOrg,
    EvidenceKind,
    FilingApplication,
    FilingCondition,
    FilingEvidence,
    FilingPolicy,
    FilingPurpose,
    FilingReview,
    FilingScopeLine,
    FilingStaffingPolicy,
    FilingStatus,
    OrgEvent,
    OrgEventKind,
    OrgScope,
    OrgStatus,
    ReviewDecision,
    ReviewTier,
    StoredFile,
)
from skillcert.organizations.permissions import (
    is_officer_over,
    is_province_officer_over,
    require_staff_of,
)
from skillcert.organizations.transitions import FILING_LIFECYCLE, ORG_LIFECYCLE

if TYPE_CHECKING:
    from skillcert.regions.models import Region

EDITABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED)


def _today() -> dt.date:
    return timezone.localdate()


def policy_for(province: str, *, on: dt.date | None = None) -> FilingPolicy:
    """The version of the province's own policy in force on `on` (today by default), else the
    default rows'."""
    policy = policy_in_force(FilingPolicy, province=province, on=on or _today())
    if policy is None:
        raise DomainError("filing.policy_missing", "未配置备案规则，请联系平台管理员")
    return policy


def condition_minimum(item: FilingCondition, *, province: str, on: dt.date) -> int | None:
    """The least count a number condition accepts: the province's staffing setting in force
    (`FilingStaffingPolicy`) for the staff counts, else the condition's own minimum."""
    policy = policy_in_force(FilingStaffingPolicy, province=province, on=on)
    minimum = policy.minimum_for(item.kind, item.code) if policy is not None else None
    return minimum if minimum is not None else item.min_value


def _check_service_region(org: EvaluationOrg, region: Region) -> None:
    if not region.code.startswith(org.region_id[:2]):
        raise DomainError(
            "filing.region_outside_province",
            f"认定区域“{region.name}”不在机构所在省份，请向该省备案",
            field="service_region",
        )
    if not region.active:
        raise DomainError(
            "filing.region_inactive", f"行政区划“{region.name}”已撤销", field="service_region"
        )


def _check_purpose_allowed(org: EvaluationOrg, purpose: str, policy: FilingPolicy) -> None:
    if purpose == FilingPurpose.INITIAL:
        if org.status in (OrgStatus.FILED, OrgStatus.SUSPENDED):
            raise DomainError(
                "filing.already_filed",
                f"统一社会信用代码 {org.uscc} 的机构已备案（编号 {org.filing_number}），"
                "不能重复备案；如需调整请申请变更认定范围或延续备案",
                field="purpose",
            )
        return
    if org.status != OrgStatus.FILED:
        raise DomainError(
            "filing.not_filed",
            f"机构当前状态为“{OrgStatus(org.status).label}”，不能申请"
            f"{FilingPurpose(purpose).label}",
            field="purpose",
        )
    if purpose == FilingPurpose.RENEWAL and org.valid_until is not None:
        opens = org.valid_until - dt.timedelta(days=policy.renewal_window_days)
        if _today() < opens:
            raise DomainError(
                "filing.renewal_too_early",
                f"备案有效期至 {org.valid_until}，可自 {opens} 起申请延续",
                field="purpose",
            )


def filing_application_start(
    *,
    org: EvaluationOrg,
    purpose: str,
    service_region: Region,
    actor: Actor,
    authority_code: str = PROVINCIAL_AUTHORITY_CODE,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> FilingApplication:
    """Open a draft. A scope change or renewal starts from the current scope."""
    require_staff_of(actor, org)
    if purpose not in FilingPurpose.values:
        raise DomainError("filing.purpose_invalid", "申请事项无效", field="purpose")
    if len(authority_code) != 4 or not authority_code.isdigit():
        raise DomainError(
            "filing.authority_code_invalid",
            "备案机关代码应为4位数字（向省级人社部门备案为0000）",
            field="authority_code",
        )
    _check_service_region(org, service_region)
    policy = policy_for(org.region_id[:2])
    try:
        with transaction.atomic():
            org = org_lock(org.pk)
            ensure_not_blacklisted(org=org, day=_today(), code="filing.blacklisted")
            _check_purpose_allowed(org, purpose, policy)
            application = FilingApplication.objects.create(
                org=org,
                purpose=purpose,
                service_region=service_region,
                authority_code=authority_code,
                contact_name=(contact_name or org.contact_name).strip(),
                contact_phone=(contact_phone or org.contact_phone).strip(),
                address=(address or org.address).strip(),
                created_by=actor_user(actor),
            )
            if purpose != FilingPurpose.INITIAL:
                _copy_current_scope(application, org)
            audit_record(
                actor=actor,
                action="filing.start",
                obj=application,
                changes={"org": [None, org.pk], "purpose": [None, purpose]},
            )
    except IntegrityError:
        raise DomainError(
            "filing.open_application_exists",
            f"{org.name}已有未办结的备案申请，请先完成或撤回该申请",
            field="purpose",
        ) from None
    return application


def _copy_current_scope(application: FilingApplication, org: EvaluationOrg) -> None:
    FilingScopeLine.objects.bulk_create(
        FilingScopeLine(
            application=application,
            occupation_id=row.occupation_id,
            specialty_id=row.specialty_id,
            level=row.level,
        )
        for row in OrgScope.objects.filter(org=org, active=True)
    )


def _lock_application(application: FilingApplication) -> FilingApplication:
    """Lock the organisation first, then the application (always in this order)."""
    org_lock(application.org_id)
    return FilingApplication.objects.select_related("org", "service_region").get(pk=application.pk)


def _ensure_editable(application: FilingApplication) -> None:
    if application.status not in EDITABLE:
        raise DomainError(
            "filing.not_editable",
            f"申请状态为“{FilingStatus(application.status).label}”，不能修改",
            field="status",
        )


def filing_scope_set(
    *, application: FilingApplication, lines: list[ScopeRequest], actor: Actor
) -> list[FilingScopeLine]:
    """Replace the requested scope with `lines`, each checked against the directory."""
    require_staff_of(actor, application.org)
    resolved = resolve_scope(lines=lines, province=application.org.region_id[:2], day=_today())
    with transaction.atomic():
        application = _lock_application(application)
        _ensure_editable(application)
        before = sorted(
            f"{code}/{level}"
            for code, level in application.lines.values_list("occupation__code", "level")
        )
        application.lines.all().delete()
        rows = FilingScopeLine.objects.bulk_create(
            FilingScopeLine(
                application=application,
                occupation=line.occupation,
                specialty=line.specialty,
                level=line.level,
            )
            for line in resolved
        )
        audit_record(
            actor=actor,
            action="filing.scope_set",
            obj=application,
            changes={"scope": [before, [f"{r.occupation.code}/{r.level}" for r in resolved]]},
        )
    return rows


def _check_evidence_kind(
    item: FilingCondition,
    org: EvaluationOrg,
    *,
    minimum: int | None,
    file: StoredFile | None,
    number_value: int | None,
    text_value: str,
    declared: bool,
) -> None:
    """The evidence given is the kind the checklist item asks for, and is complete."""
    if item.evidence == EvidenceKind.FILE:
        if file is None:
            raise DomainError("filing.file_required", f"“{item.title}”需要上传文件", field="file")
        if file.org_id != org.pk:
            raise DomainError("filing.file_foreign", "只能使用本机构上传的文件", field="file")
    elif item.evidence == EvidenceKind.NUMBER:
        if number_value is None:
            raise DomainError(
                "filing.number_required", f"请填写“{item.title}”", field="number_value"
            )
        if minimum is not None and number_value < minimum:
            raise DomainError(
                "filing.evidence_below_minimum",
                f"“{item.title}”应不少于 {minimum}，填写的是 {number_value}",
                field="number_value",
            )
    elif item.evidence == EvidenceKind.TEXT:
        if not text_value:
            raise DomainError(
                "filing.text_required", f"请填写“{item.title}”的说明", field="text_value"
            )
    elif not declared:
        raise DomainError(
            "filing.declaration_required", f"请确认承诺：{item.title}", field="declared"
        )


def filing_evidence_set(
    *,
    application: FilingApplication,
    item: FilingCondition,
    actor: Actor,
    file: StoredFile | None = None,
    number_value: int | None = None,
    text_value: str = "",
    declared: bool = False,
) -> FilingEvidence:
    """Record the evidence for one checklist item; the kind of evidence must match it."""
    org = application.org
    require_staff_of(actor, org)
    if item.kind != org.kind or not item.active:
        raise DomainError(
            "filing.item_not_applicable", f"“{item.title}”不是本类机构的备案条件", field="item"
        )
    text_value = text_value.strip()
    _check_evidence_kind(
        item,
        org,
        minimum=condition_minimum(item, province=org.region_id[:2], on=_today()),
        file=file,
        number_value=number_value,
        text_value=text_value,
        declared=declared,
    )
    with transaction.atomic():
        application = _lock_application(application)
        _ensure_editable(application)
        evidence, _ = FilingEvidence.objects.update_or_create(
            application=application,
            item=item,
            defaults={
                "file": file if item.evidence == EvidenceKind.FILE else None,
                "number_value": number_value if item.evidence == EvidenceKind.NUMBER else None,
                "text_value": text_value if item.evidence == EvidenceKind.TEXT else "",
                "declared": item.evidence == EvidenceKind.DECLARATION,
            },
        )
        audit_record(
            actor=actor,
            action="filing.evidence_set",
            obj=application,
            changes={
                "item": [None, item.code],
                "file_sha256": [None, file.sha256 if file else None],
                "number_value": [None, number_value],
            },
        )
    return evidence


@dataclass(frozen=True)
class ChecklistRow:
    item: FilingCondition
    evidence: FilingEvidence | None
    minimum: int | None = None  # the least count a number condition accepts today

    @property
    def satisfied(self) -> bool:
        return self.evidence is not None


def filing_checklist(*, application: FilingApplication) -> list[ChecklistRow]:
    items = FilingCondition.objects.filter(kind=application.org.kind, active=True)
    given = {
        e.item_id: e
        for e in FilingEvidence.objects.filter(application=application).select_related("file")
    }
    province, today = application.org.region_id[:2], _today()
    return [
        ChecklistRow(
            item,
            given.get(item.pk),
            condition_minimum(item, province=province, on=today)
            if item.evidence == EvidenceKind.NUMBER
            else None,
        )
        for item in items
    ]


def _requested_lines(application: FilingApplication) -> list[ScopeRequest]:
    return [
        ScopeRequest(
            line.occupation.code, line.level, line.specialty.name if line.specialty else ""
        )
        for line in application.lines.select_related("occupation", "specialty")
    ]


def filing_submit(*, application: FilingApplication, actor: Actor) -> FilingApplication:
    """Send the application to the city. Every required checklist item needs evidence and
    every scope line must still be on the directory."""
    require_staff_of(actor, application.org)
    with transaction.atomic():
        application = _lock_application(application)
        org = application.org
        _ensure_editable(application)
        FILING_LIFECYCLE.check(application.status, FilingStatus.SUBMITTED)
        ensure_not_blacklisted(org=org, day=_today(), code="filing.blacklisted")
        resolved = resolve_scope(
            lines=_requested_lines(application), province=org.region_id[:2], day=_today()
        )
        missing = [
            row.item.title
            for row in filing_checklist(application=application)
            if row.item.required and not row.satisfied
        ]
        if missing:
            raise DomainError(
                "filing.evidence_missing",
                f"以下备案条件尚未提供证明材料：{'、'.join(missing)}",
                field="evidence",
            )
        policy = policy_for(org.region_id[:2])
        application.needs_province_review = needs_province_review(
            levels=[line.level for line in resolved],
            service_region_level=application.service_region.level,
            province_review_levels=policy.province_review_levels,
        )
        application.submitted_at = timezone.now()
        FILING_LIFECYCLE.move(
            application,
            FilingStatus.SUBMITTED,
            actor=actor,
            action="submit",
            update_fields=("submitted_at", "needs_province_review"),
            changes={"needs_province_review": [None, application.needs_province_review]},
        )
    return application


def filing_withdraw(*, application: FilingApplication, actor: Actor) -> FilingApplication:
    require_staff_of(actor, application.org)
    with transaction.atomic():
        application = _lock_application(application)
        FILING_LIFECYCLE.check(application.status, FilingStatus.WITHDRAWN)
        application.decided_at = timezone.now()
        FILING_LIFECYCLE.move(
            application,
            FilingStatus.WITHDRAWN,
            actor=actor,
            action="withdraw",
            update_fields=("decided_at",),
        )
    return application


def _expected_tier(application: FilingApplication) -> str:
    if application.status == FilingStatus.SUBMITTED:
        return ReviewTier.CITY
    if application.status == FilingStatus.CITY_APPROVED:
        return ReviewTier.PROVINCE
    raise DomainError(
        "filing.not_under_review",
        f"申请状态为“{FilingStatus(application.status).label}”，不在审核中",
        field="status",
    )


def _require_reviewer(
    application: FilingApplication, *, tier: str, scope: Scope, actor: Actor
) -> None:
    org = application.org
    allowed = (
        is_officer_over(scope, org)
        if tier == ReviewTier.CITY
        else is_province_officer_over(scope, org)
    )
    if not allowed:
        raise Forbidden("org.forbidden", f"无权进行{ReviewTier(tier).label}（不在管辖范围内）")
    reviewer = actor_user(actor)
    if tier == ReviewTier.PROVINCE and reviewer is not None:
        # Two tiers are two people: whoever approved at the city tier (a province officer
        # may act there too) cannot also give the province's approval.
        city = (
            FilingReview.objects.filter(application=application, tier=ReviewTier.CITY)
            .order_by("-pk")
            .first()
        )
        if city is not None and city.actor_id == reviewer.pk:
            raise DomainError(
                "filing.same_reviewer",
                "市级审核与省级审核须由不同人员完成：您已进行市级审核，请由其他省级人员审核",
            )


def _review_target(application: FilingApplication, *, tier: str, decision: str) -> str:
    if decision == ReviewDecision.RETURN:
        return FilingStatus.RETURNED
    if decision == ReviewDecision.REJECT:
        return FilingStatus.REJECTED
    if tier == ReviewTier.CITY and application.needs_province_review:
        return FilingStatus.CITY_APPROVED
    return FilingStatus.APPROVED


def filing_review(
    *,
    application: FilingApplication,
    tier: str,
    decision: str,
    actor: Actor,
    reason: str = "",
) -> FilingApplication:
    """Record a review decision at the tier the application is waiting for."""
    if decision not in ReviewDecision.values:
        raise DomainError("filing.decision_invalid", "审核结论无效", field="decision")
    reason = reason.strip()
    if decision != ReviewDecision.APPROVE and not reason:
        raise DomainError(
            "filing.reason_required", "退回修改或不予备案时须写明原因", field="reason"
        )
    scope = actor_scope(actor)
    with transaction.atomic():
        application = _lock_application(application)
        expected = _expected_tier(application)
        if tier != expected:
            raise DomainError(
                "filing.wrong_tier",
                f"该申请当前应由{ReviewTier(expected).label}处理",
                field="tier",
            )
        _require_reviewer(application, tier=tier, scope=scope, actor=actor)
        target = _review_target(application, tier=tier, decision=decision)
        FILING_LIFECYCLE.check(application.status, target)
        FilingReview.objects.create(
            application=application,
            tier=tier,
            decision=decision,
            reason=reason,
            actor=actor_user(actor),
        )
        if reason:
            application.last_reason = reason
        if target in (FilingStatus.APPROVED, FilingStatus.REJECTED):
            application.decided_at = timezone.now()
        FILING_LIFECYCLE.move(
            application,
            target,
            actor=actor,
            action="review",
            update_fields=("last_reason", "decided_at"),
            changes={
                "tier": [None, tier],
                "decision": [None, decision],
                "reason": [None, reason],
            },
        )
        if target == FilingStatus.APPROVED:
            _filing_apply(application=application, actor=actor)
    return application


def _replace_scope(
    org: EvaluationOrg, application: FilingApplication, resolved: list[ResolvedLine]
) -> dict[str, list[str]]:
    today = _today()
    current = {
        (row.occupation_id, row.specialty_id, row.level): row
        for row in OrgScope.objects.filter(org=org, active=True)
    }
    wanted = {line.key: line for line in resolved}
    diff = scope_diff(current=current.keys(), wanted=wanted.keys())
    if diff.dropped:
        OrgScope.objects.filter(pk__in=[current[key].pk for key in diff.dropped]).update(
            active=False, until=today
        )
    OrgScope.objects.bulk_create(
        OrgScope(
            org=org,
            occupation=wanted[key].occupation,
            specialty=wanted[key].specialty,
            level=wanted[key].level,
            since=today,
            application=application,
        )
        for key in sorted(diff.added, key=lambda k: (k[0], k[1] or 0, -k[2]))
    )
    return {
        "added": sorted(f"{wanted[k].occupation.code}/{k[2]}" for k in diff.added),
        "dropped": sorted(f"{k[0]}/{k[2]}" for k in diff.dropped),
    }


def _apply_purpose(
    org: EvaluationOrg, application: FilingApplication, *, today: dt.date, validity_years: int
) -> OrgEventKind:
    """Set the organisation's filing (number and validity) for what the application asked;
    returns the kind of event it is."""
    if application.purpose == FilingPurpose.INITIAL:
        ORG_LIFECYCLE.check(org.status, OrgStatus.FILED)
        org.status = OrgStatus.FILED
        org.filing_number = filing_number_allocate(
            org=org, authority_code=application.authority_code
        )
        org.filed_at = timezone.now()
        org.valid_from = today
        org.valid_until = validity_until(today, validity_years)
        return OrgEventKind.FILED
    if org.status != OrgStatus.FILED:
        raise DomainError(
            "filing.not_filed",
            f"机构当前状态为“{OrgStatus(org.status).label}”，不能办理"
            f"{FilingPurpose(application.purpose).label}",
        )
    if application.purpose == FilingPurpose.RENEWAL:
        _, org.valid_until = renewal_period(
            today=today, current_until=org.valid_until, years=validity_years
        )
        return OrgEventKind.RENEWED
    return OrgEventKind.SCOPE_CHANGED


def _filing_facts(org: EvaluationOrg) -> dict[str, object]:
    return {
        "status": org.status,
        "filing_number": org.filing_number,
        "valid_from": org.valid_from,
        "valid_until": org.valid_until,
    }


def _filing_apply(*, application: FilingApplication, actor: Actor) -> None:
    """Make an approved application take effect (inside the review's transaction, with the
    organisation row already locked)."""
    org = EvaluationOrg.objects.get(pk=application.org_id)
    today = _today()
    ensure_not_blacklisted(org=org, day=today, code="filing.blacklisted")
    resolved = resolve_scope(
        lines=_requested_lines(application), province=org.region_id[:2], day=today
    )
    policy = policy_for(org.region_id[:2])
    before = _filing_facts(org)
    org.service_region = application.service_region
    org.contact_name = application.contact_name
    org.contact_phone = application.contact_phone
    org.address = application.address
    kind = _apply_purpose(org, application, today=today, validity_years=policy.validity_years)
    org.save()
    changes = _replace_scope(org, application, resolved)
    after = _filing_facts(org)
    OrgEvent.objects.create(
        org=org,
        kind=kind,
        data={
            "application": application.pk,
            "filing_number": org.filing_number,
            "valid_until": org.valid_until.isoformat() if org.valid_until else None,
            **changes,
        },
        actor=actor_user(actor),
    )
    audit_record(
        actor=actor,
        action=f"org.{kind}",
        obj=org,
        changes={
            **{k: [before[k], after[k]] for k in before if before[k] != after[k]},
            "scope_added": [None, changes["added"]],
            "scope_dropped": [None, changes["dropped"]],
        },
    )
