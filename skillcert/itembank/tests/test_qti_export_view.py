"""The QTI package downloaded from the item list carries each item's own partial-credit rule:
an independent QTI scorer (test_qti_scoring.QtiScorer) gives every response the score the
platform's scoring core gives it, with the rule the platform scores that item's paper by."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from skillcert.common.errors import DomainError
from skillcert.itembank.models import Item, ItemBankRole, ItemBankRoleKind
from skillcert.itembank.qti import items_to_qti_package
from skillcert.itembank.tests.test_qti_scoring import _items
from skillcert.occupations.models import Element, Standard
from skillcert.scoring.models import StandardScoring
from skillcert.scoring.objective import ObjectiveKey, item_scores, parse_choice
from skillcert.scoring.selectors import scoring_rules_for

pytestmark = pytest.mark.django_db


def _multiple(bank, n: int, *, occupation, element: Element, actor, key: list[str]) -> Item:
    return bank.choice(
        n,
        occupation=occupation,
        element=element,
        item_type="multiple",
        content={"stem": f"多选题{n}", "options": ["甲", "乙", "丙", "丁", "戊"], "key": key},
        score=2,
        actor=actor,
    )


def _platform_score(item: Item, response: str) -> float:
    """What the platform gives `response` on `item` (scoring.objective with the rules that
    `paper_objective_key` reads for the item's occupation and level)."""
    rules = scoring_rules_for(occupation_id=item.occupation_id, level=item.level)
    key = ObjectiveKey(
        item_ids=(item.code,),
        types=(item.item_type,),
        keys=np.array([parse_choice("".join(item.content["key"]))], dtype=np.uint8),
        scores=np.array([float(item.score)]),
        partial_credit=rules.partial_credit,
        partial_ratio=rules.partial_ratio,
    )
    return float(item_scores(key, np.array([[parse_choice(response)]], dtype=np.uint8))[0, 0])


@pytest.fixture
def two_standards(bank):
    """Multiple-choice items of two occupations whose standards score partial credit
    differently (half, a quarter), both exportable by one manager."""
    other_standard = Standard.objects.get(occupation=bank.other_occupation)
    StandardScoring.objects.create(
        standard=bank.standard, partial_credit=True, partial_ratio=Decimal("0.5")
    )
    StandardScoring.objects.create(
        standard=other_standard, partial_credit=True, partial_ratio=Decimal("0.25")
    )
    other_element = Element.objects.create(
        standard=other_standard, code="A-01", name="劳动关系要素", position=1
    )
    ItemBankRole.objects.create(
        user=bank.manager,
        bank=bank.item_bank,
        occupation=bank.other_occupation,
        role=ItemBankRoleKind.MANAGER,
    )
    half = _multiple(
        bank,
        1,
        occupation=bank.occupation,
        element=bank.elements["A-01"],
        actor=bank.setter,
        key=["A", "C", "D"],
    )
    quarter = _multiple(
        bank,
        2,
        occupation=bank.other_occupation,
        element=other_element,
        actor=bank.outsider_manager,
        key=["B", "E"],
    )
    return half, quarter


def test_exported_multiple_choice_scores_like_the_platform_with_each_standards_ratio(
    bank, personas, two_standards
):
    half, quarter = two_standards
    response = personas.client_for(bank.manager).get("/itembank/", {"export": "qti"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    scorers = _items(response.content)
    assert set(scorers) == {half.code, quarter.code}
    for item in (half, quarter):
        key = "".join(item.content["key"])
        wrong = next(letter for letter in "ABCDE" if letter not in key)
        # every option ticked, the key, a correct subset, a subset with a wrong option, none
        for chosen in ("ABCDE", key, key[:1], key[:1] + wrong, ""):
            qti = scorers[item.code].score(set(chosen))
            assert qti == pytest.approx(_platform_score(item, chosen), abs=1e-6), (
                item.code,
                chosen,
            )
    # ticking every option earns nothing; a correct subset earns its own standard's share
    assert scorers[half.code].score(set("ABCDE")) == 0.0
    assert scorers[quarter.code].score(set("ABCDE")) == 0.0
    assert scorers[half.code].score({"A"}) == pytest.approx(1.0)
    assert scorers[quarter.code].score({"B"}) == pytest.approx(0.5)


def test_a_standard_without_partial_credit_exports_all_or_nothing(bank, personas):
    StandardScoring.objects.create(standard=bank.standard, partial_credit=False)
    item = _multiple(
        bank,
        3,
        occupation=bank.occupation,
        element=bank.elements["A-01"],
        actor=bank.setter,
        key=["A", "C"],
    )
    response = personas.client_for(bank.manager).get("/itembank/", {"export": "qti"})
    scorer = _items(response.content)[item.code]
    for chosen in ("A", "AC", "ABCDE"):
        assert scorer.score(set(chosen)) == _platform_score(item, chosen)
    assert scorer.score({"A"}) == 0.0 and scorer.score({"A", "C"}) == 2.0


def test_a_row_ratio_outside_zero_to_one_is_refused_naming_the_item():
    row = {
        "code": "M9",
        "item_type": "multiple",
        "content": {"stem": "题干", "options": [], "key": ["A", "B"]},
        "score": Decimal("2"),
        "level": 3,
        "element": "A-01",
        "difficulty": 0.5,
        "enemy_group": "",
        "partial_ratio": Decimal("1.5"),
    }
    with pytest.raises(DomainError) as caught:
        items_to_qti_package([row])
    assert caught.value.code == "scoring.partial_ratio"
    assert "M9" in caught.value.message
