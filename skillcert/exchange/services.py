"""Writes of the exchange: registering peers, building signed batches of our feed, pushing
them, and applying the batches peers send here to the aggregated registry.

ID numbers travel in full (the national registry checks holders by them) over an
authenticated, signed channel; they are stored encrypted and never written to the audit
trail, a log line or an error message (docs/formats/exchange.md, "Personal data")."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record, audited_create
from skillcert.certificates.keys import current_signing_key
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.pii import pii_digest
from skillcert.exchange.choices import DeliveryStatus, PeerRole, RegistryStatus
from skillcert.exchange.core import (
    FORMAT,
    MAX_ENTRIES,
    BatchHeader,
    batch_check,
    batch_digest,
    batch_sign,
    batch_verify,
    jwks_public_keys,
)
from skillcert.exchange.models import (
    Delivery,
    Peer,
    ReceivedBatch,
    ReceivedCertificate,
    ReceivedEntry,
    ReceivedOrganization,
    ReceivedResult,
)
from skillcert.exchange.selectors import (
    feed_page,
    installation_id,
    installation_province,
    peer_by_installation,
)

logger = logging.getLogger(__name__)

FEED_LIMIT_DEFAULT = 500
# Pauses before the 2nd, 3rd … attempt of a delivery; after the last it is given up.
PUSH_BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
PUSH_TIMEOUT_SECONDS = 30


def _require_province_officer(actor: Actor) -> None:
    if not actor_scope(actor).is_province_officer:
        raise Forbidden("exchange.forbidden", "只有省级人社部门可以管理数据交换")


# --- peers -------------------------------------------------------------------------------------


def _keys_fetch(url: str) -> dict[str, Any]:
    """A peer's published keys.json."""
    try:
        with urllib.request.urlopen(url, timeout=PUSH_TIMEOUT_SECONDS) as answer:  # noqa: S310 - an officer-entered https URL
            data = json.loads(answer.read(1_000_000))
    except (OSError, ValueError) as exc:
        raise DomainError(
            "exchange.keys_unreachable", f"无法读取对端公钥集：{exc}"[:200], field="keys_url"
        ) from None
    return data if isinstance(data, dict) else {}


def peer_register(
    *,
    name: str,
    installation: str,
    province: str,
    role: str,
    actor: Actor,
    url: str = "",
    public_keys: dict[str, Any] | None = None,
    keys_url: str = "",
    token: str = "",
    account: Any = None,
) -> Peer:
    """Register another installation. Its keys come as a JWKS or from its keys.json URL
    and are checked now, so a batch is never verified against a malformed key."""
    _require_province_officer(actor)
    name, installation, province = name.strip(), installation.strip(), province.strip()
    if not name or len(name) > 100:
        raise DomainError("exchange.peer_name", "请填写对端名称（不超过100个字）", field="name")
    if not installation or len(installation) > 200:
        raise DomainError("exchange.peer_installation", "请填写对端安装标识", field="installation")
    if not (len(province) == 2 and province.isdigit()):
        raise DomainError("exchange.peer_province", "省份代码应为两位数字", field="province")
    if role not in PeerRole.values:
        raise DomainError("exchange.peer_role", "对端角色无效", field="role")
    if url and not url.startswith(("https://", "http://")):
        raise DomainError("exchange.peer_url", "接收地址应以 https:// 开头", field="url")
    if public_keys is None and keys_url:
        public_keys = _keys_fetch(keys_url)
    if public_keys is None:
        raise DomainError("exchange.keys_invalid", "请提供对端公钥集或其地址", field="keys")
    jwks_public_keys(public_keys)
    return audited_create(
        Peer,
        actor=actor,
        action="exchange.peer_register",
        changes={"installation": [None, installation], "role": [None, role]},
        clash=DomainError(
            "exchange.peer_exists", f"安装标识 {installation} 已登记", field="installation"
        ),
        name=name,
        installation=installation,
        province=province,
        role=role,
        url=url,
        public_keys=public_keys,
        keys_url=keys_url,
        token=token,
        account=account,
    )


# --- building batches of our feed -------------------------------------------------------------


