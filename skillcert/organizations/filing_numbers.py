"""Filing number allocation: `letter + authority code + province + serial`, unique and never
reused. The counter row is locked for the allocation, the ledger row's unique constraint is
the database's final word."""

from __future__ import annotations

from django.db import transaction

from skillcert.organizations.core import format_filing_number
from skillcert.organizations.models import EvaluationOrg, FilingCounter, FilingNumber


def filing_number_allocate(*, org: EvaluationOrg, authority_code: str) -> str:
    """Next number of the organisation's series. Call inside the approving transaction: the
    serial is only consumed if the filing commits."""
    letter = org.filing_letter
    province = org.region_id[:2]
    with transaction.atomic():
        # Create the series row if it is new. ON CONFLICT DO NOTHING means two first
        # filings of a new series do not fail on each other; both then queue on the lock.
        FilingCounter.objects.bulk_create(
            [FilingCounter(letter=letter, authority_code=authority_code, province=province)],
            ignore_conflicts=True,
        )
        counter = FilingCounter.objects.select_for_update().get(
            letter=letter, authority_code=authority_code, province=province
        )
        serial = counter.last_serial + 1
        number = format_filing_number(
            letter=letter, authority_code=authority_code, province=province, serial=serial
        )
        counter.last_serial = serial
        counter.save(update_fields=["last_serial"])
        FilingNumber.objects.create(number=number, org=org)
    return number
