"""Application writes: create, submit (with the eligibility decision), officer override,
withdraw, resubmit, the three review tiers (one at a time or a filtered list at once), sample
draws, attachments. Each is atomic, moves status through the transitions table, writes a
ReviewEvent and an audit event, and notifies the candidate after commit."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_ref, actor_user
from skillcert.accounts.scope import scope_for
from skillcert.applications.models import (
    Application,
    Attachment,
    ReviewEvent,
    RosterImport,
    SampleDraw,
    Status,
    Tier,
)
from skillcert.applications.notifications import Notice, notify
from skillcert.applications.permissions import may_review
from skillcert.applications.sampling import draw_sample
from skillcert.applications.transitions import TIER_QUEUE_STATUS, TRANSITIONS, transition_target
from skillcert.audit.services import audit_record
from skillcert.candidates.selectors import engine_profile, profile_snapshot
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.uploads import document_store
from skillcert.eligibility.engine import Decision
from skillcert.eligibility.selectors import eligibility_for_occupation
from skillcert.organizations.permits import organization_permit_check
from skillcert.plans.locks import plan_lock
from skillcert.plans.selectors import plan_accepts_applications, plan_offers
from skillcert.plans.services import plan_seats_release, plan_seats_reserve

if TYPE_CHECKING:
    from skillcert.candidates.models import Candidate
    from skillcert.occupations.models import Occupation, Specialty
    from skillcert.plans.models import EvaluationPlan

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 10
REVIEW_DECISIONS = ("approve", "reject", "return")
ACCOMMODATION_NOTE_MAX = 200
# ID numbers and mobile numbers are encrypted at rest; a free-text note must not carry them.
_NOTE_PII = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


def _today() -> dt.date:
    return timezone.localdate()


def _actor_fields(actor: Actor) -> dict[str, Any]:
    return {"actor": actor_user(actor), "actor_ref": actor_ref(actor)}


def _event(
    application: Application, *, transition: str, before: str, reason: str, actor: Actor
) -> ReviewEvent:
    return ReviewEvent(
        application=application,
        transition=transition,
        tier=TRANSITIONS[transition].tier if transition in TRANSITIONS else "",
        from_status=before,
        to_status=application.status,
        reason=reason,
        **_actor_fields(actor),
    )


def _move(application: Application, *, transition: str, reason: str, actor: Actor) -> None:
    """Apply a named transition to a locked application and record it."""
    before = application.status
    application.status = transition_target(name=transition, current=before)
    application.save(update_fields=["status", "holds_seat", "submitted_at", "updated_at"])
    _event(application, transition=transition, before=before, reason=reason, actor=actor).save()
    audit_record(
        actor=actor,
        action=f"application.{transition}",
        obj=application,
        changes={"status": [before, application.status], "reason": [None, reason or None]},
    )


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("plan", "plan__organization", "plan__organization__region", "candidate")
        .get(pk=application.pk)
    )


def _notice(application: Application, subject: str, body: str) -> Notice:
    return Notice(
        candidate_id=application.candidate_id,
        application_id=application.pk,
        subject=subject,
        body=body,
    )


def _owner_only(application: Application, actor: Actor) -> None:
    user = actor_user(actor)
    if user is None or application.candidate.user_id != user.pk:
        raise DomainError("application.not_owner", "只能操作本人的申报")


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


def application_create(
    *,
    candidate: Candidate,
    plan: EvaluationPlan,
    occupation: Occupation,
    level: int,
    actor: Actor,
    specialty: Specialty | None = None,
    today: dt.date | None = None,
    needs_accommodation: bool = False,
    accommodation_note: str = "",
) -> Application:
    note = accommodation_clean(needs=needs_accommodation, note=accommodation_note)
    if not plan_accepts_applications(plan=plan, day=today or _today()):
        raise DomainError("application.plan_closed", "该评价计划当前不在报名期内", field="plan")
    if not plan_offers(plan=plan, occupation_id=occupation.pk, level=level):
        raise DomainError(
            "application.level_not_in_plan",
            f"该评价计划未开设{occupation.name}{level}级",
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
        with transaction.atomic():
            application = Application.objects.create(
                plan=plan,
                candidate=candidate,
                occupation=occupation,
                specialty=specialty,
                level=level,
                profile_snapshot=profile_snapshot(candidate=candidate),
                needs_accommodation=needs_accommodation,
                accommodation_note=note,
            )
            # The note stays out of the audit trail (it may describe health).
            audit_record(
                actor=actor,
                action="application.create",
                obj=application,
                changes={"needs_accommodation": [None, needs_accommodation]},
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
                f"您的{application.occupation.name}{application.level}级申报已提交，等待初审。",
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


# --- reviewers ---------------------------------------------------------------------------


def _approve_transition(tier: str, plan: EvaluationPlan) -> str:
    if tier == Tier.ORG:
        return "org_approve" if plan.city_sample_rate >= 1 else "org_approve_to_pool"
    if tier == Tier.CITY:
        return "city_approve" if plan.province_sample_rate >= 1 else "city_approve_to_pool"
    return "province_approve"


_DECISION_WORDS = {"approve": "通过", "reject": "未通过", "return": "退回修改"}


def application_review(
    *, application: Application, tier: str, decision: str, actor: Actor, reason: str = ""
) -> Application:
    if decision not in REVIEW_DECISIONS:
        raise DomainError("review.decision", "审核结论应为通过、不通过或退回", field="decision")
    if tier not in TIER_QUEUE_STATUS:
        raise DomainError("review.tier", "未知的审核层级", field="tier")
    reason = reason.strip()
    if decision != "approve" and not reason:
        raise DomainError("review.reason_required", "不通过或退回必须填写理由", field="reason")
    scope = scope_for(actor)
    with transaction.atomic():
        locked = _lock(application)
        org = locked.plan.organization
        if not may_review(
            scope=scope, tier=tier, organization_id=org.pk, region_code=org.region_id
        ):
            raise Forbidden("review.forbidden", f"您无权进行{Tier(tier).label}")
        if locked.status != TIER_QUEUE_STATUS[tier]:
            raise DomainError(
                "review.wrong_stage",
                f"该申报当前为“{locked.get_status_display()}”，不在{Tier(tier).label}环节",
            )
        transition = (
            _approve_transition(tier, locked.plan)
            if decision == "approve"
            else f"{tier}_{decision}"
        )
        if decision == "reject" and locked.holds_seat:
            plan_seats_release(plan_id=locked.plan_id, count=1)
            locked.holds_seat = False
        _move(locked, transition=transition, reason=reason, actor=actor)
        body = f"您的申报{Tier(tier).label}结论：{_DECISION_WORDS[decision]}。"
        if reason:
            body += f"理由：{reason}"
        if decision == "return":
            body += "请修改后重新提交。"
        notify([_notice(locked, f"{Tier(tier).label}结果", body)])
    return locked


def _ids_label(ids: list[int], *, limit: int) -> str:
    label = ""
    for n, pk in enumerate(ids):
        part = f"{',' if n else ''}{pk}"
        if len(label) + len(part) > limit - 1:
            return label + "…"
        label += part
    return label


def applications_approve_bulk(
    *, application_ids: Iterable[int], tier: str, actor: Actor, reason: str = ""
) -> int:
    """Approve a filtered list in one call. Rows are locked in primary-key order; rows that
    moved on meanwhile (or that the user may not review) are left alone. Returns how many
    were approved."""
    if tier not in TIER_QUEUE_STATUS:
        raise DomainError("review.tier", "未知的审核层级", field="tier")
    scope = scope_for(actor)
    ids = sorted(set(application_ids))
    approved: list[Application] = []
    with transaction.atomic():
        rows = list(
            Application.objects.select_for_update()
            .filter(pk__in=ids, status=TIER_QUEUE_STATUS[tier])
            .select_related("plan", "plan__organization", "occupation")
            .order_by("pk")
        )
        events = []
        moves: dict[str, list[int]] = {}
        for row in rows:
            org = row.plan.organization
            if not may_review(
                scope=scope, tier=tier, organization_id=org.pk, region_code=org.region_id
            ):
                continue
            transition = _approve_transition(tier, row.plan)
            before = row.status
            row.status = TRANSITIONS[transition].target
            moves.setdefault(row.status, []).append(row.pk)
            events.append(
                _event(row, transition=transition, before=before, reason=reason, actor=actor)
            )
            approved.append(row)
        now = timezone.now()
        for target, pks in moves.items():
            Application.objects.filter(pk__in=pks).update(status=target, updated_at=now)
        ReviewEvent.objects.bulk_create(events, batch_size=500)
        if approved:
            audit_record(
                actor=actor,
                action=f"application.{tier}_approve_bulk",
                object_type="applications.application",
                # the column holds 64 characters; every id is in `changes`
                object_id=_ids_label([a.pk for a in approved], limit=64),
                object_repr=f"批量{Tier(tier).label}通过 {len(approved)} 件",
                changes={"ids": [a.pk for a in approved], "count": len(approved)},
            )
        notify(
            [
                _notice(a, f"{Tier(tier).label}结果", f"您的申报{Tier(tier).label}结论：通过。")
                for a in approved
            ]
        )
    return len(approved)


_DRAW: dict[str, tuple[str, str, str, str]] = {
    Tier.CITY: (Status.ORG_PASSED, "city_sampled", "city_not_sampled", "city_sample_rate"),
    Tier.PROVINCE: (
        Status.CITY_PASSED,
        "province_sampled",
        "province_not_sampled",
        "province_sample_rate",
    ),
}


def _draw_apply(
    rows: list[Application],
    sampled: set[int],
    *,
    hit: str,
    miss: str,
    draw: SampleDraw,
    actor: Actor,
) -> None:
    """Move the sampled applications to the tier's queue and pass the others, with an event
    row each naming the draw."""
    events = []
    for row in rows:
        transition = hit if row.pk in sampled else miss
        before = row.status
        row.status = TRANSITIONS[transition].target
        events.append(
            _event(
                row,
                transition=transition,
                before=before,
                reason=f"抽样记录#{draw.pk}，种子{draw.seed}",
                actor=actor,
            )
        )
    now = timezone.now()
    population = [r.pk for r in rows]
    Application.objects.filter(pk__in=sorted(sampled)).update(
        status=TRANSITIONS[hit].target, updated_at=now
    )
    Application.objects.filter(pk__in=[p for p in population if p not in sampled]).update(
        status=TRANSITIONS[miss].target, updated_at=now
    )
    ReviewEvent.objects.bulk_create(events, batch_size=500)


def sample_draw(
    *, plan: EvaluationPlan, tier: str, actor: Actor, seed: int | None = None
) -> SampleDraw:
    """Draw the city's (复审) or the province's (终审) sample among the applications waiting
    for it. The sampled ones go to that tier's queue; the others pass the tier unreviewed.
    Seed and ids are stored, so the draw can be re-run and checked."""
    if tier not in _DRAW:
        raise DomainError("sample.tier", "只有复审和终审可以抽样", field="tier")
    waiting, hit, miss, rate_field = _DRAW[tier]
    scope = scope_for(actor)
    org = plan.organization
    if not may_review(scope=scope, tier=tier, organization_id=org.pk, region_code=org.region_id):
        raise Forbidden("review.forbidden", f"您无权进行{Tier(tier).label}抽样")
    if seed is None:
        seed = secrets.randbits(62)
    with transaction.atomic():
        # The plan row serialises draws: two officers drawing at once do not both draw.
        locked_plan = plan_lock(plan.pk)
        rate: Decimal = getattr(locked_plan, rate_field)
        rows = list(
            Application.objects.select_for_update()
            .filter(plan=locked_plan, status=waiting)
            .select_related("occupation")
            .order_by("pk")
        )
        if not rows:
            raise DomainError("sample.empty", "当前没有等待抽样的申报")
        population = [r.pk for r in rows]
        sampled = set(draw_sample(population, rate=rate, seed=seed))
        draw = SampleDraw.objects.create(
            plan=locked_plan,
            tier=tier,
            rate=rate,
            seed=seed,
            population=population,
            sampled=sorted(sampled),
            actor=actor_user(actor),
        )
        _draw_apply(rows, sampled, hit=hit, miss=miss, draw=draw, actor=actor)
        audit_record(
            actor=actor,
            action=f"sample.{tier}_draw",
            obj=draw,
            changes={"seed": seed, "rate": str(rate), "sampled": sorted(sampled)},
        )
        if tier == Tier.PROVINCE:
            notify(
                [
                    _notice(r, "审核通过", "您的申报已通过审核。")
                    for r in rows
                    if r.pk not in sampled
                ]
            )
    return draw


# --- roster upload (the web path; the command calls importing.roster_import directly) ----

ROSTER_MAX_BYTES = 50 * 1024 * 1024


def roster_upload_create(
    *, plan: EvaluationPlan, upload: UploadedFile, actor: Actor, partial: bool, dry_run: bool
) -> RosterImport:
    """Store the file and queue the import as a background task (after commit, so the
    worker finds the row)."""
    from skillcert.applications.tasks import roster_import_run

    scope = scope_for(actor)
    if not (scope.is_platform or plan.organization_id in scope.organization_ids):
        raise Forbidden("roster.forbidden", "只有本评价机构的工作人员可以导入花名册")
    name = upload.name or "roster.xlsx"
    if not name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise DomainError("roster.file_type", "请上传 Excel 文件（.xlsx 或 .xls）", field="file")
    if (upload.size or 0) > ROSTER_MAX_BYTES:
        raise DomainError("roster.too_large", "文件不能超过50MB", field="file")
    with transaction.atomic():
        job = RosterImport.objects.create(
            plan=plan,
            file=upload,
            file_name=name[:200],
            partial=partial,
            dry_run=dry_run,
            created_by=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="roster.upload",
            obj=job,
            changes={"plan": plan.code, "partial": partial, "dry_run": dry_run},
        )
        transaction.on_commit(lambda: roster_import_run.enqueue(job.pk))
    return job
