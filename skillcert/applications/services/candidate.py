"""The candidate's side: create, submit (with the eligibility decision), resubmit, officer
override, accommodation, withdraw, attachments."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.accounts.scope import scope_for
from skillcert.applications.models import (
    Application,
    Attachment,
    Status,
    Tier,
)
from skillcert.applications.notifications import notify
from skillcert.applications.permissions import may_review
from skillcert.applications.services.base import (
    _lock,
    _move,
    _notice,
    _owner_only,
    _today,
)
from skillcert.applications.transitions import transition_target
from skillcert.audit.services import audit_record, audited_create
from skillcert.candidates.selectors import engine_profile, profile_snapshot
from skillcert.common.errors import DomainError
from skillcert.common.uploads import document_store
from skillcert.eligibility.engine import Decision
from skillcert.eligibility.selectors import eligibility_for_occupation
from skillcert.occupations.choices import has_levels
from skillcert.organizations.permits import organization_permit_check
from skillcert.plans.selectors import plan_accepts_applications, plan_offers
from skillcert.plans.services import plan_seats_release, plan_seats_reserve

if TYPE_CHECKING:
    from skillcert.candidates.models import Candidate
    from skillcert.occupations.models import Occupation, Specialty
    from skillcert.plans.models import EvaluationPlan

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 10
ACCOMMODATION_NOTE_MAX = 200
# ID numbers and mobile numbers are encrypted at rest; a free-text note must not carry them.
_NOTE_PII = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")

# --- candidate side ----------------------------------------------------------------------


def accommodation_clean(*, needs: bool, note: str) -> str:
    """The note to store: required (short) when accommodation is asked for, empty otherwise,
    and free of ID and phone numbers."""
    note = " ".join(note.split())
    if not needs:
        return ""
    if not note:
        raise DomainError(
            "application.accommodation_note_required",
            "考场便利说明：请简要说明需要的便利（如“轮椅通行，需一楼考场”）",
            field="accommodation_note",
        )
    if len(note) > ACCOMMODATION_NOTE_MAX:
        raise DomainError(
            "application.accommodation_note_long",
            f"考场便利说明：不超过{ACCOMMODATION_NOTE_MAX}字，现为{len(note)}字",
            field="accommodation_note",
        )
    if _NOTE_PII.search(note):
        raise DomainError(
            "application.accommodation_note_pii",
            "考场便利说明：请勿填写证件号码或手机号码",
            field="accommodation_note",
        )
    return note


def _applied_for(occupation_name: str, level: int | None) -> str:
    """ "企业人力资源管理师4级", or "中式面点制作专项职业能力考核" without a level."""
    return f"{occupation_name}{'专项职业能力考核' if level is None else f'{level}级'}"


def _level_fits(occupation: Occupation, level: int | None) -> None:
    """A 专项职业能力考核 occupation is applied for without a level; every other at one."""
    if not has_levels(occupation.certification_kind) and level is not None:
        raise DomainError(
            "application.level_not_applicable",
            f"“{occupation.name}”为专项职业能力考核，不设等级；申报时请勿选择等级",
            field="level",
        )
    if has_levels(occupation.certification_kind) and level is None:
        raise DomainError(
            "application.level_required",
            f"请选择申报等级：“{occupation.name}”为职业技能等级认定（五级至一级）",
            field="level",
        )


def application_create(
    *,
    candidate: Candidate,
    plan: EvaluationPlan,
    occupation: Occupation,
    level: int | None,
    actor: Actor,
    specialty: Specialty | None = None,
    today: dt.date | None = None,
    needs_accommodation: bool = False,
    accommodation_note: str = "",
) -> Application:
    note = accommodation_clean(needs=needs_accommodation, note=accommodation_note)
    if not plan_accepts_applications(plan=plan, day=today or _today()):
        raise DomainError("application.plan_closed", "该评价计划当前不在报名期内", field="plan")
    _level_fits(occupation, level)
    if not plan_offers(plan=plan, occupation_id=occupation.pk, level=level):
        raise DomainError(
            "application.level_not_in_plan",
            f"该评价计划未开设{_applied_for(occupation.name, level)}",
            field="level",
        )
    if specialty is not None and specialty.occupation_id != occupation.pk:
        raise DomainError(
            "application.specialty_mismatch", "所选工种不属于该职业", field="specialty"
        )
    organization_permit_check(
        org=plan.organization,
        action="apply",
        day=today or _today(),
        occupation_id=occupation.pk,
        level=level,
    )
    try:
        application = audited_create(
            Application,
            actor=actor,
            action="application.create",
            changes={"needs_accommodation": [None, needs_accommodation]},
            plan=plan,
            candidate=candidate,
            occupation=occupation,
            specialty=specialty,
            level=level,
            profile_snapshot=profile_snapshot(candidate=candidate),
            needs_accommodation=needs_accommodation,
            accommodation_note=note,
        )
    except IntegrityError:
        raise DomainError(
            "application.duplicate", "您已申报该评价计划，不能重复申报", field="plan"
        ) from None
    return application


def _check(application: Application, as_of: dt.date) -> Decision:
    """Snapshot the profile now and run the eligibility engine on it; the decision, the
    matched clause and the rule-set version are stored on the application."""
    candidate = application.candidate
    snapshot = profile_snapshot(candidate=candidate)
    result = eligibility_for_occupation(
        occupation=application.occupation,
        level=application.level,
        profile=engine_profile(snapshot),
        as_of=as_of,
        province=settings.SKILLCERT_PROVINCE,
        holder_id_digest=candidate.id_number_digest,
    )
    if not result.level_offered:
        raise DomainError(
            "application.level_not_offered",
            f"{application.occupation.name}的职业标准未设置{application.level}级",
            field="level",
        )
    decision = result.decision
    application.profile_snapshot = snapshot
    application.eligible = decision.eligible
    application.matched_clause = decision.matched_clause or ""
    application.rule_set_code = decision.rule_set
    application.rule_set_version = decision.version
    application.decision = {
        **decision.as_dict(),
        "clauses": [
            {"id": r.id, "met": r.met, "unmet": list(r.unmet), "text": r.text}
            for r in decision.clauses
        ],
        "overrides": list(decision.overrides),
    }
    application.checked_at = timezone.now()
    application.flag_birth_mismatch = candidate.birth_date_disagrees
    application.flag_photo_failed = not candidate.photo_ok
    return decision


_DECISION_FIELDS = [
    "profile_snapshot",
    "eligible",
    "matched_clause",
    "rule_set_code",
    "rule_set_version",
    "decision",
    "checked_at",
    "flag_birth_mismatch",
    "flag_photo_failed",
    "updated_at",
]


def _ineligible(decision: Decision) -> DomainError:
    missing = "；".join(u for r in decision.clauses for u in r.unmet[:1])
    return DomainError(
        "application.ineligible",
        f"不符合{decision.level}级申报条件：{missing or '无适用条款'}。"
        "如有特殊情况，请联系人社部门办理破格受理。",
        field="level",
    )


def _enter_review(application: Application, *, transition: str, reason: str, actor: Actor) -> None:
    if not application.holds_seat:
        plan_seats_reserve(plan_id=application.plan_id, count=1)
        application.holds_seat = True
    application.submitted_at = timezone.now()
    _move(application, transition=transition, reason=reason, actor=actor)
    notify(
        [
            _notice(
                application,
                "申报已提交",
                f"您的{_applied_for(application.occupation.name, application.level)}"
                "申报已提交，等待初审。",
            )
        ]
    )


def _submit(
    application: Application, *, transition: str, actor: Actor, today: dt.date | None
) -> Application:
    refused: DomainError | None = None
    with transaction.atomic():
        locked = _lock(application)
        transition_target(name=transition, current=locked.status)
        day = today or _today()
        if transition == "submit" and not plan_accepts_applications(plan=locked.plan, day=day):
            raise DomainError("application.plan_closed", "该评价计划当前不在报名期内")
        organization_permit_check(
            org=locked.plan.organization,
            action="apply",
            day=day,
            occupation_id=locked.occupation_id,
            level=locked.level,
        )
        decision = _check(locked, day)
        locked.save(update_fields=_DECISION_FIELDS)
        audit_record(
            actor=actor,
            action="application.eligibility_check",
            obj=locked,
            changes={
                "eligible": [None, decision.eligible],
                "clause": [None, locked.matched_clause],
            },
        )
        if decision.eligible or locked.override_reason:
            _enter_review(locked, transition=transition, reason="", actor=actor)
        else:
            refused = _ineligible(decision)
    if refused is not None:
        # The decision is kept (the candidate sees what is missing); the status is not moved.
        raise refused
    return locked


def application_submit(
    *, application: Application, actor: Actor, today: dt.date | None = None
) -> Application:
    _owner_only(application, actor)
    return _submit(application, transition="submit", actor=actor, today=today)


def application_resubmit(
    *, application: Application, actor: Actor, today: dt.date | None = None
) -> Application:
    """A returned application, corrected, goes back to 初审 with a fresh profile snapshot."""
    _owner_only(application, actor)
    return _submit(application, transition="resubmit", actor=actor, today=today)


def application_override(
    *, application: Application, reason: str, actor: Actor, today: dt.date | None = None
) -> Application:
    """An officer accepts an application the engine found ineligible (破格受理). Always with
    a reason, always audited."""
    reason = reason.strip()
    if not reason:
        raise DomainError("application.override_reason", "破格受理必须填写理由", field="reason")
    scope = scope_for(actor)
    with transaction.atomic():
        locked = _lock(application)
        org = locked.plan.organization
        if not (
            scope.is_officer
            and (
                may_review(
                    scope=scope, tier=Tier.CITY, organization_id=org.pk, region_code=org.region_id
                )
                or may_review(
                    scope=scope,
                    tier=Tier.PROVINCE,
                    organization_id=org.pk,
                    region_code=org.region_id,
                )
            )
        ):
            raise DomainError("application.override_forbidden", "仅主管人社部门可办理破格受理")
        if locked.status not in (Status.DRAFT, Status.RETURNED):
            raise DomainError("application.override_status", "只有未提交或退回的申报可以破格受理")
        if locked.eligible is not False:
            raise DomainError(
                "application.override_needless", "该申报未被判定为不符合条件，无需破格受理"
            )
        locked.override_reason = reason
        locked.override_by = actor_user(actor)
        locked.save(update_fields=["override_reason", "override_by", "updated_at"])
        audit_record(
            actor=actor,
            action="application.override",
            obj=locked,
            changes={"override_reason": [None, reason]},
        )
        transition = "submit" if locked.status == Status.DRAFT else "resubmit"
        _enter_review(locked, transition=transition, reason=f"破格受理：{reason}", actor=actor)
    return locked


def application_accommodation_set(
    *, application: Application, needs: bool, note: str, actor: Actor
) -> Application:
    """The candidate states (or withdraws) an exam accommodation need while the application
    is theirs to edit (draft or returned); reviewers then see it with the application."""
    _owner_only(application, actor)
    cleaned = accommodation_clean(needs=needs, note=note)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in (Status.DRAFT, Status.RETURNED):
            raise DomainError(
                "application.accommodation_locked",
                "申报已提交审核，考场便利需求只能在草稿或退回修改时填写；如有变化请联系评价机构",
                field="needs_accommodation",
            )
        changes: dict[str, Any] = {}
        if locked.needs_accommodation != needs:
            changes["needs_accommodation"] = [locked.needs_accommodation, needs]
        if locked.accommodation_note != cleaned:
            # That it changed, not what it says.
            changes["accommodation_note_changed"] = [False, True]
        if changes:
            locked.needs_accommodation = needs
            locked.accommodation_note = cleaned
            locked.save(update_fields=["needs_accommodation", "accommodation_note", "updated_at"])
            audit_record(
                actor=actor, action="application.accommodation_set", obj=locked, changes=changes
            )
    return locked


def application_withdraw(
    *, application: Application, actor: Actor, reason: str = ""
) -> Application:
    _owner_only(application, actor)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status == Status.PROVINCE_REVIEW:
            raise DomainError("application.withdraw_too_late", "终审已开始，不能撤回申报")
        if locked.holds_seat:
            plan_seats_release(plan_id=locked.plan_id, count=1)
            locked.holds_seat = False
        _move(locked, transition="withdraw", reason=reason.strip(), actor=actor)
    return locked


def attachment_add(
    *, application: Application, upload: UploadedFile, kind: str, actor: Actor
) -> Attachment:
    """A supporting document (PDF, PNG or JPEG, checked by its content like every other
    upload), at most ATTACHMENT_MAX_COUNT per application; stored under a random name."""
    _owner_only(application, actor)
    if application.status not in (Status.DRAFT, Status.RETURNED):
        raise DomainError("attachment.locked", "申报已提交，不能再上传材料")
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise DomainError("attachment.too_large", "单个材料不能超过10MB", field="file")
    kind = kind.strip()
    if len(kind) > 40:
        raise DomainError("attachment.kind_too_long", "材料类别不能超过40个字", field="kind")
    with transaction.atomic():
        locked = _lock(application)
        if Attachment.objects.filter(application=locked).count() >= ATTACHMENT_MAX_COUNT:
            raise DomainError(
                "attachment.too_many",
                f"每份申报最多上传{ATTACHMENT_MAX_COUNT}个材料，请删除或合并后再上传",
                field="file",
            )
        row = Attachment(application=locked, kind=kind or "其他材料")
        stored = document_store(upload=upload, into=row.file, max_bytes=ATTACHMENT_MAX_BYTES)
        row.name, row.content_type = stored.original_name[:200], stored.content_type
        try:
            row.save()
        except Exception:
            row.file.delete(save=False)  # nothing stored for a row that was not written
            raise
        audit_record(actor=actor, action="application.attachment_add", obj=row)
    return row
