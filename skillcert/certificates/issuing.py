"""Issuing a certificate row: from a registered, passing result, by the organisation whose
filing covers the occupation and level on the issue date. Numbers come from a locked counter
per organisation, year and level (plus the number's unique constraint), so concurrent issuing
never duplicates a serial, and a number is never reused — revoked certificates keep theirs.
A re-issue or a correction supersedes the old certificate with a new one (`supersede`).

The background batch (`certificates.tasks`) issues through this module; `certificates.services`
starts that batch, so this module imports neither."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record, audit_record_many
from skillcert.certificates.choices import SKILL_LEVEL_TITLE
from skillcert.certificates.credentials import STATUS_LIST_BITS, identity_salt
from skillcert.certificates.keys import current_signing_key
from skillcert.certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateStatus,
    IssueKind,
    StatusList,
)
from skillcert.certificates.numbering import NO_LEVEL_DIGIT, format_certificate_number
from skillcert.certificates.tokens import sign_token
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.fonts import require_glyphs
from skillcert.common.identifiers import mask_id_number
from skillcert.common.pii import pii_digest
from skillcert.eligibility.engine import LEVEL_NAMES, LEVEL_TITLES
from skillcert.occupations.choices import has_levels
from skillcert.organizations.permissions import is_staff_of
from skillcert.organizations.permits import (
    organization_permit,
    organization_permit_check,
    organization_standing,
)
from skillcert.scoring.selectors import result_is_registered

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skillcert.accounts.models import User
    from skillcert.candidates.models import Candidate
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.scoring.models import Result

TITLE = SKILL_LEVEL_TITLE  # a 专项职业能力证书's is choices.SPECIAL_ABILITY_TITLE

CERTIFICATE_TRANSITIONS: dict[str, frozenset[str]] = {
    CertificateStatus.VALID: frozenset({CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED}),
    CertificateStatus.REVOKED: frozenset(),
    CertificateStatus.SUPERSEDED: frozenset(),
}
# Audit actions "certificate.<action>".
CERTIFICATE: Lifecycle[str] = Lifecycle(
    "certificate", CERTIFICATE_TRANSITIONS, {str(k): str(v) for k, v in CertificateStatus.choices}
)


def level_text(level: int | None) -> str:
    """'三级/高级工', as printed on the certificate; "" for one without a level."""
    if level is None:
        return ""
    return f"{LEVEL_NAMES[level]}/{LEVEL_TITLES[level]}"


@dataclass(frozen=True)
class Holder:
    """What a certificate says about its holder and their achievement."""

    candidate: Candidate
    occupation: Occupation
    specialty_name: str
    level: int | None  # None: a 专项职业能力证书


def require_level_fits(occupation: Occupation, level: int | None) -> None:
    """A 专项职业能力考核 occupation's certificate has no level; every other occupation's
    certificate has one (seed 004 §一)."""
    special = not has_levels(occupation.certification_kind)
    if special and level is not None:
        raise DomainError(
            "certificate.level_not_applicable",
            f"“{occupation.name}”为专项职业能力考核，颁发专项职业能力证书，不设等级；"
            f"请勿填写等级（收到：{level}级）",
            field="level",
        )
    if not special and level is None:
        raise DomainError(
            "certificate.level_required",
            f"“{occupation.name}”颁发职业技能等级证书，须填写等级（五级至一级）",
            field="level",
        )


def _next_serial(*, organization: EvaluationOrg, year: int, level: int) -> int:
    """Lock the counter row (created on first use) and take the next serial."""
    CertificateCounter.objects.get_or_create(organization=organization, year=year, level=level)
    updated = CertificateCounter.objects.filter(
        organization=organization, year=year, level=level
    ).update(last_serial=F("last_serial") + 1)
    assert updated == 1
    return CertificateCounter.objects.values_list("last_serial", flat=True).get(
        organization=organization, year=year, level=level
    )


# A list takes certificates until half its bits are used: random draws then find a free bit
# in two tries on average, and each set bit hides among at least 65,536 others.
STATUS_LIST_FILL = STATUS_LIST_BITS // 2


def _open_status_list() -> StatusList:
    """The first status list with room, its row locked (the lock serialises allocation within
    it); a new list is opened when every list is filled."""
    if not StatusList.objects.exists():
        StatusList.objects.get_or_create(number=1)
    while True:
        shard = (
            StatusList.objects.select_for_update()
            .filter(allocated__lt=STATUS_LIST_FILL)
            .order_by("number")
            .first()
        )
        if shard is not None:
            return shard
        last = StatusList.objects.order_by("-number").values_list("number", flat=True).first()
        StatusList.objects.get_or_create(number=(last or 0) + 1)


def _next_status_entry() -> tuple[int, int]:
    """A random free bit of the open status list (Bitstring Status List §5.1: indexes are
    allocated randomly, so a bit's position says nothing about when or to whom it was issued).
    The open list's row lock serialises allocation within it."""
    shard = _open_status_list()
    while True:
        index = secrets.randbelow(STATUS_LIST_BITS)
        if not Certificate.objects.filter(status_list=shard.number, status_index=index).exists():
            break
    StatusList.objects.filter(number=shard.number).update(allocated=F("allocated") + 1)
    return shard.number, index


def token_payload(certificate: Certificate) -> dict[str, Any]:
    return {
        "n": certificate.number,
        "name": certificate.holder_name,
        "id": mask_id_number(certificate.id_number),
        "occ": certificate.occupation_name,
        "lvl": certificate.level,
        "org": certificate.organization_name,
        "date": certificate.issue_date.isoformat(),
    }


def _require_issuer(organization: EvaluationOrg, holder: Holder, issue_date: dt.date) -> str:
    """The organisation's filing number, once the permit lets it issue this certificate on the
    issue date: filed and within its validity, on neither the abnormal list nor the blacklist,
    the occupation × level in its scope that day."""
    if not organization.filing_number:
        raise DomainError("certificate.org_not_filed", f"{organization.name}尚未备案，不能发证")
    organization_permit_check(
        org=organization,
        action="issue",
        day=issue_date,
        occupation_id=holder.occupation.pk,
        level=holder.level,
    )
    return organization.filing_number


def require_issuing_staff(actor: Actor, organization: EvaluationOrg) -> None:
    """Certificates are issued by the organisation's own staff (or a trusted process)."""
    if not is_staff_of(actor_scope(actor), organization):
        raise Forbidden(
            "certificate.issue_forbidden",
            f"只有评价机构“{organization.name}”的工作人员可以为其成绩发证",
        )


def _photo(candidate: Candidate) -> bytes:
    if not candidate.photo:
        return b""
    with candidate.photo.open("rb") as handle:
        return bytes(handle.read())


def _number(
    organization: EvaluationOrg, filing_number: str, holder: Holder, issue_date: dt.date
) -> str:
    counter_level = NO_LEVEL_DIGIT if holder.level is None else holder.level
    serial = _next_serial(organization=organization, year=issue_date.year, level=counter_level)
    return format_certificate_number(
        filing_number=filing_number,
        year=issue_date.year,
        level=holder.level,
        serial=serial,
    )


def _certificate_signed(
    *,
    number: str,
    kind: str,
    organization: EvaluationOrg,
    holder: Holder,
    issue_date: dt.date,
    status_entry: tuple[int, int],
    user: User | None,
    signing: tuple[str, Ed25519PrivateKey],
    result: Result | None = None,
    supersedes: Certificate | None = None,
    holder_name: str | None = None,
    id_number: str | None = None,
) -> Certificate:
    """The unsaved certificate, signed: what one issue and a bulk issue both save."""
    candidate = holder.candidate
    id_number = id_number or candidate.id_number
    status_list, status_index = status_entry
    certificate = Certificate(
        number=number,
        kind=kind,
        organization=organization,
        result=result,
        candidate=candidate,
        holder_name=holder_name or candidate.full_name,
        id_number=id_number,
        id_number_digest=pii_digest(id_number),
        occupation=holder.occupation,
        occupation_name=holder.occupation.name,
        specialty_name=holder.specialty_name or "--",
        level=holder.level,
        level_text=level_text(holder.level),
        organization_name=organization.name,
        issue_date=issue_date,
        photo=_photo(candidate),
        status_list=status_list,
        status_index=status_index,
        identity_salt=identity_salt(),
        supersedes=supersedes,
        created_by=user,
    )
    kid, key = signing
    certificate.token = sign_token(kid=kid, key=key, payload=token_payload(certificate))
    return certificate


def _create(
    *,
    organization: EvaluationOrg,
    holder: Holder,
    kind: str,
    issue_date: dt.date,
    actor: Actor,
    result: Result | None = None,
    supersedes: Certificate | None = None,
    holder_name: str | None = None,
    id_number: str | None = None,
) -> Certificate:
    require_level_fits(holder.occupation, holder.level)
    filing_number = _require_issuer(organization, holder, issue_date)
    candidate = holder.candidate
    name = holder_name or candidate.full_name
    id_number = id_number or candidate.id_number
    require_glyphs(name, field="holder_name")
    number = _number(organization, filing_number, holder, issue_date)
    certificate = _certificate_signed(
        number=number,
        kind=kind,
        organization=organization,
        holder=holder,
        issue_date=issue_date,
        status_entry=_next_status_entry(),
        user=actor_user(actor),
        signing=current_signing_key(),
        result=result,
        supersedes=supersedes,
        holder_name=name,
        id_number=id_number,
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise DomainError(
            "certificate.already_issued", "该成绩已发放证书，请勿重复发证", field="result"
        ) from None
    audit_record(
        actor=actor,
        action=f"certificate.{kind}",
        obj=certificate,
        changes={"number": [None, number], "organization": [None, organization.pk]},
    )
    return certificate


def certificate_issue_for(
    *,
    organization: EvaluationOrg,
    holder: Holder,
    actor: Actor,
    result: Result | None = None,
    issue_date: dt.date | None = None,
) -> Certificate:
    """Issue a first certificate. `certificate_issue` (from a registered result) is the
    usual entry; this lower-level call is for the legacy import and for the scoring app."""
    with transaction.atomic():
        return _create(
            organization=organization,
            holder=holder,
            kind=IssueKind.ISSUED,
            issue_date=issue_date or timezone.localdate(),
            actor=actor,
            result=result,
        )


def certificate_issue(
    *, result: Result, actor: Actor, issue_date: dt.date | None = None
) -> Certificate:
    """Issue the certificate for a registered, passing result (scoring.Result), by the staff
    of the organisation that assessed it."""
    if not result_is_registered(result):
        raise DomainError(
            "certificate.result_not_registered",
            "成绩尚未登记备案，不能发证（须经评价机构提交、人社部门确认登记）",
            field="result",
        )
    if not result.passed:
        raise DomainError("certificate.result_not_passed", "该成绩不合格，不能发证", field="result")
    require_issuing_staff(actor, result.organization)
    return certificate_issue_for(
        organization=result.organization,
        holder=_holder_of(result),
        actor=actor,
        result=result,
        issue_date=issue_date,
    )


Skip = dict[str, object]  # {"result": id, "code": ..., "message": ...}: why a result got none


def certificate_issue_or_skip(
    *, result: Result, actor: Actor, issue_date: dt.date | None = None
) -> tuple[Certificate | None, Skip | None]:
    """`certificate_issue` for one result of a batch: the certificate, or the reason (code and
    Chinese message) it was not issued, so that one refusal does not stop the batch."""
    try:
        return certificate_issue(result=result, actor=actor, issue_date=issue_date), None
    except DomainError as exc:
        return None, {"result": result.pk, "code": exc.code, "message": exc.message}


def _next_serials(*, organization: EvaluationOrg, year: int, level: int, count: int) -> range:
    """`count` consecutive serials from the counter in one locked increment."""
    CertificateCounter.objects.get_or_create(organization=organization, year=year, level=level)
    updated = CertificateCounter.objects.filter(
        organization=organization, year=year, level=level
    ).update(last_serial=F("last_serial") + count)
    assert updated == 1
    last = CertificateCounter.objects.values_list("last_serial", flat=True).get(
        organization=organization, year=year, level=level
    )
    return range(last - count + 1, last + 1)


def _next_status_entries(count: int) -> list[tuple[int, int]]:
    """`count` random free bits of the open status lists (`_next_status_entry` for many: the
    bits taken are read once per list, each list's row locked while it is filled)."""
    entries: list[tuple[int, int]] = []
    while len(entries) < count:
        shard = _open_status_list()
        taken = set(
            Certificate.objects.filter(status_list=shard.number).values_list(
                "status_index", flat=True
            )
        )
        wanted = min(count - len(entries), STATUS_LIST_FILL - shard.allocated)
        drawn: list[int] = []
        while len(drawn) < wanted:
            index = secrets.randbelow(STATUS_LIST_BITS)
            if index not in taken:
                taken.add(index)
                drawn.append(index)
        StatusList.objects.filter(number=shard.number).update(allocated=F("allocated") + wanted)
        entries.extend((shard.number, index) for index in drawn)
    return entries


def _bulk_refusal(result: Result, actor: Actor, permits: dict[Any, Any]) -> DomainError | None:
    """Why `certificate_issue` would refuse this result, checked without a query per row
    (`permits` caches each organisation's standing on the day)."""
    if not result_is_registered(result):
        return DomainError(
            "certificate.result_not_registered",
            "成绩尚未登记备案，不能发证（须经评价机构提交、人社部门确认登记）",
            field="result",
        )
    if not result.passed:
        return DomainError(
            "certificate.result_not_passed", "该成绩不合格，不能发证", field="result"
        )
    organization = result.organization
    try:
        if ("staff", organization.pk) not in permits:
            require_issuing_staff(actor, organization)
            permits[("staff", organization.pk)] = True
        require_level_fits(result.occupation, result.level)
        if not organization.filing_number:
            raise DomainError("certificate.org_not_filed", f"{organization.name}尚未备案，不能发证")
        standing = permits.get(("standing", organization.pk))
        if standing is None:
            standing = organization_standing(org=organization, day=permits["day"])
            permits[("standing", organization.pk)] = standing
        organization_permit(
            standing=standing,
            action="issue",
            occupation_id=result.occupation_id,
            level=result.level,
        ).raise_if_refused()
        require_glyphs(result.application.candidate.full_name, field="holder_name")
    except DomainError as exc:
        return exc
    return None


def _bulk_sort(
    results: Sequence[Result], actor: Actor, day: dt.date
) -> tuple[list[Result], list[Skip]]:
    """The results to issue and the skipped ones with their reasons, in primary-key order."""
    permits: dict[Any, Any] = {"day": day}
    skipped: list[Skip] = []
    issuable: list[Result] = []
    for result in sorted(results, key=lambda r: r.pk):
        refusal = _bulk_refusal(result, actor, permits)
        if refusal is None:
            issuable.append(result)
        else:
            skipped.append({"result": result.pk, "code": refusal.code, "message": refusal.message})
    return issuable, skipped


def _bulk_numbers(issuable: list[Result], year: int) -> dict[int, str]:
    """Each result's certificate number by result id: the serials of each organisation's and
    level's counter taken in one increment, the counters in that order."""
    groups: dict[tuple[int, int], list[Result]] = {}
    for result in issuable:
        counter_level = NO_LEVEL_DIGIT if result.level is None else result.level
        groups.setdefault((result.organization_id, counter_level), []).append(result)
    numbers: dict[int, str] = {}
    for (_, counter_level), rows in sorted(groups.items()):
        organization = rows[0].organization
        serials = _next_serials(
            organization=organization, year=year, level=counter_level, count=len(rows)
        )
        for result, serial in zip(rows, serials, strict=True):
            numbers[result.pk] = format_certificate_number(
                filing_number=str(organization.filing_number),
                year=year,
                level=result.level,
                serial=serial,
            )
    return numbers


def _holder_of(result: Result) -> Holder:
    return Holder(
        candidate=result.application.candidate,
        occupation=result.occupation,
        specialty_name=result.specialty.name if result.specialty is not None else "--",
        level=result.level,
    )


def certificates_issue_bulk(
    *, results: Sequence[Result], actor: Actor, issue_date: dt.date | None = None
) -> tuple[list[Certificate], list[Skip]]:
    """`certificate_issue_or_skip` for many results at once (a batch job's chunk, the command
    line): the same checks per result, a refused one skipped with its reason; the rest issued
    in one transaction with their serials taken from each counter in one increment, their
    status-list bits drawn together, the rows inserted in one statement and each certificate's
    `certificate.issued` event (the exchange feed carries one per certificate) chained in one
    insert. All or nothing for the issued ones: a result issued meanwhile by another run
    (the one-certificate-per-result constraint) refuses the whole call with
    `certificate.already_issued`, and the caller issues those results one by one."""
    day = issue_date or timezone.localdate()
    issuable, skipped = _bulk_sort(results, actor, day)
    if not issuable:
        return [], skipped
    signing = current_signing_key()
    user = actor_user(actor)
    with transaction.atomic():
        numbers = _bulk_numbers(issuable, day.year)
        entries = _next_status_entries(len(issuable))
        certificates = [
            _certificate_signed(
                number=numbers[result.pk],
                kind=IssueKind.ISSUED,
                organization=result.organization,
                holder=_holder_of(result),
                issue_date=day,
                status_entry=entry,
                user=user,
                signing=signing,
                result=result,
            )
            for result, entry in zip(issuable, entries, strict=True)
        ]
        try:
            with transaction.atomic():
                Certificate.objects.bulk_create(certificates, batch_size=200)
        except IntegrityError:
            raise DomainError(
                "certificate.already_issued", "该成绩已发放证书，请勿重复发证", field="result"
            ) from None
        audit_record_many(
            actor=actor,
            action=f"certificate.{IssueKind.ISSUED}",
            entries=[
                (c, {"number": [None, c.number], "organization": [None, c.organization_id]})
                for c in certificates
            ],
        )
    return certificates, skipped


def lock_valid(certificate: Certificate, *, doing: str) -> Certificate:
    """The certificate, locked; refused unless it is still valid (`doing` names the change
    refused: 撤销, 补发)."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != CertificateStatus.VALID:
        raise DomainError(
            "certificate.not_valid",
            f"证书 {locked.number} 当前状态为“{locked.get_status_display()}”，不能{doing}",
        )
    return locked


def supersede(
    *,
    certificate: Certificate,
    kind: str,
    reason: str,
    actor: Actor,
    holder_name: str | None = None,
    id_number: str | None = None,
) -> Certificate:
    """A new certificate (new number) replaces a valid one, which becomes superseded."""
    if not reason.strip():
        raise DomainError("certificate.reason_required", "请填写原因", field="reason")
    with transaction.atomic():
        old = lock_valid(certificate, doing=IssueKind(kind).label)
        new = _create(
            organization=old.organization,
            holder=Holder(old.candidate, old.occupation, old.specialty_name, old.level),
            kind=kind,
            issue_date=timezone.localdate(),
            actor=actor,
            result=old.result,
            supersedes=old,
            holder_name=holder_name or old.holder_name,
            id_number=id_number or old.id_number,
        )
        CERTIFICATE.move(
            old,
            CertificateStatus.SUPERSEDED,
            actor=actor,
            action=f"superseded_by_{kind}",
            changes={"superseded_by": [None, new.number], "reason": [None, reason.strip()]},
        )
    return new
