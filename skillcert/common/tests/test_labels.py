"""The registry of Chinese names: every audit action the code writes has one, and a code
nobody named is never shown raw."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from skillcert.common.labels import UNKNOWN, codes_labelled, is_labelled, label_for

PRODUCT = Path(__file__).resolve().parents[2]
# `action="plan.sampling_set"` in product code (tests write made-up actions of their own).
LITERAL_ACTION = re.compile(r'action="([a-z_]+\.[a-z_]+)"')


def _written_actions() -> set[str]:
    found: set[str] = set()
    for path in PRODUCT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(LITERAL_ACTION.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_audit_action_written_by_the_code_has_a_chinese_name() -> None:
    actions = _written_actions()
    assert len(actions) > 100
    assert sorted(a for a in actions if not is_labelled(a)) == []


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("roster.import", "导入考生花名册"),
        ("plan.sampling_set", "设置抽样比例"),
        ("application.org_approve", "初审通过"),  # from the applications transition table
        ("org.suspended", "暂停认定"),  # from the organisation event kinds
        ("generic-2018/4/b", "四级/中级工申报条件第2条"),  # an eligibility clause
        ("examiner-2021/c", "资格条件第3条"),  # a personnel qualification clause
    ],
)
def test_registered_codes_read_in_chinese(code: str, name: str) -> None:
    assert label_for(code) == name


def test_namespaced_status_reads_its_own_lifecycle() -> None:
    assert label_for("received", "status.complaint") == "已收到，待分办"
    assert label_for("submitted", "status.registration") == "已报名，待单位推荐"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("plan.session_shuffle", f"评价计划：{UNKNOWN}"),  # its prefix names it
        ("plan.withdraw", "评价计划：撤回"),  # prefix and known words
        ("nothing.known_here", UNKNOWN),
        ("x", UNKNOWN),
    ],
)
def test_unregistered_code_is_never_shown_raw(code: str, name: str) -> None:
    assert label_for(code) == name


def test_chinese_text_numbers_and_empty_values_pass_through() -> None:
    assert label_for("已办结") == "已办结"
    assert label_for("2026") == "2026"
    assert label_for(None) == ""
    assert label_for("") == ""


def test_search_by_chinese_name_finds_the_codes() -> None:
    assert "plan.sampling_set" in codes_labelled("抽样比例")


def test_template_filter_and_transition_tag() -> None:
    template = Template(
        '{% load labels %}{{ code|label }}|{{ s|label:"status.complaint" }}|'
        '{% transition "" "received" "status.complaint" %}'
    )
    html = template.render(Context({"code": "roster.import", "s": "concluded"}))
    assert html == "导入考生花名册|已办结|— → 已收到，待分办"
