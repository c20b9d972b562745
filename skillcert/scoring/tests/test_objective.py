import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skillcert.common.errors import DomainError
from skillcert.scoring.objective import (
    ObjectiveKey,
    analyse,
    format_choice,
    item_scores,
    parse_choice,
    score_totals,
)


def _key(partial=False):
    return ObjectiveKey(
        item_ids=("1", "2", "3"),
        types=("single", "multiple", "true_false"),
        keys=np.array([parse_choice("B"), parse_choice("ACD"), parse_choice("对")], dtype=np.uint8),
        scores=np.array([1.0, 2.0, 1.0]),
        partial_credit=partial,
        partial_ratio=0.5,
    )


def test_choice_encoding_round_trips():
    assert parse_choice("acd") == 0b1101
    assert format_choice(0b1101) == "ACD"
    assert parse_choice("") == 0
    assert parse_choice("错") == parse_choice("F") == 2
    with pytest.raises(ValueError, match="Z"):
        parse_choice("Z")


def test_all_or_nothing_for_multiple_choice():
    responses = np.array(
        [[parse_choice("B"), parse_choice("ACD"), 1], [parse_choice("B"), parse_choice("AC"), 2]],
        dtype=np.uint8,
    )
    assert score_totals(_key(), responses).tolist() == [4.0, 1.0]


def test_partial_credit_only_when_no_wrong_option_is_chosen():
    responses = np.array(
        [[0, parse_choice("AC"), 0], [0, parse_choice("AB"), 0], [0, 0, 0]], dtype=np.uint8
    )
    assert item_scores(_key(partial=True), responses)[:, 1].tolist() == [1.0, 0.0, 0.0]


def test_key_with_mismatched_shapes_is_rejected():
    with pytest.raises(DomainError) as err:
        ObjectiveKey(("1",), ("single", "single"), np.array([1], dtype=np.uint8), np.array([1.0]))
    assert err.value.code == "scoring.key_shape"


def test_item_analysis_flags_items_that_do_not_discriminate():
    rng = np.random.default_rng(3)
    n, k = 2000, 10
    keys = np.ones(k, dtype=np.uint8)
    key = ObjectiveKey(tuple(str(i) for i in range(k)), ("single",) * k, keys, np.ones(k))
    ability = rng.random(n)
    correct = rng.random((n, k)) < (0.2 + 0.7 * ability[:, None])
    correct[:, 9] = rng.random(n) < 0.5  # item 10 is a coin toss: no discrimination
    correct[:, 8] = True  # item 9 everyone gets right
    responses = np.where(correct, 1, 2).astype(np.uint8)
    analysis = analyse(key, responses, score_totals(key, responses))
    by_id = {s.item_id: s for s in analysis.items}
    assert "low_discrimination" in by_id["9"].flags
    assert "too_easy" in by_id["8"].flags
    assert by_id["0"].point_biserial > 0.2
    assert by_id["0"].upper_lower > 0.2
    assert 0 < analysis.alpha < 1
    assert sum(analysis.distribution.values()) == n
    assert by_id["0"].option_counts["A"] + by_id["0"].option_counts["B"] == n


def test_analysis_needs_at_least_two_candidates():
    key = _key()
    responses = np.zeros((1, 3), dtype=np.uint8)
    with pytest.raises(DomainError) as exc:
        analyse(key, responses, score_totals(key, responses))
    assert exc.value.code == "scoring.too_few"


@settings(max_examples=50, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 40), st.just(3)), elements=st.integers(0, 15)))
def test_scores_stay_between_zero_and_the_maximum_and_chunks_do_not_matter(responses):
    key = _key(partial=True)
    totals = score_totals(key, responses)
    assert np.all(totals >= 0)
    assert np.all(totals <= key.scores.sum())
    row_by_row = np.array(
        [score_totals(key, responses[i : i + 1])[0] for i in range(len(responses))]
    )
    assert np.allclose(totals, row_by_row)
