import datetime as dt

import pytest
import yaml

from skillcert.eligibility import engine
from skillcert.eligibility.engine import (
    Education,
    HeldCertificate,
    Profile,
    Title,
    WorkPeriod,
    add_months,
    evaluate,
)
from skillcert.eligibility.schema import parse_rule_set_document
from skillcert.eligibility.tests.rulesets import GENERIC, OVERRIDE

D = dt.date


def clause(decision, clause_id):
    return next(c for c in decision.clauses if c.id == clause_id)


def test_contract_example_matches_clause_3a():
    profile = Profile(
        work=(WorkPeriod(D(2015, 7, 1), None, True),),
        certificates=(HeldCertificate(4, D(2020, 6, 30), True),),
        education=(Education("大专", True, D(2014, 6, 30)),),
    )
    decision = evaluate(GENERIC, 3, profile, D(2026, 11, 23))
    assert decision.eligible
    assert decision.matched_clause == "generic-2018/3/a"
    assert decision.version == 1
    assert [c.id for c in decision.clauses] == [
        "generic-2018/3/a",
        "generic-2018/3/b",
        "generic-2018/3/c",
    ]


def test_unmet_work_after_certificate_is_stated_with_numbers():
    profile = Profile(
        work=(WorkPeriod(D(2010, 1, 1), None, True),),
        certificates=(HeldCertificate(4, D(2022, 9, 1), True),),
    )
    decision = evaluate(GENERIC, 3, profile, D(2025, 11, 15))
    assert not decision.eligible
    assert decision.matched_clause is None
    assert clause(decision, "generic-2018/3/a").unmet == (
        "需取得四级证书后累计从事本职业或相关职业工作满5年，申报人为3年2个月",
    )


def test_years_are_met_on_the_anniversary_inclusive():
    profile = Profile(work=(WorkPeriod(D(2019, 3, 1), None, True),))
    assert evaluate(GENERIC, 4, profile, D(2025, 3, 1)).matched_clause == "generic-2018/4/b"
    day_before = evaluate(GENERIC, 4, profile, D(2025, 2, 28))
    assert not day_before.eligible
    assert clause(day_before, "generic-2018/4/b").unmet == (
        "需累计从事本职业或相关职业工作满6年，申报人为5年11个月",
    )


def test_overlapping_periods_are_counted_once():
    overlapping = Profile(
        work=(
            WorkPeriod(D(2020, 1, 1), D(2023, 1, 1), True),
            WorkPeriod(D(2021, 1, 1), D(2024, 1, 1), True),
        )
    )
    decision = evaluate(GENERIC, 4, overlapping, D(2030, 1, 1))
    assert clause(decision, "generic-2018/4/b").unmet == (
        "需累计从事本职业或相关职业工作满6年，申报人为4年",
    )


def test_unrelated_work_does_not_count():
    profile = Profile(work=(WorkPeriod(D(2000, 1, 1), None, False),))
    assert not evaluate(GENERIC, 5, profile, D(2025, 1, 1)).eligible


def test_only_work_after_the_certificate_counts():
    profile = Profile(
        work=(WorkPeriod(D(2000, 1, 1), None, True),),
        certificates=(HeldCertificate(2, D(2021, 1, 1), True),),
    )
    decision = evaluate(GENERIC, 1, profile, D(2024, 6, 1))
    assert clause(decision, "generic-2018/1/a").unmet == (
        "需取得二级证书后累计从事本职业或相关职业工作满4年，申报人为3年5个月",
    )
    assert evaluate(GENERIC, 1, profile, D(2025, 1, 1)).matched_clause == "generic-2018/1/a"


def test_higher_certificate_satisfies_lower_requirement():
    profile = Profile(
        work=(WorkPeriod(D(2010, 1, 1), None, True),),
        certificates=(HeldCertificate(2, D(2015, 1, 1), True),),
    )
    assert evaluate(GENERIC, 3, profile, D(2025, 1, 1)).matched_clause == "generic-2018/3/a"


