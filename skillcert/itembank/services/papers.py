"""Papers: assembly from a blueprint, sealing, the two-person release, download and use.
Every paper belongs to its blueprint's bank; only that bank's managers handle it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.audit.lifecycle import Lifecycle
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.middleware import client_ip_var
from skillcert.itembank import assembly, vault
from skillcert.itembank.models import (
    PAPER_TRANSITIONS,
    AccessPurpose,
    AssemblyBlueprint,
    Item,
    ItemStatus,
    Paper,
    PaperAccessLog,
    PaperAction,
    PaperItem,
    PaperStatus,
)
from skillcert.itembank.paper_pdf import render_paper_pdf
from skillcert.itembank.permits import BankAction, bank_may
from skillcert.itembank.services._guards import (
    PAPER_LABELS,
    acting_person,
    forbidden,
    lock_paper,
)
from skillcert.itembank.services.items import item_contents_read
from skillcert.occupations.selectors import elements_of_occupation

if TYPE_CHECKING:
    from skillcert.accounts.models import User

RELEASE_APPROVALS = 2
# assembled → sealed → released → used. The release itself (the second of two
# confirmations) is recorded by `paper_release_approve` as one audit row with both.
PAPER_LIFECYCLE = Lifecycle("paper", PAPER_TRANSITIONS, PAPER_LABELS)


def _cell_element_of(element_codes: set[str], parents: dict[str, str], code: str) -> str | None:
    """The blueprint cell element an item's element belongs to: itself or its nearest
    ancestor named in the blueprint."""
    seen = set()
    while code and code not in seen:
        if code in element_codes:
            return code
        seen.add(code)
        code = parents.get(code, "")
    return None


def bank_for_blueprint(*, blueprint: AssemblyBlueprint) -> list[assembly.BankItem]:
    """The active items of the blueprint's own bank, occupation and level as plain data for
    the assembly core (metadata only: no content is read). Never another owner's items."""
    cell_elements = {c["element"] for c in blueprint.cells}
    parents = dict(
        elements_of_occupation(occupation_id=blueprint.occupation_id).values_list(
            "code", "parent__code"
        )
    )
    parents = {k: v or "" for k, v in parents.items()}
    rows = Item.objects.filter(
        bank_id=blueprint.bank_id,
        occupation_id=blueprint.occupation_id,
        level=blueprint.level,
        status=ItemStatus.ACTIVE,
    ).values_list(
        "code", "element__code", "item_type", "difficulty", "score", "enemy_group", "exposure_count"
    )
    bank = []
    for code, element, item_type, difficulty, score, enemy, exposure in rows:
        cell_element = _cell_element_of(cell_elements, parents, element)
        if cell_element is None:
            continue
        bank.append(
            assembly.BankItem(
                code, cell_element, item_type, difficulty, float(score), enemy, exposure
            )
        )
    return bank


def _papers_store(
    *, blueprint: AssemblyBlueprint, result: list[assembly.Form], seed: int, user: User
) -> list[Paper]:
    """One paper per assembled form, each with its items at their current versions; the
    blueprint's row lock numbers the batch."""
    codes = {code for form in result for code in form.items}
    items = {
        it.code: it
        for it in Item.objects.filter(
            bank_id=blueprint.bank_id, occupation_id=blueprint.occupation_id, code__in=codes
        ).only("pk", "code", "version")
    }
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    batch = AssemblyBlueprint.objects.select_for_update().get(pk=blueprint.pk).papers.count()
    papers: list[Paper] = []
    for n, form in enumerate(result, start=1):
        paper = Paper.objects.create(
            bank_id=blueprint.bank_id,
            blueprint=blueprint,
            code=f"P{blueprint.pk}-{stamp}-{batch + n:03d}",
            form_number=n,
            seed=seed,
            mean_difficulty=form.mean_difficulty,
            total_score=Decimal(str(form.total_score)).quantize(Decimal("0.01")),
            created_by=user,
        )
        PaperItem.objects.bulk_create(
            [
                PaperItem(paper=paper, item=items[c], item_version=items[c].version, position=pos)
                for pos, c in enumerate(form.items, start=1)
            ]
        )
        papers.append(paper)
    return papers


