import pytest
from django.db import IntegrityError, transaction

from conftest import make_uscc
from skillcert.accounts.actors import SystemActor
from skillcert.common.tests.concurrency import race
from skillcert.organizations.filing_numbers import filing_number_allocate
from skillcert.organizations.models import FilingCounter, FilingNumber, OrgKind
from skillcert.organizations.services import organization_create, organization_exit
from skillcert.organizations.tests.conftest import file_org
from skillcert.regions.models import Region


def _org(seed, kind=OrgKind.SOCIAL, region="320102"):
    return organization_create(
        name=f"机构{seed}",
        kind=kind,
        uscc=make_uscc(seed),
        region=Region.objects.get(code=region),
        actor=SystemActor("test"),
    )


def test_numbers_run_in_series_per_letter_authority_and_province(db):
    social, employer, sichuan = _org(11), _org(12, OrgKind.EMPLOYER), _org(13, region="510104")
    assert filing_number_allocate(org=social, authority_code="0000") == "S000032000001"
    assert filing_number_allocate(org=social, authority_code="0000") == "S000032000002"
    assert filing_number_allocate(org=employer, authority_code="0000") == "Y000032000001"
    assert filing_number_allocate(org=employer, authority_code="1234") == "Y123432000001"
    assert filing_number_allocate(org=sichuan, authority_code="0000") == "S000051000001"


def test_schools_and_associations_file_as_social_organisations(db):
    assert filing_number_allocate(org=_org(14, OrgKind.SCHOOL), authority_code="0000")[0] == "S"
    assert (
        filing_number_allocate(org=_org(15, OrgKind.ASSOCIATION), authority_code="0000")[0] == "S"
    )


def test_the_ledger_refuses_a_number_twice(db):
    org = _org(16)
    FilingNumber.objects.create(number="S000032000009", org=org)
    with pytest.raises(IntegrityError, match=r"(?i)unique"), transaction.atomic():
        FilingNumber.objects.create(number="S000032000009", org=org)


def test_a_number_is_never_reused_after_exit_and_refiling(personas, catalogue):
    org = file_org(personas)
    first = org.filing_number
    organization_exit(org=org, reason="业务调整", actor=personas.clerk_a)
    org = file_org(personas, org=org)
    assert org.filing_number != first
    assert org.filing_number == "S000032000002"
    assert list(FilingNumber.objects.filter(org=org).values_list("number", flat=True)) == [
        first,
        "S000032000002",
    ]


def test_a_rolled_back_filing_does_not_consume_a_serial(db):
    org = _org(17)
    with pytest.raises(RuntimeError, match="approval failed later"), transaction.atomic():
        filing_number_allocate(org=org, authority_code="0000")
        raise RuntimeError("approval failed later")
    assert filing_number_allocate(org=org, authority_code="0000") == "S000032000001"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_get_distinct_consecutive_numbers():
    orgs = [_org(100 + i) for i in range(8)]
    results: list[str] = []

    def allocate(org):
        with transaction.atomic():
            results.append(filing_number_allocate(org=org, authority_code="0000"))

    assert race(*[lambda org=org: allocate(org) for org in orgs]) == ["ok"] * len(orgs)
    assert sorted(results) == [f"S0000320000{i:02d}" for i in range(1, 9)]
    assert (
        FilingCounter.objects.get(letter="S", authority_code="0000", province="32").last_serial == 8
    )
