"""Old 职业资格 certificates imported into the registry count as prior certificates at the
level the one mapping table (occupations' LegacyLevel) gives (seed 004 §二)."""

import datetime as dt

import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.legacy import (
    HEADER,
    SOURCE_NAME,
    legacy_import,
    legacy_prior_certificates,
)
from skillcert.certificates.models import LegacyCertificate
from skillcert.common.pii import pii_digest
from skillcert.eligibility import engine
from skillcert.eligibility.prior_certificates import (
    PRIOR_CERTIFICATE_SOURCES,
    PriorCertificate,
    profile_with_prior_certificates,
)
from skillcert.eligibility.selectors import eligibility_for_occupation
from skillcert.occupations.models import LegacyLevel, Occupation
from skillcert.occupations.tests.catalogue import hr_catalogue
from skillcert.plans.tests.factories import make_id

pytestmark = pytest.mark.django_db

SYSTEM_TEST = SystemActor("test")
AS_OF = dt.date(2020, 6, 1)
# Work since the old certificate: 4 years and 6 months, enough for 二级 clause a (三级 + 4 years).
WORK = engine.Profile(work=(engine.WorkPeriod(dt.date(2015, 7, 1), dt.date(2019, 12, 31)),))
HOLDER = make_id(41)


@pytest.fixture
def legacy_source(monkeypatch):
    monkeypatch.setitem(PRIOR_CERTIFICATE_SOURCES, SOURCE_NAME, legacy_prior_certificates)


def _csv(*rows):
    return "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"


def _import(occupation="企业人力资源管理师", level="高级工", holder=HOLDER):
    row = ["1132000000000041", "赵六", holder, occupation, level, "2015-06-30", "江苏省鉴定中心"]
    return legacy_import(text=_csv(row), actor=SYSTEM_TEST)


def _check(digest):
    return eligibility_for_occupation(
        occupation=Occupation.objects.get(code="4-07-03-02"),
        level=2,
        profile=WORK,
        as_of=AS_OF,
        province="",
        holder_id_digest=digest,
    ).decision


def test_certificates_app_registers_the_legacy_source():
    assert PRIOR_CERTIFICATE_SOURCES.get(SOURCE_NAME) is legacy_prior_certificates


def test_holder_of_only_an_old_certificate_is_eligible_for_the_next_level(legacy_source):
    hr_catalogue()
    assert _import() == (1, [])
    assert LegacyCertificate.objects.get().level == 3  # 高级工 → 三级, from the table
    decision = _check(pii_digest(HOLDER))
    assert decision.eligible
    assert decision.matched_clause.endswith("/2/a")


def test_without_the_old_certificate_the_same_work_is_not_enough(legacy_source):
    hr_catalogue()
    assert _import() == (1, [])
    assert not _check("").eligible
    assert not _check(pii_digest(make_id(42))).eligible


def test_old_certificate_of_another_occupation_is_not_related(legacy_source):
    hr_catalogue()
    assert _import(occupation="焊工") == (1, [])
    assert not _check(pii_digest(HOLDER)).eligible


def test_import_reads_level_names_from_the_one_mapping_table():
    LegacyLevel.objects.create(name="高级技术工人", level=3)
    assert _import(level="高级技术工人") == (1, [])
    assert LegacyCertificate.objects.get().level == 3


def test_import_refuses_a_level_name_not_in_the_table_and_stores_nothing():
    imported, errors = _import(level="特级技工")
    assert imported == 0
    assert [(e.row, e.column, e.code) for e in errors] == [(2, "等级", "legacy.level")]
    assert not LegacyCertificate.objects.exists()


def test_a_certificate_without_a_level_is_no_prior_certificate_at_a_level():
    """A 专项职业能力证书 (level None) adds nothing; a levelled one beside it still counts."""
    special = PriorCertificate(None, dt.date(2015, 6, 30), "企业人力资源管理师", "registry")
    assert (
        profile_with_prior_certificates(WORK, [special], occupation_name="企业人力资源管理师")
        == WORK
    )
    levelled = PriorCertificate(3, dt.date(2015, 6, 30), "企业人力资源管理师", "registry")
    profile = profile_with_prior_certificates(
        WORK, [special, levelled], occupation_name="企业人力资源管理师"
    )
    assert profile.certificates == (engine.HeldCertificate(3, dt.date(2015, 6, 30), True),)
