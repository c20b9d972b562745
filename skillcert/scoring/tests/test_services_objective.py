"""Objective scoring from an answer file: the good path and every way a file is rejected."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.common.errors import DomainError
from skillcert.itembank.models import Item, ItemStatus, PaperStatus
from skillcert.scoring.models import ItemAnalysis, PartState, Result
from skillcert.scoring.services import responses_score

SYSTEM_TEST = SystemActor("test")


def _snapshot() -> list[tuple[Any, ...]]:
    return list(Result.objects.order_by("pk").values_list("theory_objective", "theory_state"))


def test_scores_answer_file_and_feeds_analysis_back_to_the_bank(world: Any) -> None:
    report = responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    scores = dict(report.rows)
    ref = [str(a.pk) for a in world.applications]
    assert scores == {ref[0]: 40.0, ref[1]: 20.0, ref[2]: 30.0, ref[3]: 10.0}
    assert world.result(0).theory_objective == Decimal("40.0")
    # the paper has a subjective item: theory waits for marking
    assert world.result(0).theory_state == PartState.PENDING
    analysis = ItemAnalysis.objects.get()
    assert analysis.candidates == 4 and len(analysis.items) == 4
    first = Item.objects.get(code="S001")
    assert first.difficulty == pytest.approx(0.5)
    assert "S003" in report.flagged  # everyone answered it right: too easy
    assert set(Item.objects.filter(code__in=report.flagged).values_list("status", flat=True)) == {
        ItemStatus.IN_REVIEW
    }


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda w: w.csv(form="B"), "responses.wrong_form"),
        (
            lambda w: w.csv().replace(f"\n{w.applications[2].pk},A", "\n999999,A", 1),
            "responses.unknown_candidate",
        ),
        (
            lambda w: w.csv().replace("candidate_id,form,1,2,3,4", "candidate_id,form,1,2,3"),
            "responses.item_count",
        ),
        (lambda w: w.csv() + w.csv().splitlines()[1] + "\n", "responses.duplicate_candidate"),
        (lambda w: w.csv().replace(",AC,", ",AZ,", 1), "responses.bad_answer"),
        (lambda w: "", "responses.empty"),
    ],
)
def test_rejects_file_that_does_not_match_the_paper(world: Any, mutate: Any, code: str) -> None:
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        responses_score(paper_code="P-HR4-A", text=mutate(world), actor=SYSTEM_TEST)
    assert err.value.code == code
    assert _snapshot() == before
    assert not ItemAnalysis.objects.exists()


def test_rejects_unknown_and_unsealed_papers(world: Any) -> None:
    with pytest.raises(DomainError) as err:
        responses_score(paper_code="NOPE", text=world.csv(), actor=SYSTEM_TEST)
    assert err.value.code == "scoring.paper_unknown"
    type(world.paper).objects.filter(pk=world.paper.pk).update(status=PaperStatus.ASSEMBLED)
    with pytest.raises(DomainError) as err:
        responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    assert err.value.code == "scoring.paper_not_sealed"
    assert _snapshot()[0] == (None, PartState.PENDING)


def test_org_staff_of_another_organisation_cannot_score_our_candidates(world: Any) -> None:
    with pytest.raises(DomainError) as err:
        responses_score(paper_code="P-HR4-A", text=world.csv(), actor=world.personas.clerk_b)
    assert err.value.code == "responses.unknown_candidate"
