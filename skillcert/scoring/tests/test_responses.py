import pytest

from skillcert.common.errors import DomainError
from skillcert.scoring.objective import parse_choice
from skillcert.scoring.responses import read_responses

GOOD = "candidate_id,form,1,2,3\nT001,A,B,ACD,对\nT002,A,C,,错\n\n"


def test_reads_a_matching_file():
    batch = read_responses(
        GOOD, form="A", item_count=3, known_candidates=frozenset({"T001", "T002"})
    )
    assert batch.candidate_ids == ["T001", "T002"]
    assert batch.responses.tolist() == [[parse_choice("B"), parse_choice("ACD"), 1], [4, 0, 2]]


@pytest.mark.parametrize(
    ("text", "kwargs", "code"),
    [
        ("candidate_id,form,1,2\nT001,A,B,A\n", {}, "responses.item_count"),
        ("candidate_id,form,1,2,3\nT001,B,B,A,对\n", {}, "responses.wrong_form"),
        (
            "candidate_id,form,1,2,3\nT009,A,B,A,对\n",
            {"known_candidates": frozenset({"T001"})},
            "responses.unknown_candidate",
        ),
        (
            "candidate_id,form,1,2,3\nT001,A,B,A,对\nT001,A,B,A,对\n",
            {},
            "responses.duplicate_candidate",
        ),
        ("candidate_id,form,1,2,3\nT001,A,B,Q,对\n", {}, "responses.bad_answer"),
        ("candidate_id,form,1,2,3\nT001,A,B,A\n", {}, "responses.item_count"),
        ("", {}, "responses.empty"),
        ("id,form,1,2,3\n", {}, "responses.header"),
    ],
)
def test_a_file_that_does_not_match_the_paper_is_rejected_whole(text, kwargs, code):
    with pytest.raises(DomainError) as err:
        read_responses(text, form="A", item_count=3, **kwargs)
    assert err.value.code == code
    assert err.value.message
