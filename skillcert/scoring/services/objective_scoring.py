"""Objective scoring from answer files: the sealed paper's key, each candidate's objective
score, and the item analysis fed back to the item bank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import transaction

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.itembank.choices import ItemType
from skillcert.itembank.selectors import paper_by_code, paper_is_sealed
from skillcert.itembank.services import (
    ItemStatistics,
    item_contents_read,
    items_statistics_feedback,
)
from skillcert.plans.selectors import plans_offering
from skillcert.scoring import objective
from skillcert.scoring.models import (
    BatchStatus,
    ItemAnalysis,
    PartState,
    Result,
    ResultBatch,
)
from skillcert.scoring.responses import read_responses
from skillcert.scoring.selectors import (
    scoring_rules_for,
)
from skillcert.scoring.services._access import (
    acting_scope,
    forbidden,
)
from skillcert.scoring.services._common import (
    as_score_or_none,
    results_update_by_value,
    theory_from,
)
from skillcert.scoring.services.batches import batch_open

if TYPE_CHECKING:
    from skillcert.itembank.models import Item, Paper


@dataclass
class ScoreReport:
    paper: Paper
    form: str
    max_score: float
    rows: list[tuple[str, float]]  # (candidate id, objective score)
    analysis: objective.Analysis | None
    flagged: list[str] = field(default_factory=list)


def form_letter(paper: Paper) -> str:
    return objective.OPTION_LETTERS[(paper.form_number - 1) % len(objective.OPTION_LETTERS)]


def _key_mask(item_type: str, key: Any) -> int:
    if item_type == ItemType.TRUE_FALSE:
        return 1 if key is True else 2
    if isinstance(key, list):
        return objective.parse_choice("".join(str(k) for k in key))
    return objective.parse_choice(str(key))


def paper_objective_key(*, paper: Paper, actor: Actor) -> tuple[objective.ObjectiveKey, list[Item]]:
    """The sealed paper's objective items in paper order and their key (reading the key is
    logged in the item bank's access log)."""
    if not paper_is_sealed(paper=paper):
        raise DomainError(
            "scoring.paper_not_sealed", f"试卷 {paper.code} 尚未封存，不能评分", field="paper"
        )
    entries = list(paper.paper_items.select_related("item").order_by("position"))
    items = [pi.item for pi in entries if pi.item.item_type in objective.ITEM_TYPES]
    if not items:
        raise DomainError(
            "scoring.no_objective_items", f"试卷 {paper.code} 没有客观题", field="paper"
        )
    contents = item_contents_read(items=items, actor=actor)  # purpose: view (the default)
    offering = paper.blueprint
    rule = scoring_rules_for(occupation_id=offering.occupation_id, level=offering.level)
    key = objective.ObjectiveKey(
        item_ids=tuple(it.code for it in items),
        types=tuple(it.item_type for it in items),
        keys=np.array(
            [_key_mask(it.item_type, contents[it.pk].get("key")) for it in items], dtype=np.uint8
        ),
        scores=np.array([float(it.score) for it in items], dtype=np.float64),
        partial_credit=rule.partial_credit,
        partial_ratio=rule.partial_ratio,
    )
    return key, items


def _open_results_for(paper: Paper, actor: Actor) -> dict[str, Result]:
    """Results, by candidate id, of batches still open for entry whose plan offers the paper's
    occupation and level (batches are opened/synchronised on the way)."""
    bp = paper.blueprint
    plans = plans_offering(occupation_id=bp.occupation_id, level=bp.level).exclude(
        result_batch__status__in=[s for s in BatchStatus.values if s != BatchStatus.ENTERING]
    )
    by_ref: dict[str, Result] = {}
    scope = acting_scope(actor)
    if scope.is_officer:
        plans = plans.filter(scope.region_q("organization__region"))
    else:
        plans = plans.filter(scope.organization_q("organization_id"))
    for plan in plans.distinct().order_by("pk"):
        batch = batch_open(plan=plan, actor=actor)
        for row in Result.objects.filter(
            batch=batch, occupation_id=bp.occupation_id, level=bp.level
        ).select_related("batch"):
            by_ref[row.candidate_ref] = row
    return by_ref