def batch_build(
    *, after: int, limit: int = FEED_LIMIT_DEFAULT, through: int | None = None
) -> dict[str, Any]:
    """The signed batch of our feed after the cursor `after` (and up to `through`, when
    given). Reading only: the same call gives the same entries, each with its entity's
    current record."""
    if after < 0:
        raise DomainError("exchange.cursor_invalid", "游标（after）应为非负整数", field="after")
    if not 1 <= limit <= MAX_ENTRIES:
        raise DomainError(
            "exchange.limit_invalid", f"每批条数（limit）应为 1–{MAX_ENTRIES}", field="limit"
        )
    page = feed_page(after=after, limit=limit, through=through)
    body = {
        "format": FORMAT,
        "installation": installation_id(),
        "province": installation_province(),
        "after": page.after,
        "next": page.next,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "entries": page.entries,
    }
    kid, key = current_signing_key()
    return batch_sign(body, kid=kid, key=key)


# --- receiving ---------------------------------------------------------------------------------


def _text(record: dict[str, Any], key: str, sequence: int, limit: int) -> str:
    value = record.get(key)
    if not isinstance(value, str) or len(value) > limit:
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的记录字段 {key} 缺失或超长",
            field=f"entries.{sequence}.{key}",
        )
    return value


def _level(record: dict[str, Any], sequence: int, *, optional: bool = False) -> int | None:
    level = record.get("level")
    if level is None and optional:  # a 专项职业能力证书 has no level
        return None
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的记录字段 level 应为 1–5",
            field=f"entries.{sequence}.level",
        )
    return level


def _day(value: Any, sequence: int, key: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的记录字段 {key} 不是日期",
            field=f"entries.{sequence}.{key}",
        ) from None


def _moment(value: Any, sequence: int, key: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的记录字段 {key} 应为带时区的时间",
            field=f"entries.{sequence}.{key}",
        )
    return moment


def _newer(model: type[Any], lookup: dict[str, Any], sequence: int, values: dict[str, Any]) -> None:
    """Create the registry row, or update it when this entry is newer than what it holds:
    a late, older entry of an overlapping batch does not roll a revocation back."""
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        model.objects.create(**lookup, **values, sequence=sequence)
    elif row.sequence < sequence:
        for key, value in values.items():
            setattr(row, key, value)
        row.sequence = sequence
        row.save()


def _apply_organization(peer: Peer, province: str, sequence: int, r: dict[str, Any]) -> str:
    number = _text(r, "filing_number", sequence, 13)
    scope = r.get("scope")
    if not isinstance(scope, list):
        scope = []
    owner = ReceivedOrganization.objects.filter(filing_number=number).exclude(peer=peer).exists()
    if owner:
        raise DomainError(
            "exchange.number_clash",
            f"序号 {sequence}：备案编号 {number} 已由其他对端报送",
            field=f"entries.{sequence}.filing_number",
        )
    _newer(
        ReceivedOrganization,
        {"filing_number": number},
        sequence,
        {
            "peer": peer,
            "province": province,
            "uscc": _text(r, "uscc", sequence, 18),
            "name": _text(r, "name", sequence, 200),
            "region_code": _text(r, "region_code", sequence, 12),
            "status": _text(r, "status", sequence, 16),
            "valid_from": _day(r.get("valid_from"), sequence, "valid_from"),
            "valid_until": _day(r.get("valid_until"), sequence, "valid_until"),
            "scope": scope,
        },
    )
    return number


def _apply_result_batch(peer: Peer, province: str, sequence: int, r: dict[str, Any]) -> str:
    plan = _text(r, "plan", sequence, 64)
    filing_number = _text(r, "filing_number", sequence, 13)
    results = r.get("results")
    if not isinstance(results, list):
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的记录缺少成绩列表（results）",
            field=f"entries.{sequence}.results",
        )
    for item in results:
        if not isinstance(item, dict):
            raise DomainError(
                "exchange.entry_invalid",
                f"序号 {sequence} 的成绩列表含非对象的项",
                field=f"entries.{sequence}.results",
            )
        id_number = _text(item, "id_number", sequence, 40)
        _newer(
            ReceivedResult,
            {
                "peer": peer,
                "plan": plan,
                "candidate_ref": _text(item, "candidate_ref", sequence, 20),
            },
            sequence,
            {
                "province": province,
                "filing_number": filing_number,
                "holder_name": _text(item, "holder_name", sequence, 50),
                "id_type": _text(item, "id_type", sequence, 20),
                "id_number": id_number,
                "id_number_digest": pii_digest(id_number),
                "occupation_code": _text(item, "occupation_code", sequence, 20),
                "occupation_name": _text(item, "occupation_name", sequence, 100),
                "level": _level(item, sequence, optional=True),
                "score": _text(item, "score", sequence, 8),
                "passed": bool(item.get("passed")),
                "registered_at": _moment(item.get("registered_at"), sequence, "registered_at"),
            },
        )
    return plan


