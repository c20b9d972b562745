"""Reads of the exchange: this installation's feed (built from the audit trail), peers,
deliveries and the aggregated registry.

The feed's sequence is the audit event's id. Every audited write appends its event under a
lock on the chain head held until the write commits, so ids become visible in increasing
order with no gaps filled in later: a cursor never skips an event (docs/formats/exchange.md)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from skillcert.accounts.actors import TASK, actor_scope
from skillcert.accounts.scope import Scope
from skillcert.audit.selectors import audit_events
from skillcert.certificates.keys import issuer_did
from skillcert.certificates.selectors import certificates_all
from skillcert.common.pii import pii_digest
from skillcert.exchange.choices import DeliveryStatus
from skillcert.exchange.models import (
    Delivery,
    Peer,
    ReceivedBatch,
    ReceivedCertificate,
    ReceivedOrganization,
    ReceivedResult,
)
from skillcert.organizations.selectors import org_scopes_active, organizations_visible
from skillcert.scoring.selectors import results_all

if TYPE_CHECKING:
    from skillcert.accounts.models import User

# What the feed carries, by the audited object's type: the audit actions that make an entry.
CERTIFICATE_EVENTS = (
    "certificate.issued",
    "certificate.reissued",
    "certificate.corrected",
    "certificate.revoke",
    "certificate.superseded_by_reissued",
    "certificate.superseded_by_corrected",
)
RESULT_EVENTS = ("result_batch.register",)
ORG_TYPE = "organizations.evaluationorg"
CERTIFICATE_TYPE = "certificates.certificate"
RESULT_BATCH_TYPE = "scoring.resultbatch"
FEED_LIMIT_MAX = 1000


def installation_id() -> str:
    """This installation's name in the exchange: SKILLCERT_INSTALLATION, or its issuer
    identifier (did:web of its public address), which is unique per installation."""
    return os.environ.get("SKILLCERT_INSTALLATION", "").strip() or issuer_did()


def installation_province() -> str:
    return str(settings.SKILLCERT_PROVINCE)


def _relevant(after: int) -> QuerySet[Any]:
    events = audit_events(scope=actor_scope(TASK)).filter(id__gt=after)
    return events.filter(
        Q(object_type=CERTIFICATE_TYPE, action__in=CERTIFICATE_EVENTS)
        | Q(object_type=RESULT_BATCH_TYPE, action__in=RESULT_EVENTS)
        | Q(object_type=ORG_TYPE, action__startswith="org.")
    )


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _organization_records(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    orgs = organizations_visible(scope=actor_scope(TASK)).filter(
        pk__in=sorted(set(ids)), filing_number__isnull=False
    )
    scopes: dict[int, list[dict[str, Any]]] = {}
    for row in org_scopes_active(organization_ids=[o.pk for o in orgs]):
        scopes.setdefault(row.org_id, []).append(
            {
                "occupation_code": row.occupation.code,
                "occupation_name": row.occupation.name,
                "level": row.level,
            }
        )
    return {
        org.pk: {
            "filing_number": org.filing_number,
            "uscc": org.uscc,
            "name": org.name,
            "region_code": org.region.code,
            "status": org.status,
            "valid_from": _date(org.valid_from),
            "valid_until": _date(org.valid_until),
            "scope": scopes.get(org.pk, []),
        }
        for org in orgs
    }


def _result_records(batch_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    results = (
        results_all()
        .filter(batch_id__in=sorted(set(batch_ids)), status="registered")
        .select_related("batch__plan", "organization", "occupation", "application__candidate")
        .order_by("batch_id", "candidate_ref")
    )
    records: dict[int, dict[str, Any]] = {}
    for result in results:
        record = records.setdefault(
            result.batch_id,
            {
                "plan": result.batch.plan.code,
                "filing_number": result.organization.filing_number or "",
                "organization_name": result.organization.name,
                "results": [],
            },
        )
        candidate = result.application.candidate
        record["results"].append(
            {
                "candidate_ref": result.candidate_ref,
                "holder_name": candidate.full_name,
                "id_type": "居民身份证",
                "id_number": candidate.id_number,
                "occupation_code": result.occupation.code,
                "occupation_name": result.occupation.name,
                "level": result.level,
                "score": "" if result.weighted_score is None else str(result.weighted_score),
                "passed": result.passed,
                "registered_at": _moment(result.registered_at),
            }
        )
    return records


def _certificate_records(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    certificates = (
        certificates_all()
        .filter(pk__in=sorted(set(ids)))
        .select_related("organization", "supersedes", "superseded_by")
    )
    records = {}
    for c in certificates:
        superseded_by = getattr(c, "superseded_by", None)
        records[c.pk] = {
            "number": c.number,
            "kind": c.kind,
            "status": c.status,
            "holder_name": c.holder_name,
            "id_type": c.id_type,
            "id_number": c.id_number,
            "occupation_name": c.occupation_name,
            "specialty_name": c.specialty_name,
            "level": c.level,
            "level_text": c.level_text,
            "organization_name": c.organization_name,
            "filing_number": c.number[:13],
            "issue_date": c.issue_date.isoformat(),
            "supersedes": c.supersedes.number if c.supersedes else "",
            "superseded_by": superseded_by.number if superseded_by else "",
            "revoked_at": _moment(c.revoked_at),
            "revoke_reason": c.revoke_reason,
        }
    return records


_TYPES = {
    ORG_TYPE: ("organization", _organization_records),
    RESULT_BATCH_TYPE: ("result_batch", _result_records),
    CERTIFICATE_TYPE: ("certificate", _certificate_records),
}


@dataclass(frozen=True)
class FeedPage:
    after: int
    next: int
    entries: list[dict[str, Any]]


def feed_page(*, after: int, limit: int, through: int | None = None) -> FeedPage:
    """Up to `limit` entries of the feed after the cursor `after`, each with the entity's
    current exchange record. An event whose entity carries nothing to exchange (an
    organisation never filed) is passed over; `next` still moves past it."""
    relevant = _relevant(after)
    if through is not None:
        relevant = relevant.filter(id__lte=through)
    events = list(
        relevant.order_by("id").values("id", "action", "object_type", "object_id")[:limit]
    )
    ids: dict[str, list[int]] = {}
    for event in events:
        if event["object_id"].isdigit():
            ids.setdefault(event["object_type"], []).append(int(event["object_id"]))
    records = {kind: _TYPES[kind][1](pks) for kind, pks in ids.items()}
    entries = []
    for event in events:
        kind = event["object_type"]
        object_id = event["object_id"]
        record = records.get(kind, {}).get(int(object_id)) if object_id.isdigit() else None
        if record is None:
            continue
        entries.append(
            {
                "sequence": event["id"],
                "type": _TYPES[kind][0],
                "event": event["action"],
                "record": record,
            }
        )
    last = events[-1]["id"] if events else after
    if through is not None and len(events) < limit:
        last = max(last, through)
    return FeedPage(after=after, next=last, entries=entries)


def feed_has_more(*, after: int) -> bool:
    return _relevant(after).exists()


# --- peers and deliveries ----------------------------------------------------------------------


def peer_of_account(user: User | Any) -> Peer | None:
    """The active peer whose account this is (API callers of the exchange)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Peer.objects.filter(account_id=user.pk, active=True).first()