def _objective_record(
    paper: Paper, rows: list[Result], candidate_ids: Sequence[str], totals: np.ndarray
) -> list[Result]:
    """Store each candidate's objective score (locked, in primary-key order); without
    subjective items the theory part is scored at once."""
    has_subjective = paper.paper_items.filter(item__item_type__in=[ItemType.SUBJECTIVE]).exists()
    paper_total = float(paper.total_score)
    locked = {
        r.pk: r
        for r in Result.objects.select_for_update()
        .filter(pk__in=sorted(r.pk for r in rows))
        .order_by("pk")
    }
    updated: list[Result] = []
    for cid, row, total in zip(candidate_ids, rows, totals, strict=True):
        row = locked[row.pk]
        if row.theory_state in (PartState.ABSENT, PartState.VOIDED):
            raise DomainError(
                "responses.absent_candidate",
                f"考生 {cid} 已记录为{PartState(row.theory_state).label}，不能有作答",
                field="file",
            )
        row.theory_objective = as_score_or_none(float(total))
        row.theory_paper = paper
        if not has_subjective:
            row.theory_score = theory_from(row, paper_total, 0.0)
            row.theory_state = PartState.SCORED
        updated.append(row)
    results_update_by_value(
        updated, ["theory_paper_id", "theory_objective", "theory_score", "theory_state"]
    )
    return updated


def _objective_audit(paper: Paper, updated: list[Result], actor: Actor) -> None:
    for batch_id in sorted({r.batch_id for r in updated}):
        audit_record(
            actor=actor,
            action="result.objective",
            obj=ResultBatch.objects.get(pk=batch_id),
            changes={
                "paper": paper.code,
                "scored": sum(1 for r in updated if r.batch_id == batch_id),
            },
        )


def responses_score(
    *, paper_code: str, text: str, actor: Actor, with_analysis: bool = True
) -> ScoreReport:
    """Score an answer file against the sealed paper's key and record each candidate's
    objective score; the whole file is rejected when it does not match the paper."""
    paper = paper_by_code(code=paper_code.strip())
    if paper is None:
        raise DomainError("scoring.paper_unknown", f"没有编号为 {paper_code} 的试卷", field="paper")
    scope = acting_scope(actor)
    if not (scope.is_officer or scope.is_org_staff):
        raise forbidden("只有评价机构或主管部门可以导入作答评分")
    with transaction.atomic():
        key, items = paper_objective_key(paper=paper, actor=actor)
        results = _open_results_for(paper, actor)
        form = form_letter(paper)
        batch_file = read_responses(
            text, form=form, item_count=len(items), known_candidates=frozenset(results)
        )
        totals = objective.score_totals(key, batch_file.responses)
        rows = [results[c] for c in batch_file.candidate_ids]
        updated = _objective_record(paper, rows, batch_file.candidate_ids, totals)
        analysis = None
        flagged: list[str] = []
        if with_analysis and len(batch_file.candidate_ids) >= 2:
            analysis = objective.analyse(key, batch_file.responses, totals)
            flagged = _analysis_store(paper, items, analysis, rows[0].batch, actor)
        _objective_audit(paper, updated, actor)
    return ScoreReport(
        paper,
        form,
        float(key.scores.sum()),
        [(c, float(t)) for c, t in zip(batch_file.candidate_ids, totals, strict=True)],
        analysis,
        flagged,
    )


def _analysis_store(
    paper: Paper, items: list[Item], analysis: objective.Analysis, batch: ResultBatch, actor: Actor
) -> list[str]:
    data = analysis.as_dict()
    ItemAnalysis.objects.create(
        paper=paper,
        batch=batch,
        candidates=analysis.candidates,
        alpha=analysis.alpha,
        mean=analysis.mean,
        std=analysis.std,
        distribution=analysis.distribution,
        items=data["items"],
        flagged=sum(1 for s in analysis.items if s.flags),
        created_by=actor_user(actor),
    )
    by_code = {it.code: it for it in items}
    return items_statistics_feedback(
        stats=[
            ItemStatistics(by_code[s.item_id].pk, s.facility, s.point_biserial, tuple(s.flags))
            for s in analysis.items
        ],
        source=f"试卷 {paper.code} 试题分析",
        actor=actor,
    )
