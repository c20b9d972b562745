"""The review history names each step in Chinese, never by its transition code."""

from __future__ import annotations

from skillcert.applications.models import ReviewEvent


def test_history_rows_show_the_chinese_step_name():
    assert ReviewEvent(transition="submit").transition_label == "提交申报"
    assert ReviewEvent(transition="city_sampled").transition_label == "抽中复审"


def test_an_unknown_step_code_is_shown_as_it_is():
    assert ReviewEvent(transition="legacy_step").transition_label == "legacy_step"


def test_bulk_approval_audit_label_fits_the_object_id_column():
    from skillcert.applications.services import _ids_label

    label = _ids_label(list(range(100_000, 100_050)), limit=64)
    assert len(label) <= 64 and label.endswith("…") and label.startswith("100000,100001")
    assert _ids_label([1, 2, 3], limit=64) == "1,2,3"