def peer_by_installation(installation: str) -> Peer | None:
    return Peer.objects.filter(installation=installation, active=True).first()


def peers_visible(*, scope: Scope) -> QuerySet[Peer]:
    """Peers are the province's business: province officers see them, nobody else."""
    if not scope.is_province_officer:
        return Peer.objects.none()
    return Peer.objects.order_by("name")


def peers_to_push() -> QuerySet[Peer]:
    return Peer.objects.filter(active=True).exclude(url="").order_by("pk")


def push_due(*, now: dt.datetime) -> bool:
    """A push round has work: a pending delivery whose backoff is over, or a peer without a
    pending delivery that has not yet been sent the feed's newest entry."""
    peers = peers_to_push()
    pending = Delivery.objects.filter(peer__in=peers, status=DeliveryStatus.PENDING)
    if pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).exists():
        return True
    waiting = peers.exclude(pk__in=pending.values("peer_id"))
    lowest = waiting.aggregate(lowest=Min("pushed_through"))["lowest"]
    return lowest is not None and feed_has_more(after=lowest)


def deliveries_visible(*, scope: Scope) -> QuerySet[Delivery]:
    if not scope.is_province_officer:
        return Delivery.objects.none()
    return Delivery.objects.select_related("peer").order_by("-id")


def batches_received_visible(*, scope: Scope) -> QuerySet[ReceivedBatch]:
    if not scope.is_province_officer:
        return ReceivedBatch.objects.none()
    return ReceivedBatch.objects.select_related("peer").order_by("-id")


# --- the aggregated registry -------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryAnswer:
    number: str
    status: str
    province: str
    holder_name: str
    occupation_name: str
    level_text: str
    organization_name: str
    issue_date: str
    superseded_by: str


def registry_certificate_verify(*, number: str, id_number: str = "") -> RegistryAnswer | None:
    """The registry's answer for a certificate number from any contributing province, or
    None. With `id_number`, only when the holder's ID number matches too (compared by its
    keyed digest; the number itself is never shown)."""
    rows = ReceivedCertificate.objects.filter(number=number.strip().upper())
    if id_number:
        rows = rows.filter(id_number_digest=pii_digest(id_number.strip().upper()))
    row = rows.first()
    if row is None:
        return None
    return RegistryAnswer(
        number=row.number,
        status=row.status,
        province=row.province,
        holder_name=row.holder_name,
        occupation_name=row.occupation_name,
        level_text=row.level_text,
        organization_name=row.organization_name,
        issue_date=row.issue_date.isoformat(),
        superseded_by=row.superseded_by,
    )


def registry_counts() -> dict[str, int]:
    """Rows in the aggregated registry (the round-trip test and the officer page)."""
    return {
        "organizations": ReceivedOrganization.objects.count(),
        "results": ReceivedResult.objects.count(),
        "certificates": ReceivedCertificate.objects.count(),
        "revoked": ReceivedCertificate.objects.filter(status="revoked").count(),
    }
