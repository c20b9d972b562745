"""A 专项职业能力考核 issues a 专项职业能力证书 without a level (seed 004 §一): level digit 0 in
the number, no level on the record, its own title on the PDF, in the credential, on the verify
page and in the exports; a level given to it, or none given to a level occupation, is refused."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.documents import certificate_pdf
from skillcert.certificates.exchange import export_certificates
from skillcert.certificates.models import Certificate, CertificateCounter
from skillcert.certificates.numbering import format_certificate_number, parse_certificate_number
from skillcert.certificates.selectors import achievement_credential
from skillcert.certificates.services import Holder, certificate_issue_for, certificate_reissue
from skillcert.common.errors import DomainError
from skillcert.plans.tests.factories import file_org, make_candidate

SYSTEM_TEST = SystemActor("test")


# --- the number ---------------------------------------------------------------------------


def test_a_certificate_without_a_level_has_level_digit_0():
    number = format_certificate_number(
        filing_number="Y000051001064", year=2025, level=None, serial=12
    )
    assert number == "Y000051001064250000012"
    parsed = parse_certificate_number(number)
    assert (parsed.filing_number, parsed.year, parsed.level, parsed.serial) == (
        "Y000051001064",
        2025,
        None,
        12,
    )


@given(st.sampled_from([None, 1, 2, 3, 4, 5]), st.integers(1, 999_999))
def test_parse_inverts_format_with_and_without_a_level(level, serial):
    number = format_certificate_number(
        filing_number="S000032000001", year=2026, level=level, serial=serial
    )
    assert len(number) == 22
    assert parse_certificate_number(number).level == level
    assert parse_certificate_number(number).serial == serial


@pytest.mark.parametrize("level", [0, 6])
def test_level_outside_1_to_5_is_refused(level):
    with pytest.raises(DomainError) as err:
        format_certificate_number(filing_number="Y000051001064", year=2025, level=level, serial=1)
    assert err.value.code == "certificate.level_invalid"
    assert "专项职业能力证书不设等级" in err.value.message


def test_a_level_digit_6_does_not_parse():
    with pytest.raises(DomainError) as err:
        parse_certificate_number("Y000051001064256000001")
    assert err.value.code == "certificate.number_format"


# --- issuing --------------------------------------------------------------------------------


def test_special_ability_certificate_has_no_level_and_its_own_title(special_certificate):
    c = special_certificate
    assert (c.level, c.level_text, c.title) == (None, "", "专项职业能力证书")
    assert c.number[15] == "0" and len(c.number) == 22
    assert parse_certificate_number(c.number).level is None
    assert CertificateCounter.objects.get(organization=c.organization, level=0).last_serial == 1


def test_special_ability_serials_do_not_share_a_level_counter(personas, special, hr):
    file_org(personas.org_a, [hr], (3,))
    levelled = certificate_issue_for(
        organization=personas.org_a, holder=Holder(make_candidate(1), hr, "", 3), actor=SYSTEM_TEST
    )
    first, second = (
        certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(n), special, "", None),
            actor=SYSTEM_TEST,
        )
        for n in (2, 3)
    )
    assert levelled.number[15:] == "3000001"
    assert (first.number[15:], second.number[15:]) == ("0000001", "0000002")


def test_a_level_for_a_special_ability_occupation_is_refused(personas, special):
    file_org(personas.org_a, [], ())
    with pytest.raises(DomainError) as err:
        certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(1), special, "", 4),
            actor=SYSTEM_TEST,
        )
    assert (err.value.code, err.value.field) == ("certificate.level_not_applicable", "level")
    assert "中式面点制作" in err.value.message and "不设等级" in err.value.message
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.exists()


def test_no_level_for_a_level_occupation_is_refused(personas, hr):
    file_org(personas.org_a, [hr], (3,))
    with pytest.raises(DomainError) as err:
        certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(1), hr, "", None),
            actor=SYSTEM_TEST,
        )
    assert (err.value.code, err.value.field) == ("certificate.level_required", "level")
    assert "企业人力资源管理师" in err.value.message
    assert not Certificate.objects.exists()


def test_a_reissue_keeps_no_level(special_certificate):
    new = certificate_reissue(certificate=special_certificate, reason="遗失补发", actor=SYSTEM_TEST)
    assert (new.level, new.title, new.number[15]) == (None, "专项职业能力证书", "0")


# --- what the holder and the public see ------------------------------------------------------


def test_the_pdf_is_titled_special_ability_and_prints_no_level(special_certificate):
    import pypdfium2

    document = pypdfium2.PdfDocument(certificate_pdf(special_certificate))
    text = document[0].get_textpage().get_text_range().replace(" ", "")
    assert document.get_metadata_dict()["Title"] == f"专项职业能力证书 {special_certificate.number}"
    assert "专项职业能力证书" in text and "SpecialVocationalAbilityCertificate" in text
    assert "职业技能等级" not in text
    assert "中式面点制作" in text


def test_the_pdf_of_a_level_certificate_still_prints_its_level(certificate):
    import pypdfium2

    document = pypdfium2.PdfDocument(certificate_pdf(certificate))
    text = document[0].get_textpage().get_text_range().replace(" ", "")
    assert "职业技能等级证书" in text and "三级/高级工" in text


def test_the_credential_has_no_level_in_its_achievement(special_certificate):
    document = achievement_credential(special_certificate)
    achievement = document["credentialSubject"]["achievement"]
    assert document["name"] == "专项职业能力证书"
    assert achievement["id"].endswith("/occupations/4-03-02-91/#special-ability")
    assert achievement["name"] == "中式面点制作专项职业能力"
    assert "级" not in achievement["name"] and "level" not in achievement["id"]
    assert achievement["description"] == f"专项职业能力证书 {special_certificate.number}"
    assert document["credentialSubject"]["licenseNumber"] == special_certificate.number


def test_the_verify_page_names_the_certificate_and_shows_no_level(special_certificate):
    page = Client().get(f"/v/{special_certificate.token}").content.decode()
    assert "证书真实有效" in page and "专项职业能力证书" in page
    assert "<th>等级</th>" not in page and "职业技能等级证书" not in page


def test_the_verify_page_of_a_level_certificate_shows_its_level(certificate):
    page = Client().get(f"/v/{certificate.token}").content.decode()
    assert "职业技能等级证书" in page and "<th>等级</th>" in page and "三级/高级工" in page


def test_the_export_names_it_and_leaves_the_level_empty(special_certificate, certificate, tmp_path):
    out = export_certificates(since=dt.date(2000, 1, 1), fmt="csv", out_dir=tmp_path)
    rows = {
        r["证书编号"]: r
        for r in csv.DictReader(out.path.read_text(encoding="utf-8-sig").splitlines())
    }
    special_row = rows[special_certificate.number]
    assert (special_row["证书名称"], special_row["职业技能等级"]) == ("专项职业能力证书", "")
    levelled = rows[certificate.number]
    assert (levelled["证书名称"], levelled["职业技能等级"]) == ("职业技能等级证书", "三级/高级工")
