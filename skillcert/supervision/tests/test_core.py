from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.supervision import core

rates = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1), places=3)
pools = st.lists(st.integers(min_value=1, max_value=10_000), max_size=60)


@given(pool=pools, rate=rates, seed=st.text(max_size=12))
def test_draw_is_reproducible_sized_and_within_the_pool(pool, rate, seed):
    picked = core.draw_objects(pool, rate, seed)
    assert picked == core.draw_objects(list(reversed(pool)), rate, seed)
    assert set(picked) <= set(pool)
    assert len(picked) == len(set(picked)) == core.sample_size(len(set(pool)), rate)
    if pool:
        assert picked


def test_full_rate_takes_everyone_and_seed_changes_a_partial_draw():
    pool = list(range(1, 101))
    assert core.draw_objects(pool, Decimal(1), "x") == pool
    draws = {tuple(core.draw_objects(pool, Decimal("0.1"), str(s))) for s in range(10)}
    assert len(draws) > 1


@pytest.mark.parametrize("rate", [Decimal(0), Decimal("-0.1"), Decimal("1.01")])
def test_rate_outside_0_1_is_refused(rate):
    with pytest.raises(DomainError) as exc:
        core.draw_objects([1, 2], rate, "s")
    assert exc.value.code == "supervision.rate_invalid"


@given(
    eligible=st.dictionaries(
        st.integers(1, 50), st.lists(st.integers(1, 8), max_size=6), max_size=20
    ),
    seed=st.text(max_size=8),
)
def test_inspectors_come_from_each_targets_eligible_list_and_spread(eligible, seed):
    assigned = core.draw_inspectors(eligible, seed)
    assert assigned == core.draw_inspectors(eligible, seed)
    for target, person in assigned.items():
        if eligible[target]:
            assert person in eligible[target]
        else:
            assert person is None
    # with the same pool for every target, loads differ by at most one
    same = {t: [1, 2, 3] for t in eligible}
    loads = list(core.draw_inspectors(same, seed).values())
    counts = [loads.count(p) for p in (1, 2, 3)]
    if loads:
        assert max(counts) - min(counts) <= 1


def test_checklist_apply_refuses_unknown_items_and_results():
    checklist = [{"code": "a", "title": "甲", "result": "", "note": ""}]
    with pytest.raises(DomainError) as exc:
        core.checklist_apply(checklist, {"zz": ("yes", "")})
    assert exc.value.code == "supervision.checklist_unknown_item"
    with pytest.raises(DomainError) as exc:
        core.checklist_apply(checklist, {"a": ("maybe", "")})
    assert exc.value.code == "supervision.checklist_result_invalid"
    assert core.checklist_apply(checklist, {"a": ("no", " 缺 ")})[0] == {
        "code": "a",
        "title": "甲",
        "result": "no",
        "note": "缺",
    }


@given(
    results=st.lists(st.sampled_from(["yes", "no", "na"]), max_size=10),
    severities=st.lists(st.sampled_from(["minor", "major", "serious"]), max_size=4),
)
def test_rating_floor_never_rates_a_visit_with_problems_excellent(results, severities):
    checklist = [{"code": str(i), "title": str(i), "result": r} for i, r in enumerate(results)]
    floor = core.rating_floor(checklist, severities)
    if "serious" in severities:
        assert floor == "fail"
    if severities or "no" in results:
        assert floor != "excellent"
    assert core.rating_allowed("fail", floor)
    assert core.rating_allowed(floor, floor)