def test_unrelated_certificate_is_reported_as_unrelated():
    profile = Profile(certificates=(HeldCertificate(4, D(2015, 1, 1), False),))
    decision = evaluate(GENERIC, 3, profile, D(2025, 1, 1))
    assert clause(decision, "generic-2018/3/a").unmet[0].endswith("申报人所持证书与本职业无关")


def test_current_year_graduate_counts_only_where_the_clause_says_so():
    student = Profile(education=(Education("技工学校", True, D(2026, 6, 30)),))
    assert evaluate(GENERIC, 4, student, D(2026, 3, 1)).matched_clause == "generic-2018/4/c"
    assert not evaluate(GENERIC, 4, student, D(2025, 12, 31)).eligible
    unrelated = Profile(education=(Education("技工学校", False, D(2020, 6, 30)),))
    assert not evaluate(GENERIC, 4, unrelated, D(2026, 3, 1)).eligible


def test_apprenticeship_clause():
    assert evaluate(
        GENERIC, 5, Profile(apprenticeship_completed=True), D(2025, 1, 1)
    ).matched_clause == ("generic-2018/5/b")


def test_leap_day_start_reaches_a_year_on_28_february():
    assert add_months(D(2020, 2, 29), 12) == D(2021, 2, 28)
    profile = Profile(work=(WorkPeriod(D(2020, 2, 29), None, True),))
    assert evaluate(GENERIC, 5, profile, D(2021, 2, 28)).eligible
    assert not evaluate(GENERIC, 5, profile, D(2021, 2, 27)).eligible


def test_future_periods_and_certificates_do_not_count_yet():
    profile = Profile(
        work=(WorkPeriod(D(2030, 1, 1), None, True),),
        certificates=(HeldCertificate(4, D(2030, 1, 1), True),),
    )
    decision = evaluate(GENERIC, 3, profile, D(2026, 1, 1))
    assert not decision.eligible
    assert clause(decision, "generic-2018/3/a").unmet[0].endswith("申报人未取得")


def test_province_override_adds_a_clause_with_exemption():
    rules = engine.compose(GENERIC, [(OVERRIDE.code, OVERRIDE.version, OVERRIDE.clauses)])
    economist = Profile(titles=(Title("中级", D(2020, 1, 1), "经济师", True),))
    decision = evaluate(rules, 2, economist, D(2026, 1, 1))
    assert decision.matched_clause == "js-hr-economist/2/z"
    assert decision.exempt == ("theory",)
    assert decision.overrides == ("js-hr-economist@1",)
    accountant = Profile(titles=(Title("中级", D(2020, 1, 1), "会计师", True),))
    assert not evaluate(rules, 2, accountant, D(2026, 1, 1)).eligible
    assert not evaluate(GENERIC, 2, economist, D(2026, 1, 1)).eligible


def test_override_can_replace_a_base_clause():
    _, replacement = parse_rule_set_document(
        yaml.safe_load(
            """
code: x-short
title: 缩短年限
extends: generic-2018
province: "32"
clauses:
  - {level: 4, letter: a, text: 五级后2年, replaces: generic-2018/4/a,
     condition: {certificate: {level: 5}, work_years: 2, work_after: certificate}}
"""
        )
    )
    rules = engine.compose(GENERIC, [("x-short", 1, replacement.clauses)])
    ids = [c.id for c in rules.clauses_for(4)]
    assert "generic-2018/4/a" not in ids and "x-short/4/a" in ids
    profile = Profile(
        work=(WorkPeriod(D(2020, 1, 1), None, True),),
        certificates=(HeldCertificate(5, D(2022, 1, 1), True),),
    )
    assert evaluate(rules, 4, profile, D(2024, 1, 1)).matched_clause == "x-short/4/a"
    assert not evaluate(GENERIC, 4, profile, D(2024, 1, 1)).eligible


@pytest.mark.parametrize(
    ("months", "text"), [(0, "0个月"), (11, "11个月"), (12, "1年"), (38, "3年2个月")]
)
def test_format_months(months, text):
    assert engine.format_months(months) == text
