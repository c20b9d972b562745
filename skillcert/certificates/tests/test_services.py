from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.certificates.models import Certificate, CertificateStatus
from skillcert.certificates.services import (
    Holder,
    certificate_correct,
    certificate_issue,
    certificate_issue_for,
    certificate_reissue,
    certificate_revoke,
    level_text,
)
from skillcert.common.errors import DomainError
from skillcert.common.tests.concurrency import race
from skillcert.plans.tests.factories import file_org, make_candidate

DAY = None  # today: the test filing's scope starts 30 days ago

SYSTEM_TEST = SystemActor("test")


@pytest.fixture
def filed(personas, hr):
    file_org(personas.org_a, [hr], (4, 3))
    return personas.org_a


def _issue(org, hr, seq=1, level=3, **kwargs):
    return certificate_issue_for(
        organization=org,
        holder=Holder(make_candidate(seq), hr, "", level),
        actor=SYSTEM_TEST,
        issue_date=DAY,
        **kwargs,
    )


def test_number_is_filing_number_year_level_serial(filed, hr):
    first = _issue(filed, hr, 1)
    second = _issue(filed, hr, 2)
    yy = f"{timezone.localdate().year % 100:02d}"
    assert first.number == f"{filed.filing_number}{yy}3000001"
    assert second.number == f"{filed.filing_number}{yy}3000002"
    other_level = _issue(filed, hr, 3, level=4)
    assert other_level.number.endswith(f"{yy}4000001")
    assert first.level_text == level_text(3) == "三级/高级工"
    assert first.specialty_name == "--"
    assert AuditEvent.objects.filter(action="certificate.issued").count() == 3


def test_unfiled_or_out_of_scope_organisation_cannot_issue(personas, hr, filed):
    with pytest.raises(DomainError) as err:
        certificate_issue_for(
            organization=personas.org_b,
            holder=Holder(make_candidate(9), hr, "", 3),
            actor=SYSTEM_TEST,
            issue_date=DAY,
        )
    assert err.value.code == "certificate.org_not_filed"
    with pytest.raises(DomainError) as err:
        _issue(filed, hr, 10, level=1)
    assert err.value.code == "org.outside_scope"
    assert Certificate.objects.count() == 0


def test_an_unprintable_name_fails_before_anything_is_saved(filed, hr):
    candidate = make_candidate(11)
    candidate.full_name = "王\U00030000"
    candidate.save()
    with pytest.raises(DomainError) as err:
        certificate_issue_for(
            organization=filed,
            holder=Holder(candidate, hr, "", 3),
            actor=SYSTEM_TEST,
            issue_date=DAY,
        )
    assert err.value.code == "pdf.glyph_missing"
    assert Certificate.objects.count() == 0


def test_only_registered_passing_results_are_issued():
    with pytest.raises(DomainError) as err:
        certificate_issue(
            result=cast(Any, SimpleNamespace(status="published", passed=True)), actor=SYSTEM_TEST
        )
    assert err.value.code == "certificate.result_not_registered"
    with pytest.raises(DomainError) as err:
        certificate_issue(
            result=cast(Any, SimpleNamespace(status="registered", passed=False)), actor=SYSTEM_TEST
        )
    assert err.value.code == "certificate.result_not_passed"


def test_revocation_keeps_the_number_and_needs_reason_and_document(filed, hr):
    certificate = _issue(filed, hr)
    with pytest.raises(DomainError) as exc:
        certificate_revoke(
            certificate=certificate, reason="", document_no="苏人社〔2026〕1号", actor=SYSTEM_TEST
        )
    assert exc.value.code == "certificate.revoke_reason"
    revoked = certificate_revoke(
        certificate=certificate,
        reason="以不正当手段取得",
        document_no="苏人社〔2026〕1号",
        actor=SYSTEM_TEST,
    )
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_at is not None
    with pytest.raises(DomainError) as err:
        certificate_revoke(certificate=revoked, reason="x", document_no="y", actor=SYSTEM_TEST)
    assert err.value.code == "certificate.not_valid"
    # the revoked number is never reused
    assert _issue(filed, hr, 2).number.endswith("000002")


def test_reissue_supersedes_and_keeps_history(filed, hr):
    original = _issue(filed, hr)
    reissued = certificate_reissue(certificate=original, reason="遗失补发", actor=SYSTEM_TEST)
    original.refresh_from_db()
    assert original.status == CertificateStatus.SUPERSEDED
    assert reissued.supersedes == original
    assert reissued.number != original.number
    assert reissued.holder_name == original.holder_name
    assert reissued.id_number == original.id_number
    with pytest.raises(DomainError) as err:
        certificate_reissue(certificate=original, reason="再次补发", actor=SYSTEM_TEST)
    assert err.value.code == "certificate.not_valid"


def test_direct_correction_is_refused_even_to_the_system(filed, hr):
    certificate = _issue(filed, hr)
    with pytest.raises(DomainError) as err:
        certificate_correct(
            certificate=certificate,
            holder_name="考生壹",
            reason="姓名录入错误",
            actor=SYSTEM_TEST,
        )
    assert err.value.code == "certificate.correction_needs_approval"
    assert Certificate.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_duplicates_a_serial(personas, hr):
    file_org(personas.org_a, [hr], (3,))
    candidates = [make_candidate(100 + i) for i in range(12)]
    numbers = []

    def issue(candidate):
        numbers.append(_issue_for_thread(personas.org_a, hr, candidate).number)

    assert race(*[lambda c=c: issue(c) for c in candidates]) == ["ok"] * 12
    assert len(set(numbers)) == 12
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 13))


def _issue_for_thread(org, hr, candidate):
    return certificate_issue_for(
        organization=org, holder=Holder(candidate, hr, "", 3), actor=SYSTEM_TEST, issue_date=DAY
    )