def _apply_certificate(peer: Peer, province: str, sequence: int, r: dict[str, Any]) -> str:
    number = _text(r, "number", sequence, 22).upper()
    status = _text(r, "status", sequence, 16)
    if status not in RegistryStatus.values:
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的证书状态（status）无效",
            field=f"entries.{sequence}.status",
        )
    if ReceivedCertificate.objects.filter(number=number).exclude(peer=peer).exists():
        raise DomainError(
            "exchange.number_clash",
            f"序号 {sequence}：证书编号 {number} 已由其他对端报送",
            field=f"entries.{sequence}.number",
        )
    id_number = _text(r, "id_number", sequence, 40)
    issue_date = _day(r.get("issue_date"), sequence, "issue_date")
    if issue_date is None:
        raise DomainError(
            "exchange.entry_invalid",
            f"序号 {sequence} 的证书缺少发证日期（issue_date）",
            field=f"entries.{sequence}.issue_date",
        )
    _newer(
        ReceivedCertificate,
        {"number": number},
        sequence,
        {
            "peer": peer,
            "province": province,
            "kind": _text(r, "kind", sequence, 16),
            "status": status,
            "holder_name": _text(r, "holder_name", sequence, 50),
            "id_type": _text(r, "id_type", sequence, 20),
            "id_number": id_number,
            "id_number_digest": pii_digest(id_number),
            "occupation_name": _text(r, "occupation_name", sequence, 100),
            "specialty_name": _text(r, "specialty_name", sequence, 100),
            "level": _level(r, sequence, optional=True),
            "level_text": _text(r, "level_text", sequence, 20),
            "organization_name": _text(r, "organization_name", sequence, 200),
            "filing_number": _text(r, "filing_number", sequence, 13),
            "issue_date": issue_date,
            "supersedes": _text(r, "supersedes", sequence, 22),
            "superseded_by": _text(r, "superseded_by", sequence, 22),
            "revoked_at": _moment(r.get("revoked_at"), sequence, "revoked_at"),
            "revoke_reason": _text(r, "revoke_reason", sequence, 200),
        },
    )
    return number


_APPLY = {
    "organization": _apply_organization,
    "result_batch": _apply_result_batch,
    "certificate": _apply_certificate,
}


def _batch_sender(document: Any, header: BatchHeader, sender: Peer | None) -> Peer:
    """The registered peer that sent and signed the batch; refused when it is unknown, is
    not the authenticated caller, names another province, or the signature fails."""
    peer = peer_by_installation(header.installation)
    if peer is None:
        raise DomainError(
            "exchange.peer_unknown",
            f"发送方 {header.installation[:80]} 未登记为交换对端",
            field="installation",
        )
    if sender is not None and sender.pk != peer.pk:
        raise Forbidden("exchange.peer_mismatch", "交换批次的发送方与调用接口的对端不一致")
    if header.province != peer.province:
        raise DomainError(
            "exchange.province_mismatch",
            f"交换批次的省份代码 {header.province} 与对端登记的 {peer.province} 不一致",
            field="province",
        )
    if not batch_verify(document, public_keys=jwks_public_keys(peer.public_keys)):
        raise DomainError(
            "exchange.signature_invalid",
            f"交换批次的签名无法用对端“{peer.name}”登记的公钥验证（内容被改动或密钥不符）",
            field="signature",
        )
    return peer


def _entries_apply(
    peer: Peer, province: str, fresh: list[dict[str, Any]], receipt: ReceivedBatch
) -> None:
    """Apply each new entry to the registry and note it as received with the batch."""
    for entry in fresh:
        key = _APPLY[entry["type"]](peer, province, entry["sequence"], entry["record"])
        try:
            with transaction.atomic():
                ReceivedEntry.objects.create(
                    peer=peer,
                    sequence=entry["sequence"],
                    type=entry["type"],
                    event=str(entry["event"])[:64],
                    key=key[:64],
                    batch=receipt,
                )
        except IntegrityError:
            # The same batch arriving twice at once: the other import applied it.
            raise DomainError(
                "exchange.concurrent_import", "同一批次正在被另一请求接收，请稍后重试"
            ) from None


