import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.common.identifiers import (
    id_number_check_digit,
    mask,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
    uscc_check_digit,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

VALID_ID = "11010519491231002X"  # the GB 11643 worked example


def test_accepts_valid_id_number_and_reads_birth_date_and_gender():
    parsed = parse_id_number(VALID_ID)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parsed.region_code == "110105"


def test_normalises_full_width_digits_and_lower_case_x():
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert validate_id_number(full_width) == VALID_ID
    assert validate_id_number(VALID_ID.lower()) == VALID_ID


def test_rejects_id_number_with_wrong_checksum():
    with pytest.raises(DomainError) as err:
        validate_id_number("110105194912310021")
    assert err.value.code == "id_number.checksum"
    assert "校验位" in err.value.message


def test_rejects_impossible_birth_date():
    first17 = "32010219900230123"
    with pytest.raises(DomainError) as err:
        validate_id_number(first17 + id_number_check_digit(first17))
    assert err.value.code == "id_number.birth_date"
    assert "19900230" in err.value.message


def test_rejects_birth_date_in_the_future():
    first17 = "32010220990101123"
    with pytest.raises(DomainError) as err:
        parse_id_number(first17 + id_number_check_digit(first17), today=dt.date(2026, 11, 23))
    assert err.value.code == "id_number.birth_date"


@pytest.mark.parametrize(
    ("raw", "code"), [("1234", "id_number.length"), ("1101051949123100AX", "id_number.format")]
)
def test_rejects_malformed_id_number(raw, code):
    with pytest.raises(DomainError) as err:
        validate_id_number(raw)
    assert err.value.code == code


def test_unknown_birthplace_code_is_a_warning_not_an_error():
    first17 = "99999919900101123"
    parsed = parse_id_number(
        first17 + id_number_check_digit(first17), known_region_codes=frozenset({"320102"})
    )
    assert parsed.warnings and "999999" in parsed.warnings[0]


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_only_the_computed_check_digit_validates(birth, serial):
    body = f"320102{birth:%Y%m%d}{serial:03d}"
    good = body + id_number_check_digit(body)
    assert validate_id_number(good) == good
    for other in "0123456789X":
        if other != good[-1]:
            with pytest.raises(DomainError) as exc:
                validate_id_number(body + other)
            assert exc.value.code == "id_number.checksum"


def test_accepts_valid_uscc_and_rejects_wrong_checksum():
    valid = "91350100M000100Y43"
    assert validate_uscc(valid) == valid
    wrong = valid[:-1] + ("4" if valid[-1] != "4" else "5")
    with pytest.raises(DomainError) as err:
        validate_uscc(wrong)
    assert err.value.code == "uscc.checksum"


def test_rejects_uscc_with_forbidden_letters():
    with pytest.raises(DomainError) as err:
        validate_uscc("91350100M000100I43")
    assert err.value.code == "uscc.format"


def test_uscc_check_digit_round_trip():
    stem = "91320102MA1N2K3L4"
    assert validate_uscc(stem + uscc_check_digit(stem)).startswith(stem)


def test_mobile_numbers():
    assert validate_mobile("+86 139-1234-5678") == "13912345678"
    assert validate_mobile("１３９１２３４５６７８") == "13912345678"
    with pytest.raises(DomainError) as err:
        validate_mobile("12345")
    assert err.value.code == "mobile.format"


def test_masking():
    assert mask_id_number("320102199001011234") == "3201**********1234"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("张小三") == "张*三"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask("320102199001011234", kind="id_number") == "3201**********1234"
    assert mask("", kind="name") == ""