def paper_assemble(
    *,
    blueprint: AssemblyBlueprint,
    forms: int,
    seed: int,
    actor: Actor,
    time_limit: float = assembly.DEFAULT_TIME_LIMIT,
) -> list[Paper]:
    """Assemble `forms` parallel papers from the active items; raises AssemblyInfeasible
    (code assembly.infeasible, with the conflicts) when the blueprint cannot be met."""
    user = acting_person(actor)
    if not bank_may(user, blueprint.bank, BankAction.MANAGE, occupation_id=blueprint.occupation_id):
        raise forbidden("只有该题库该职业的题库管理员可以组卷")
    bank = bank_for_blueprint(blueprint=blueprint)
    result = assembly.assemble(
        bank,
        assembly.blueprint_from_json(blueprint.as_json()),
        forms=forms,
        seed=seed,
        time_limit=time_limit,
    )
    with transaction.atomic():
        papers = _papers_store(blueprint=blueprint, result=result, seed=seed, user=user)
        audit_record(
            actor=user,
            action="paper.assemble",
            obj=blueprint,
            changes={"forms": forms, "seed": seed, "papers": [p.code for p in papers]},
        )
    return papers


def _paper_digest(paper: Paper, entries: list[tuple[PaperItem, Item]]) -> str:
    canonical = json.dumps(
        {
            "paper": paper.code,
            "items": [
                {
                    "code": it.code,
                    "version": pi.item_version,
                    "type": it.item_type,
                    "score": str(it.score),
                    "content": it.content,
                }
                for pi, it in entries
            ],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def paper_seal(*, paper: Paper, release_at: dt.datetime, actor: Actor) -> Paper:
    """Lock a paper: record the hash of its items' content, render booklet + answer sheet +
    key to PDF and store it encrypted until `release_at`."""
    user = acting_person(actor)
    if timezone.is_naive(release_at):
        raise DomainError("paper.release_naive", "启封时间须带时区", field="release_at")
    with transaction.atomic():
        paper = _lock_paper_for(
            paper, user, BankAction.MANAGE, "只有该题库的题库管理员可以封存试卷"
        )
        PAPER_LIFECYCLE.check(paper.status, PaperStatus.SEALED)
        entries = [
            (pi, pi.item) for pi in paper.paper_items.select_related("item").order_by("position")
        ]
        stale = [it.code for pi, it in entries if it.version != pi.item_version]
        if stale:
            raise DomainError("paper.items_changed", f"组卷后试题已修改：{', '.join(stale[:10])}")
        item_contents_read(items=[it for _, it in entries], actor=user, purpose=AccessPurpose.SEAL)
        bp = paper.blueprint
        pdf = render_paper_pdf(
            code=paper.code,
            title=f"{bp.occupation.name} {bp.get_level_display()} 理论知识试卷",
            total=f"{paper.total_score:g}",
            items=[(it.item_type, f"{it.score:g}", it.content) for _, it in entries],
        )
        paper.content_hash = _paper_digest(paper, entries)
        paper.sealed_pdf = vault.seal_bytes(pdf, context=paper.code)
        paper.release_at = release_at
        paper.sealed_at = timezone.now()
        PAPER_LIFECYCLE.move(
            paper,
            PaperStatus.SEALED,
            actor=user,
            action="seal",
            update_fields=("content_hash", "sealed_pdf", "release_at", "sealed_at"),
            changes={"hash": paper.content_hash, "release_at": release_at},
        )
    return paper


def _paper_may(user: User, paper: Paper, action: str) -> bool:
    return bank_may(user, paper.bank, action, occupation_id=paper.blueprint.occupation_id)


def _lock_paper_for(paper: Paper, user: User, action: str, refusal: str) -> Paper:
    """The paper, locked; refused (`refusal`) unless the user may take `action` on it."""
    paper = lock_paper(paper)
    if not _paper_may(user, paper, action):
        raise forbidden(refusal)
    return paper


def _paper_log(paper: Paper, user: User, action: str) -> None:
    PaperAccessLog.objects.create(
        paper=paper,
        user=user,
        action=action,
        at=timezone.now(),
        ip=(client_ip_var.get() or "")[:64],
    )


def paper_release_approve(*, paper: Paper, actor: Actor) -> Paper:
    """One of the two authorised people of the paper's owner confirms the release; with the
    second confirmation (a different person) at or after the release time, the paper is
    released. Only confirmations by people still authorised for the bank count, so one given
    before a role was withdrawn cannot stand in for a second person."""
    user = acting_person(actor)
    with transaction.atomic():
        paper = _lock_paper_for(
            paper, user, BankAction.RELEASE, "只有该题库的题库管理员可以启封试卷"
        )
        PAPER_LIFECYCLE.check(paper.status, PaperStatus.RELEASED)
        now = timezone.now()
        if paper.release_at is None or now < paper.release_at:
            raise DomainError(
                "paper.too_early",
                f"未到启封时间（{timezone.localtime(paper.release_at):%Y-%m-%d %H:%M}）"
                if paper.release_at
                else "未设置启封时间",
            )
        approvals = paper.access_logs.filter(action=PaperAction.RELEASE_APPROVE)
        if approvals.filter(user=user).exists():
            raise DomainError("paper.already_approved", "您已确认过启封，须由另一名授权人员确认")
        _paper_log(paper, user, PaperAction.RELEASE_APPROVE)
        approvers = {user.pk: user}
        for log in approvals.exclude(user=user).select_related("user"):
            approvers[log.user_id] = log.user
        count = sum(_paper_may(u, paper, BankAction.RELEASE) for u in approvers.values())
        changes: dict[str, Any] = {"approvals": count}
        if count >= RELEASE_APPROVALS:
            paper.status = PaperStatus.RELEASED
            paper.released_at = now
            paper.save(update_fields=["status", "released_at"])
            _paper_log(paper, user, PaperAction.RELEASE)
            changes["status"] = [PaperStatus.SEALED, PaperStatus.RELEASED]
        audit_record(actor=user, action="paper.release_approve", obj=paper, changes=changes)
    return paper


def paper_download(*, paper: Paper, actor: Actor) -> bytes:
    """The released paper's PDF, after checking the stored hash still matches its items."""
    user = acting_person(actor)
    with transaction.atomic():
        paper = _lock_paper_for(
            paper, user, BankAction.DOWNLOAD, "只有该题库的题库管理员可以下载试卷"
        )
        if paper.status not in (PaperStatus.RELEASED, PaperStatus.USED):
            raise DomainError("paper.not_released", "试卷尚未启封，不能下载")
        entries = [
            (pi, pi.item) for pi in paper.paper_items.select_related("item").order_by("position")
        ]
        if _paper_digest(paper, entries) != paper.content_hash:
            raise DomainError("paper.hash_mismatch", "试卷内容与封存哈希不一致，可能已被篡改")
        pdf = vault.open_bytes(bytes(paper.sealed_pdf), context=paper.code)
        _paper_log(paper, user, PaperAction.DOWNLOAD)
        audit_record(actor=user, action="paper.download", obj=paper)
    return pdf


def paper_mark_used(*, paper: Paper, actor: Actor) -> Paper:
    """The paper was administered: it cannot be used again and each item's exposure rises."""
    user = acting_person(actor)
    with transaction.atomic():
        paper = _lock_paper_for(
            paper, user, BankAction.MANAGE, "只有该题库的题库管理员可以登记试卷使用"
        )
        item_ids = sorted(paper.paper_items.values_list("item_id", flat=True))
        paper.used_at = timezone.now()
        PAPER_LIFECYCLE.move(
            paper,
            PaperStatus.USED,
            actor=user,
            action="use",
            update_fields=("used_at",),
            changes={"items": len(item_ids)},
        )
        Item.objects.filter(pk__in=item_ids).update(exposure_count=F("exposure_count") + 1)
    return paper
