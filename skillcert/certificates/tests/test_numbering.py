import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.certificates.numbering import format_certificate_number, parse_certificate_number
from skillcert.common.errors import DomainError


def test_formats_the_example_from_domain_md():
    number = format_certificate_number(filing_number="Y000051001064", year=2025, level=3, serial=1)
    assert number == "Y000051001064253000001"
    assert len(number) == 22


@given(
    st.sampled_from("YS"),
    st.integers(0, 9999),
    st.integers(11, 82),
    st.integers(0, 999_999),
    st.integers(2000, 2099),
    st.integers(1, 5),
    st.integers(1, 999_999),
)
def test_parse_inverts_format(kind, org, province, org_serial, year, level, serial):
    filing = f"{kind}{org:04d}{province:02d}{org_serial:06d}"
    number = format_certificate_number(filing_number=filing, year=year, level=level, serial=serial)
    parsed = parse_certificate_number(number)
    assert (parsed.filing_number, parsed.year, parsed.level, parsed.serial) == (
        filing,
        year,
        level,
        serial,
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"filing_number": "X000051001064", "year": 2025, "level": 3, "serial": 1},
            "certificate.filing_number_invalid",
        ),
        (
            {"filing_number": "Y000051001064", "year": 2025, "level": 6, "serial": 1},
            "certificate.level_invalid",
        ),
        (
            {"filing_number": "Y000051001064", "year": 2025, "level": 3, "serial": 1_000_000},
            "certificate.serial_exhausted",
        ),
        (
            {"filing_number": "Y000051001064", "year": 1999, "level": 3, "serial": 1},
            "certificate.year_invalid",
        ),
    ],
)
def test_rejects_impossible_numbers(kwargs, code):
    with pytest.raises(DomainError) as err:
        format_certificate_number(**kwargs)
    assert err.value.code == code


@pytest.mark.parametrize(
    "bad", ["", "Y00005100106425300000", "Y0000510010642530000011", "Y000051001064256000001"]
)
def test_parse_rejects_malformed_numbers(bad):
    with pytest.raises(DomainError) as err:
        parse_certificate_number(bad)
    assert err.value.code == "certificate.number_format"
