import datetime as dt

import pytest

from skillcert.common.errors import DomainError
from skillcert.organizations.core import (
    MAX_UPLOAD_BYTES,
    check_upload,
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


def test_accepts_pdf_png_and_jpeg_by_content():
    assert check_upload(name="a.pdf", size=10, head=b"%PDF-1.7") == "application/pdf"
    assert check_upload(name="a.PNG", size=10, head=b"\x89PNG\r\n\x1a\n") == "image/png"
    assert check_upload(name="a.jpeg", size=10, head=b"\xff\xd8\xff\xe0") == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "head", "code"),
    [
        ("营业执照.pdf", b"MZ\x90\x00", "upload.disguised"),
        ("a.pdf", b"\x7fELF\x02", "upload.disguised"),
        ("a.pdf", b"  <html><script>alert(1)</script>", "upload.disguised"),
        ("a.pdf", b"<svg xmlns=", "upload.disguised"),
        ("a.pdf", b"\x89PNG\r\n\x1a\n", "upload.disguised"),
        ("a.png", b"%PDF-1.4", "upload.disguised"),
        ("a.pdf", b"PK\x03\x04", "upload.unrecognised"),
        ("a.exe", b"MZ", "upload.type_not_allowed"),
        ("a.html", b"<html>", "upload.type_not_allowed"),
        ("noextension", b"%PDF-", "upload.type_not_allowed"),
    ],
)
def test_rejects_disguised_or_unknown_content(name, head, code):
    with pytest.raises(DomainError) as err:
        check_upload(name=name, size=100, head=head)
    assert err.value.code == code
    assert err.value.field == "file"


def test_rejects_empty_and_oversized_files():
    with pytest.raises(DomainError) as err:
        check_upload(name="a.pdf", size=0, head=b"")
    assert err.value.code == "upload.empty"
    with pytest.raises(DomainError) as err:
        check_upload(name="a.pdf", size=MAX_UPLOAD_BYTES + 1, head=b"%PDF-")
    assert err.value.code == "upload.too_large"
    assert "10 MB" in err.value.message


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
