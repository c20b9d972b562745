import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.scoring.rules import (
    DROP_HIGH_LOW,
    MEAN,
    double_marking,
    enterprise_evaluation,
    pass_decision,
    practical_final,
    round_score,
)


def test_close_double_marks_average():
    assert double_marking([18, 16], threshold=3).final == 17.0


def test_far_apart_marks_need_a_third_marker_then_take_the_closest_pair():
    assert double_marking([18, 10], threshold=3).status == "needs_third"
    result = double_marking([18, 10, 17], threshold=3)
    assert (result.status, result.final) == ("final", 17.5)
    assert double_marking([18, 10, 4], threshold=3).status == "needs_arbitration"


def test_practical_needs_an_odd_number_of_at_least_three():
    for marks in ([70, 80], [70, 80, 90, 60]):
        with pytest.raises(DomainError) as err:
            practical_final(marks, rule=MEAN)
        assert err.value.code == "marking.examiner_count"


def test_practical_rules():
    assert practical_final([70, 80, 90], rule=MEAN) == 80.0
    assert practical_final([10, 70, 80, 90, 100], rule=DROP_HIGH_LOW) == 80.0
    with pytest.raises(DomainError) as exc:
        practical_final([70, 80, 90], rule=DROP_HIGH_LOW)
    assert exc.value.code == "marking.drop_needs_five"
    with pytest.raises(DomainError) as exc:
        practical_final([70, 80, 101], rule=MEAN)
    assert exc.value.code == "marking.out_of_range"


def test_levels_two_and_one_also_need_the_panel_review():
    assert pass_decision(level=3, scores={"theory": 60, "practical": 75}).passed
    decision = pass_decision(level=2, scores={"theory": 60, "practical": 75})
    assert decision.missing_parts == ("panel",)
    decision = pass_decision(level=2, scores={"theory": 59.9, "practical": 75, "panel": 80})
    assert decision.failed_parts == ("theory",)


def test_exempt_theory_is_not_required():
    assert pass_decision(level=2, scores={"practical": 75, "panel": 70}, exempt=("theory",)).passed


def test_conduct_is_a_veto_in_enterprise_evaluation():
    weights = {"品德": 0.2, "职业能力": 0.4, "工作业绩": 0.3, "社会贡献": 0.1}
    high = {"职业能力": 95, "工作业绩": 95, "社会贡献": 95}
    assert not enterprise_evaluation(scores=high | {"品德": 50}, weights=weights).passed
    assert enterprise_evaluation(scores=high | {"品德": 80}, weights=weights).passed
    with pytest.raises(DomainError) as exc:
        enterprise_evaluation(scores=high | {"品德": 80}, weights=weights | {"品德": 0.5})
    assert exc.value.code == "enterprise.weights"


@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=9).filter(
        lambda m: len(m) % 2 == 1
    )
)
@example([0.95, 0.95, 0.95])  # float addition gives 0.9499…, which once rounded down to 0.9
def test_practical_final_lies_between_the_lowest_and_highest_mark(marks):
    final = practical_final(marks, rule=MEAN)
    assert round_score(min(marks)) <= final <= round_score(max(marks))


@given(st.lists(st.integers(1, 40), min_size=1, max_size=9, unique=True))
def test_panel_composition_accepts_only_odd_sizes_of_at_least_three(members):
    from skillcert.scoring.rules import panel_composition

    ok = len(members) >= 3 and len(members) % 2 == 1
    if ok:
        panel_composition(members)
    else:
        with pytest.raises(DomainError) as err:
            panel_composition(members)
        assert err.value.code == "panel.size"


def test_panel_must_rotate_at_least_half():
    from skillcert.scoring.rules import panel_composition

    panel_composition([1, 2, 6], previous=[1, 4, 5])
    with pytest.raises(DomainError) as err:
        panel_composition([1, 2, 3], previous=[1, 2, 5])
    assert err.value.code == "panel.rotation"
