"""The pure assembly core: solutions meet the blueprint, infeasible blueprints are explained
with a minimal set of conflicting requirements, bad exchange input is refused by path."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.itembank.assembly import (
    AssemblyInfeasible,
    BankItem,
    Blueprint,
    Cell,
    Form,
    assemble,
    bank_from_json,
    blueprint_from_json,
    diagnose,
    forms_to_json,
    requirements_feasible,
    verify_forms,
)


def _bank(spec, **extra):
    items = []
    for (element, kind), difficulties in spec.items():
        for n, d in enumerate(difficulties):
            item_id = f"{element}-{kind}-{n}"
            items.append(BankItem(item_id, element, kind, d, 1.0, **extra.get(item_id, {})))
    return items


def test_assembles_one_form_meeting_counts_and_difficulty():
    bank = _bank({("A-01", "single"): [0.3, 0.5, 0.7, 0.9], ("B-01", "true_false"): [0.4, 0.6]})
    bp = Blueprint((Cell("A-01", "single", 2), Cell("B-01", "true_false", 1)), 0.5, 0.05)
    [form] = assemble(bank, bp, forms=1, seed=1)
    assert verify_forms(bank, bp, [form]) == []
    assert len(form.items) == 3
    assert abs(form.mean_difficulty - 0.5) <= 0.05


def test_same_seed_gives_same_forms():
    bank = _bank({("A-01", "single"): [0.5 + 0.01 * k for k in range(20)]})
    bp = Blueprint((Cell("A-01", "single", 5),), 0.55, 0.1, max_overlap=2)
    first = assemble(bank, bp, forms=2, seed=7)
    assert first == assemble(bank, bp, forms=2, seed=7)


def test_parallel_forms_respect_overlap_and_exposure():
    bank = _bank({("A-01", "single"): [0.5] * 12})
    worn = {f"A-01-single-{k}": {"exposure": 3} for k in range(4)}
    bank = _bank({("A-01", "single"): [0.5] * 12}, **worn)
    bp = Blueprint((Cell("A-01", "single", 4),), 0.5, 0.01, max_overlap=0, max_exposure=3)
    forms = assemble(bank, bp, forms=2, seed=0)
    assert verify_forms(bank, bp, forms) == []
    used = {i for f in forms for i in f.items}
    assert not used & set(worn)


def test_total_score_is_a_hard_constraint():
    bank = [BankItem(f"I{k}", "A-01", "single", 0.5, 1.0 + (k % 3)) for k in range(9)]
    bp = Blueprint((Cell("A-01", "single", 3),), 0.5, 0.1, total_score=9)
    [form] = assemble(bank, bp)
    assert form.total_score == 9


def test_cell_supply_shortage_is_named_with_counts():
    bank = _bank({("A-03", "single"): [0.5, 0.5, 0.5]})
    bp = Blueprint((Cell("A-03", "single", 5),), 0.5, 0.1)
    with pytest.raises(AssemblyInfeasible) as caught:
        assemble(bank, bp)
    assert caught.value.code == "assembly.infeasible"
    assert caught.value.conflicts[0].code == "assembly.cell_supply"
    assert "要素 A-03 单选需 5 题，可用 3 题" in caught.value.conflicts[0].message


def test_enemy_group_conflict_names_group_and_cell():
    group = {f"B-01-single-{k}": {"enemy_group": "E7"} for k in range(3)}
    bank = _bank({("B-01", "single"): [0.5] * 4, ("A-01", "single"): [0.5] * 5}, **group)
    bp = Blueprint((Cell("A-01", "single", 2), Cell("B-01", "single", 3)), 0.5, 0.1)
    with pytest.raises(AssemblyInfeasible) as caught:
        assemble(bank, bp)
    assert caught.value.code == "assembly.infeasible"
    [conflict] = caught.value.conflicts
    assert set(conflict.requirements) == {"enemy:E7", "cell:B-01|single"}
    assert "敌对组 E7" in conflict.message and "要素 B-01" in conflict.message


def test_difficulty_target_out_of_reach_is_explained():
    bank = _bank({("A-01", "single"): [0.2, 0.3, 0.4]})
    bp = Blueprint((Cell("A-01", "single", 2),), 0.9, 0.05)
    conflicts = diagnose(bank, bp)
    assert conflicts[0].requirements == ("cell:A-01|single", "difficulty")
    assert "平均难度 0.9±0.05" in conflicts[0].message


def test_diagnose_is_empty_for_a_feasible_blueprint():
    bank = _bank({("A-01", "single"): [0.5] * 3})
    assert diagnose(bank, Blueprint((Cell("A-01", "single", 2),), 0.5, 0.0)) == []


def test_rejects_form_count_out_of_range():
    bank = _bank({("A-01", "single"): [0.5] * 3})
    with pytest.raises(DomainError) as caught:
        assemble(bank, Blueprint((Cell("A-01", "single", 1),), 0.5, 0.1), forms=0)
    assert caught.value.code == "assembly.forms"


def test_verify_forms_reports_each_breach():
    bank = _bank(
        {("A-01", "single"): [0.1, 0.9]},
        **{"A-01-single-0": {"enemy_group": "E1"}, "A-01-single-1": {"enemy_group": "E1"}},
    )
    bp = Blueprint((Cell("A-01", "single", 1),), 0.5, 0.1, max_overlap=0)
    forms = [Form(("A-01-single-0", "A-01-single-1"), 0.5, 2), Form(("A-01-single-0",), 0.1, 1)]
    problems = verify_forms(bank, bp, forms)
    assert any("敌对组 E1" in p for p in problems)
    assert any("重复 1 题" in p for p in problems)
    assert any("平均难度 0.100" in p for p in problems)


# --- exchange JSON -----------------------------------------------------------------------------


def test_parses_the_documented_bank_and_blueprint():
    bank = bank_from_json(
        {
            "items": [
                {
                    "id": "I0001",
                    "element": "A-01",
                    "type": "single",
                    "difficulty": 0.55,
                    "score": 1,
                    "enemy_group": "E7",
                    "exposure": 2,
                },
                {"id": "I0002", "element": "A-01", "type": "single", "difficulty": 0.6},
            ]
        }
    )
    assert bank[0] == BankItem("I0001", "A-01", "single", 0.55, 1.0, "E7", 2)
    assert bank[1].enemy_group == "" and bank[1].exposure == 0
    bp = blueprint_from_json(
        {
            "cells": [{"element": "A-01", "type": "single", "count": 5}],
            "difficulty": {"mean": 0.6, "tolerance": 0.05},
            "max_overlap": 10,
            "max_exposure": 5,
        }
    )
    assert bp.item_count == 5 and bp.max_overlap == 10 and bp.max_exposure == 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "items"),
        (
            {"items": [{"id": "I1", "element": "A-01", "type": "single", "difficulty": 1.5}]},
            "items[0].difficulty",
        ),
        (
            {"items": [{"id": "I1", "element": "A-01", "type": "essay", "difficulty": 0.5}]},
            "items[0].type",
        ),
        (
            {
                "items": [
                    {"id": "I1", "element": "A-01", "type": "single", "difficulty": 0.5},
                    {"id": "I1", "element": "A-01", "type": "single", "difficulty": 0.5},
                ]
            },
            "items[1].id",
        ),
        (
            {"items": [{"id": "I1", "element": "A 01", "type": "single", "difficulty": 0.5}]},
            "items[0].element",
        ),
        (
            {
                "items": [
                    {
                        "id": "I1",
                        "element": "A-01",
                        "type": "single",
                        "difficulty": 0.5,
                        "exposure": -1,
                    }
                ]
            },
            "items[0].exposure",
        ),
    ],
)
def test_rejects_bad_bank_rows_by_path(data, field):
    with pytest.raises(DomainError) as caught:
        bank_from_json(data)
    assert caught.value.code == "assembly.bad_input"
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cells": []}, "cells"),
        (
            {
                "cells": [{"element": "A-01", "type": "single", "count": 0}],
                "difficulty": {"mean": 0.5, "tolerance": 0.1},
            },
            "cells[0].count",
        ),
        ({"cells": [{"element": "A-01", "type": "single", "count": 2}]}, "difficulty"),
        (
            {
                "cells": [{"element": "A-01", "type": "single", "count": 2}],
                "difficulty": {"mean": 0.5, "tolerance": 0.1},
                "max_overlap": "3",
            },
            "max_overlap",
        ),
        (
            {
                "cells": [
                    {"element": "A-01", "type": "single", "count": 2},
                    {"element": "A-01", "type": "single", "count": 1},
                ],
                "difficulty": {"mean": 0.5, "tolerance": 0.1},
            },
            "cells[1]",
        ),
    ],
)
def test_rejects_bad_blueprints_by_path(data, field):
    with pytest.raises(DomainError) as caught:
        blueprint_from_json(data)
    assert caught.value.code == "assembly.bad_input"
    assert caught.value.field == field


def test_forms_json_matches_the_contract():
    out = forms_to_json([Form(("I1", "I2"), 0.6, 2.0)])
    assert out["forms"][0]["items"] == ["I1", "I2"]
    assert out["forms"][0]["mean_difficulty"] == 0.6


# --- properties ---------------------------------------------------------------------------------

CELLS = [("A-01", "single"), ("A-02", "single"), ("B-01", "true_false")]


@st.composite
def instances(draw):
    items = []
    for n in range(draw(st.integers(2, 9))):
        element, kind = draw(st.sampled_from(CELLS))
        items.append(
            BankItem(
                f"I{n}",
                element,
                kind,
                draw(st.sampled_from([0.2, 0.4, 0.5, 0.6, 0.8])),
                1.0,
                draw(st.sampled_from(["", "", "E1", "E2"])),
                draw(st.integers(0, 2)),
            )
        )
    used = draw(st.lists(st.sampled_from(CELLS), min_size=1, max_size=3, unique=True))
    cells = tuple(Cell(e, t, draw(st.integers(1, 3))) for e, t in used)
    blueprint = Blueprint(
        cells,
        draw(st.sampled_from([0.4, 0.5, 0.6])),
        draw(st.sampled_from([0.0, 0.05, 0.2])),
        max_overlap=draw(st.sampled_from([None, 0, 1])),
        max_exposure=draw(st.sampled_from([None, 2, 3])),
    )
    return items, blueprint, draw(st.integers(1, 2))


def _brute_force_feasible(bank, bp, forms):
    """Every combination of per-form item sets, checked by `verify_forms` (tiny banks only)."""
    per_form = list(itertools.combinations([it.id for it in bank], bp.item_count))
    for combo in itertools.product(per_form, repeat=forms):
        candidate = [
            Form(
                tuple(ids),
                sum(next(i.difficulty for i in bank if i.id == x) for x in ids) / len(ids),
                0,
            )
            for ids in combo
        ]
        if not verify_forms(bank, bp, candidate):
            return True
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 5))
def test_every_solution_meets_the_blueprint_and_infeasibility_is_real(instance, seed):
    bank, bp, forms = instance
    try:
        result = assemble(bank, bp, forms=forms, seed=seed)
    except AssemblyInfeasible as exc:
        assert exc.conflicts and all(c.message for c in exc.conflicts)
        assert not _brute_force_feasible(bank, bp, forms)
        for conflict in exc.conflicts:
            if conflict.code != "assembly.conflict":
                continue
            groups = list(conflict.requirements)
            assert not requirements_feasible(bank, bp, groups, forms=forms)
            for dropped in groups:  # minimal: without any one of them the rest can be met
                rest = [g for g in groups if g != dropped]
                assert requirements_feasible(bank, bp, rest, forms=forms)
    else:
        assert len(result) == forms
        assert verify_forms(bank, bp, result) == []
