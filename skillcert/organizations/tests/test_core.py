import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.organizations.core import (
    format_filing_number,
    needs_province_review,
    parse_filing_number,
    renewal_period,
    scope_diff,
    validity_until,
)


def test_formats_the_filing_number_of_the_domain_example():
    assert (
        format_filing_number(letter="Y", authority_code="0000", province="51", serial=1064)
        == "Y000051001064"
    )


def test_parses_a_filing_number_into_its_parts():
    parts = parse_filing_number("s123432000007")
    assert (parts.letter, parts.authority_code, parts.province, parts.serial) == (
        "S",
        "1234",
        "32",
        7,
    )


@pytest.mark.parametrize(
    "value", ["X000032000001", "Y00003200001", "Y0000320000012", "Y00A032000001"]
)
def test_rejects_malformed_filing_numbers(value):
    with pytest.raises(DomainError) as err:
        parse_filing_number(value)
    assert err.value.code == "filing.number_format"


def test_refuses_a_serial_beyond_six_digits():
    with pytest.raises(DomainError) as err:
        format_filing_number(letter="S", authority_code="0000", province="32", serial=1_000_000)
    assert err.value.code == "filing.serial_exhausted"


def test_refuses_a_non_numeric_authority_code():
    with pytest.raises(DomainError) as err:
        format_filing_number(letter="S", authority_code="00A0", province="32", serial=1)
    assert err.value.code == "filing.authority_code_invalid"


def test_validity_ends_the_day_before_the_anniversary():
    assert validity_until(dt.date(2025, 3, 1), 3) == dt.date(2028, 2, 29)
    assert validity_until(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_renewal_continues_from_the_day_after_a_running_period():
    start, end = renewal_period(
        today=dt.date(2027, 12, 1), current_until=dt.date(2027, 12, 31), years=3
    )
    assert (start, end) == (dt.date(2028, 1, 1), dt.date(2030, 12, 31))


def test_renewal_after_expiry_starts_today():
    start, end = renewal_period(
        today=dt.date(2028, 2, 1), current_until=dt.date(2027, 12, 31), years=3
    )
    assert (start, end) == (dt.date(2028, 2, 1), dt.date(2031, 1, 31))


def test_province_reviews_province_wide_scope_and_reserved_levels():
    assert needs_province_review(
        levels=[4], service_region_level="province", province_review_levels=[2, 1]
    )
    assert needs_province_review(
        levels=[4, 2], service_region_level="prefecture", province_review_levels=[2, 1]
    )
    assert not needs_province_review(
        levels=[5, 4, 3], service_region_level="prefecture", province_review_levels=[2, 1]
    )


def test_scope_diff_separates_added_dropped_and_kept_lines():
    diff = scope_diff(current=[(1, None, 4), (1, None, 3)], wanted=[(1, None, 3), (2, None, 5)])
    assert diff.added == {(2, None, 5)}
    assert diff.dropped == {(1, None, 4)}
    assert diff.kept == {(1, None, 3)}