def batch_import(*, document: Any, actor: Actor, sender: Peer | None = None) -> ReceivedBatch:
    """Verify a peer's batch and apply its new entries, all or nothing. `sender` is the
    peer the API caller authenticated as: the batch must be its own. Entries already applied
    (a re-delivery, an overlapping batch) are passed over; the receipt says how many were new."""
    header = batch_check(document)
    peer = _batch_sender(document, header, sender)
    with transaction.atomic():
        seen = set(
            ReceivedEntry.objects.filter(
                peer=peer, sequence__in=[e["sequence"] for e in header.entries]
            ).values_list("sequence", flat=True)
        )
        fresh = [e for e in header.entries if e["sequence"] not in seen]
        receipt = ReceivedBatch.objects.create(
            peer=peer,
            after=header.after,
            next=header.next,
            digest=batch_digest(document),
            entries=len(header.entries),
            applied=len(fresh),
            received_by=actor_user(actor),
        )
        _entries_apply(peer, header.province, fresh, receipt)
        # Counts and cursors only: the entries hold ID numbers, which the trail never does.
        audit_record(
            actor=actor,
            action="exchange.batch_import",
            obj=receipt,
            changes={
                "peer": peer.installation,
                "after": header.after,
                "next": header.next,
                "entries": len(header.entries),
                "applied": len(fresh),
            },
        )
    return receipt


# --- pushing -----------------------------------------------------------------------------------


def _post(peer: Peer, document: dict[str, Any]) -> None:
    """POST the batch to the peer's /api/v1/exchange/batches; an answer other than 2xx is
    an error (its body's code, never the batch's content, goes into the message)."""
    request = urllib.request.Request(  # noqa: S310 - an officer-entered https URL
        peer.url,
        data=json.dumps(document, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {peer.token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=PUSH_TIMEOUT_SECONDS) as answer:  # noqa: S310
            answer.read(10_000)
    except urllib.error.HTTPError as exc:
        body = exc.read(2000).decode("utf-8", "replace")
        raise DomainError(
            "exchange.push_refused", f"对端拒收（HTTP {exc.code}）：{body[:200]}"
        ) from None
    except OSError as exc:
        raise DomainError("exchange.push_unreachable", f"无法连接对端：{exc}"[:250]) from None


def delivery_attempt(*, delivery: Delivery, actor: Actor) -> Delivery:
    """One attempt of a pending delivery: the batch is rebuilt from the cursor (the same
    entries, each with its entity's current record) and posted. On success the peer's cursor
    moves on; on failure the next attempt waits by PUSH_BACKOFF, then the delivery is given up."""
    peer = delivery.peer
    document = batch_build(after=delivery.after, limit=MAX_ENTRIES, through=delivery.next)
    now = timezone.now()
    try:
        _post(peer, document)
    except DomainError as exc:
        attempts = delivery.attempts + 1
        gave_up = attempts > len(PUSH_BACKOFF)
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_error=exc.message[:300],
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            next_attempt_at=None if gave_up else now + PUSH_BACKOFF[attempts - 1],
        )
        logger.warning("exchange push to %s failed: %s", peer.installation, exc.code)
    else:
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                attempts=delivery.attempts + 1,
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                last_error="",
                next_attempt_at=None,
            )
            Peer.objects.filter(pk=peer.pk, pushed_through__lt=delivery.next).update(
                pushed_through=delivery.next
            )
            audit_record(
                actor=actor,
                action="exchange.push",
                obj=delivery,
                changes={"peer": peer.installation, "after": delivery.after, "next": delivery.next},
            )
    delivery.refresh_from_db()
    return delivery


def peer_push(*, peer: Peer, actor: Actor, limit: int = FEED_LIMIT_DEFAULT) -> Delivery | None:
    """Push the peer's next batch: retry its pending delivery when due, else start one after
    its acknowledged cursor. None when nothing is due or there is nothing new."""
    now = timezone.now()
    pending = Delivery.objects.filter(peer=peer, status=DeliveryStatus.PENDING).first()
    if pending is not None:
        if pending.next_attempt_at is not None and pending.next_attempt_at > now:
            return None
        return delivery_attempt(delivery=pending, actor=actor)
    page = feed_page(after=peer.pushed_through, limit=limit)
    if page.next == peer.pushed_through:
        return None
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                peer=peer, after=page.after, next=page.next, entries=len(page.entries)
            )
    except IntegrityError:
        return None  # another round started this peer's delivery a moment ago
    return delivery_attempt(delivery=delivery, actor=actor)
