"""Candidate writes: self-registration, activation codes and identity claims, the photo, and
the reusable profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from skillcert.accounts.actors import PUBLIC, Actor, SystemActor, actor_user
from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope, scope_for
from skillcert.accounts.services import password_hash_check, role_grant, user_create
from skillcert.applications.selectors import applications_visible
from skillcert.audit.services import audit_record, audited_create
from skillcert.candidates.core import (
    activation_code_display,
    activation_code_new,
    activation_code_parse,
    certificate_number_parse,
)
from skillcert.candidates.models import (
    CLAIM_MAX_ATTEMPTS,
    ActivationCode,
    Candidate,
    CertificateKind,
    ClaimStatus,
    Education,
    HeldCertificate,
    IdentityClaim,
    Title,
    WorkPeriod,
)
from skillcert.candidates.photo import photo_check
from skillcert.candidates.selectors import candidates_staff_visible
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import IdNumber, parse_id_number, validate_mobile
from skillcert.common.pii import pii_digest
from skillcert.common.transitions import check_transition
from skillcert.eligibility.engine import EDUCATION_KINDS, TITLE_GRADES

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.plans.models import EvaluationPlan


@dataclass(frozen=True)
class Registration:
    """What self-registration made. `candidate` is None when the ID number was already known:
    the account then holds an identity claim, settled with an activation code."""

    user: User
    candidate: Candidate | None


def _candidate_new(
    *, user: User, full_name: str, parsed: IdNumber, digest: str, phone: str
) -> Candidate | None:
    """The Candidate person of an ID number the platform has not met, linked to `user`; None
    when the number is known."""
    if Candidate.objects.filter(id_number_digest=digest).exists():
        return None
    try:
        with transaction.atomic():
            return Candidate.objects.create(
                user=user,
                full_name=full_name,
                id_number=parsed.value,
                id_number_digest=digest,
                birth_date=parsed.birth_date,
                gender=parsed.gender,
                phone=phone,
                phone_digest=pii_digest(phone),
            )
    except IntegrityError:
        return None  # registered or imported a moment ago: known now


def candidate_register(
    *,
    username: str,
    password: str,
    full_name: str,
    id_number: str,
    phone: str,
    today: dt.date | None = None,
    password_hash: str = "",
    actor: Actor = PUBLIC,
) -> Registration:
    """Self-registration: a User with the candidate role and, for an ID number the platform has
    not met, the Candidate person.

    An ID number already known (from an organisation's roster, or another account) is never
    linked here: typing someone's name and ID number does not make you that person. The
    account gets a pending identity claim instead, which the activation code the
    organisation hands to the person settles (`candidate_claim`). Both outcomes hash the
    password, create the account and answer alike, so registering tells nobody whether an ID
    number is on a roster or already has an account.

    Registration acts as the public (`actor`); a trusted process registering many accounts
    that share one password it has hashed once (the simulation) passes itself as `actor`
    with `password_hash` (`accounts.services.password_hash_check`)."""
    if password_hash:
        password_hash_check(password_hash, actor=actor)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError("candidate.name_required", "请填写姓名", field="full_name")
    parsed = parse_id_number(id_number, today=today)
    phone = validate_mobile(phone)
    digest = pii_digest(parsed.value)
    with transaction.atomic():
        user = user_create(
            username=username,
            password=password,
            full_name=full_name,
            actor=SystemActor("register"),
            password_hash=password_hash,
        )
        role_grant(user=user, role=Role.CANDIDATE, actor=user)
        candidate = _candidate_new(
            user=user, full_name=full_name, parsed=parsed, digest=digest, phone=phone
        )
        if candidate is not None:
            audit_record(actor=user, action="candidate.register", obj=candidate)
        else:
            claim = IdentityClaim.objects.create(user=user, id_number_digest=digest)
            audit_record(actor=user, action="candidate.claim_open", obj=claim)
    return Registration(user=user, candidate=candidate)


# --- activation codes and identity claims ------------------------------------------------

ACTIVATION_VALID_FOR = dt.timedelta(days=30)

CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    ClaimStatus.PENDING: frozenset({ClaimStatus.LOCKED, ClaimStatus.CLAIMED}),
    ClaimStatus.LOCKED: frozenset({ClaimStatus.PENDING}),  # a newly issued code
    ClaimStatus.CLAIMED: frozenset(),
}


def _claim_move(claim: IdentityClaim, target: str) -> None:
    check_transition(
        allowed=CLAIM_TRANSITIONS,
        current=claim.status,
        target=target,
        labels=dict(ClaimStatus.choices),
    )
    claim.status = target


def _activation_hash(*, candidate_id: int, code: str) -> str:
    # Keyed, and bound to the candidate: a copied table reveals no code, and one candidate's
    # row cannot vouch for a code meant for another. (A password hasher would cost a second
    # per code, too slow for a plan's worth at once, and buys nothing against a key-holder.)
    return salted_hmac(
        "skillcert.candidates.activation", f"{candidate_id}:{code}", algorithm="sha256"
    ).hexdigest()


def _staff_scope(actor: User) -> Scope:
    scope = scope_for(actor)
    if not (scope.is_org_staff or scope.is_officer):
        raise DomainError("activation.not_allowed", "只有评价机构或人社部门工作人员可以签发激活码")
    return scope


def _unlock_claims(digests: list[str]) -> int:
    """A new code gives every account waiting on these people five fresh tries (the
    organisation has just checked who it is handing the code to)."""
    waiting = Q(status=ClaimStatus.PENDING, attempts__gt=0) | Q(status=ClaimStatus.LOCKED)
    return IdentityClaim.objects.filter(waiting, id_number_digest__in=digests).update(
        status=ClaimStatus.PENDING, attempts=0
    )


def candidate_activation_issue(*, candidate: Candidate, actor: User) -> str:
    """A new activation code for a candidate without an account, by staff of an organisation
    the candidate applied to or an officer over it. Returns the plain code: it is shown once
    and only its hash is kept. Valid for 30 days; issuing again replaces the previous code."""
    scope = _staff_scope(actor)
    if not candidates_staff_visible(scope=scope).filter(pk=candidate.pk).exists():
        raise DomainError("activation.not_allowed", "该考生未在本机构或本地区报名，不能签发激活码")
    code = activation_code_new()
    now = timezone.now()
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.user_id is not None:
            raise DomainError(
                "activation.has_account",
                "该考生已有账户，无需激活码；忘记密码的请由本人找回或联系平台管理员",
            )
        row, created = ActivationCode.objects.update_or_create(
            candidate=locked,
            defaults={
                "code_hash": _activation_hash(candidate_id=locked.pk, code=code),
                "issued_by": actor,
                "issued_at": now,
                "expires_at": now + ACTIVATION_VALID_FOR,
                "used_at": None,
            },
        )
        unlocked = _unlock_claims([locked.id_number_digest])
        audit_record(
            actor=actor,
            action="candidate.activation_issue",
            obj=locked,
            changes={
                "expires_at": [None, row.expires_at],
                "replaced_previous": [None, not created],
                "claims_unlocked": [None, unlocked],
            },
        )
    return code


@dataclass(frozen=True)
class IssuedCode:
    full_name: str
    id_number_masked: str
    code: str  # as handed over, e.g. ABCDE-23456


def activation_codes_issue_for_plan(*, plan: EvaluationPlan, actor: User) -> list[IssuedCode]:
    """A code for every candidate without an account among the plan's applications that the
    actor may see (replacing earlier codes), for the organisation to hand out."""
    scope = _staff_scope(actor)
    applicants = applications_visible(scope=scope).filter(plan_id=plan.pk).values("candidate_id")
    now = timezone.now()
    with transaction.atomic():
        people = list(
            Candidate.objects.select_for_update()
            .filter(pk__in=applicants, user__isnull=True)
            .order_by("pk")
        )
        if not people:
            return []
        codes = {c.pk: activation_code_new() for c in people}
        ActivationCode.objects.filter(candidate__in=people).delete()
        ActivationCode.objects.bulk_create(
            ActivationCode(
                candidate=c,
                code_hash=_activation_hash(candidate_id=c.pk, code=codes[c.pk]),
                issued_by=actor,
                issued_at=now,
                expires_at=now + ACTIVATION_VALID_FOR,
            )
            for c in people
        )
        unlocked = _unlock_claims([c.id_number_digest for c in people])
        audit_record(
            actor=actor,
            action="candidate.activation_issue_plan",
            obj=plan,
            changes={
                "candidates": [None, [c.pk for c in people]],
                "expires_at": [None, now + ACTIVATION_VALID_FOR],
                "claims_unlocked": [None, unlocked],
            },
        )
    return [
        IssuedCode(c.full_name, c.id_number_masked, activation_code_display(codes[c.pk]))
        for c in people
    ]


def _claim_locked() -> DomainError:
    return DomainError(
        "claim.locked",
        f"激活码已连续输错{CLAIM_MAX_ATTEMPTS}次，身份认领已锁定。"
        "请携带身份证联系为您报名的评价机构核实身份，重新获取激活码后再试",
        field="code",
    )


def _refusal(
    candidate: Candidate | None, activation: ActivationCode | None, code: str, now: dt.datetime
) -> str | None:
    """Why the code does not settle the claim, for the audit trail (never for the user)."""
    # Hashed whatever the outcome, so every refusal costs the same.
    digest = _activation_hash(candidate_id=candidate.pk if candidate else 0, code=code)
    if candidate is None:
        return "no_candidate"
    if candidate.user_id is not None:
        return "has_account"
    if activation is None:
        return "no_code"
    if activation.used_at is not None:
        return "used"
    if activation.expires_at <= now:
        return "expired"
    if not constant_time_compare(digest, activation.code_hash):
        return "mismatch"
    return None


def _claim_settle(
    claim: IdentityClaim,
    candidate: Candidate,
    activation: ActivationCode,
    *,
    user: User,
    now: dt.datetime,
) -> Candidate:
    """The account becomes the candidate's; the code is spent."""
    candidate.user = user
    candidate.save(update_fields=["user"])
    activation.used_at = now
    activation.save(update_fields=["used_at"])
    _claim_move(claim, ClaimStatus.CLAIMED)
    claim.candidate = candidate
    claim.claimed_at = now
    claim.save(update_fields=["status", "candidate", "claimed_at"])
    audit_record(
        actor=user,
        action="candidate.claim",
        obj=candidate,
        changes={"user": [None, user.pk], "claim": [None, claim.pk]},
    )
    return candidate


def _claim_try_counted(claim: IdentityClaim, reason: str, *, user: User) -> None:
    """One more failed try; the fifth locks the claim."""
    before = claim.attempts
    claim.attempts = before + 1
    changes: dict[str, Any] = {"attempts": [before, claim.attempts], "reason": [None, reason]}
    if claim.attempts >= CLAIM_MAX_ATTEMPTS:
        _claim_move(claim, ClaimStatus.LOCKED)
        changes["status"] = [ClaimStatus.PENDING, ClaimStatus.LOCKED]
    claim.save(update_fields=["attempts", "status"])
    audit_record(actor=user, action="candidate.claim_failed", obj=claim, changes=changes)


def candidate_claim(*, user: User, code: str) -> Candidate:
    """Settle the account's identity claim with the activation code: the account becomes the
    candidate's and the code is spent. A wrong, expired or spent code counts one try; after
    five the claim locks until the organisation issues a new code. Malformed input counts
    nothing. The refusal reads the same whatever the cause, and the audit trail records each
    try without the code."""
    value = activation_code_parse(code)
    now = timezone.now()
    with transaction.atomic():
        digest = (
            IdentityClaim.objects.filter(user=user)
            .values_list("id_number_digest", flat=True)
            .first()
        )
        # Lock order, as in candidate_activation_issue: the candidate, its code, the claim.
        candidate = (
            Candidate.objects.select_for_update().filter(id_number_digest=digest).first()
            if digest is not None
            else None
        )
        activation = (
            ActivationCode.objects.select_for_update().filter(candidate=candidate).first()
            if candidate is not None
            else None
        )
        claim = IdentityClaim.objects.select_for_update().filter(user=user).first()
        if claim is None or claim.status == ClaimStatus.CLAIMED:
            raise DomainError("claim.none", "当前账户没有待激活的考生身份", field="code")
        if claim.status == ClaimStatus.LOCKED:
            raise _claim_locked()
        reason = _refusal(candidate, activation, value, now)
        if reason is None:
            assert candidate is not None and activation is not None
            return _claim_settle(claim, candidate, activation, user=user, now=now)
        _claim_try_counted(claim, reason, user=user)
    # Raised after the commit: the failed try must stay counted.
    if claim.status == ClaimStatus.LOCKED:
        raise _claim_locked()
    left = CLAIM_MAX_ATTEMPTS - claim.attempts
    raise DomainError(
        "claim.code_wrong",
        f"激活码不正确或已失效，还可输入{left}次。激活码有效期30天，"
        "过期或遗失的请联系为您报名的评价机构重新获取",
        field="code",
    )


def candidate_photo_upload(*, candidate: Candidate, data: bytes, actor: Actor) -> Candidate:
    """Unusable files are refused; an off-ratio or low-resolution photo is kept and flagged
    so the reviewers see it."""
    check = photo_check(data)
    if check.fatal:
        raise DomainError("candidate.photo_invalid", "；".join(check.fatal), field="photo")
    extension = "jpg" if check.format == "JPEG" else "png"
    with transaction.atomic():
        old = candidate.photo.name if candidate.photo else ""
        candidate.photo.save(f"{candidate.pk}.{extension}", ContentFile(data), save=False)
        candidate.photo_ok = check.ok
        candidate.photo_problems = list(check.problems)
        candidate.save(update_fields=["photo", "photo_ok", "photo_problems"])
        audit_record(
            actor=actor,
            action="candidate.photo_upload",
            obj=candidate,
            changes={
                "photo": [old, candidate.photo.name],
                "photo_ok": [None, check.ok],
                "size": [None, f"{check.width}x{check.height}"],
            },
        )
    return candidate


def _owned(candidate: Candidate, actor: Actor) -> None:
    user = actor_user(actor)
    if user is None or candidate.user_id != user.pk:
        raise DomainError("candidate.not_owner", "只能修改本人的档案")


def work_period_add(
    *,
    candidate: Candidate,
    start: dt.date,
    end: dt.date | None,
    employer: str,
    occupation_name: str,
    related: bool,
    actor: Actor,
) -> WorkPeriod:
    _owned(candidate, actor)
    if end is not None and end <= start:
        raise DomainError("profile.work_order", "结束日期应晚于开始日期", field="end")
    return audited_create(
        WorkPeriod,
        actor=actor,
        action="profile.work_add",
        candidate=candidate,
        start=start,
        end=end,
        employer=employer.strip(),
        occupation_name=occupation_name.strip(),
        related=related,
    )


def certificate_add(
    *,
    candidate: Candidate,
    number: str,
    occupation_name: str,
    level: int,
    issued_on: dt.date,
    related: bool,
    actor: Actor,
) -> HeldCertificate:
    """Both current 22-character numbers and legacy 16-digit 职业资格 numbers are accepted; a
    new-style number must encode the level claimed."""
    _owned(candidate, actor)
    parsed = certificate_number_parse(number)
    if level not in range(1, 6):
        raise DomainError("profile.level", "证书等级应为一级至五级", field="level")
    if parsed.level is not None and parsed.level != level:
        raise DomainError(
            "certificate.level_mismatch",
            f"证书编号表示{parsed.level}级，与所填{level}级不一致",
            field="level",
        )
    kind = (
        CertificateKind.SKILL_LEVEL
        if parsed.kind == "skill_level"
        else CertificateKind.QUALIFICATION
    )
    return audited_create(
        HeldCertificate,
        actor=actor,
        action="profile.certificate_add",
        candidate=candidate,
        kind=kind,
        number=parsed.value,
        occupation_name=occupation_name.strip(),
        level=level,
        issued_on=issued_on,
        related=related,
    )


def education_add(
    *,
    candidate: Candidate,
    kind: str,
    school: str,
    major: str,
    major_related: bool,
    graduation: dt.date,
    actor: Actor,
) -> Education:
    _owned(candidate, actor)
    if kind not in EDUCATION_KINDS:
        raise DomainError("profile.education_kind", f"未知的学历类别“{kind}”", field="kind")
    return audited_create(
        Education,
        actor=actor,
        action="profile.education_add",
        candidate=candidate,
        kind=kind,
        school=school.strip(),
        major=major.strip(),
        major_related=major_related,
        graduation=graduation,
    )


def title_add(
    *, candidate: Candidate, grade: str, name: str, date: dt.date, related: bool, actor: Actor
) -> Title:
    _owned(candidate, actor)
    if grade not in TITLE_GRADES:
        raise DomainError("profile.title_grade", f"未知的职称级别“{grade}”", field="grade")
    return audited_create(
        Title,
        actor=actor,
        action="profile.title_add",
        candidate=candidate,
        grade=grade,
        name=name.strip(),
        date=date,
        related=related,
    )


_PROFILE_MODELS: dict[str, type[WorkPeriod | HeldCertificate | Education | Title]] = {
    "work": WorkPeriod,
    "certificate": HeldCertificate,
    "education": Education,
    "title": Title,
}


def profile_item_remove(*, candidate: Candidate, kind: str, item_id: int, actor: Actor) -> None:
    _owned(candidate, actor)
    model = _PROFILE_MODELS.get(kind)
    if model is None:
        raise DomainError("profile.kind", "未知的档案条目类别", field="kind")
    with transaction.atomic():
        row = model.objects.filter(candidate=candidate, pk=item_id).first()
        if row is None:
            raise DomainError("profile.item_missing", "档案条目不存在")
        audit_record(actor=actor, action=f"profile.{kind}_remove", obj=row)
        row.delete()
