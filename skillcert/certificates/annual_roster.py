"""The certificate registry as the source of an organisation's annual-report roster (seed 001
§五 「认定人数及人员名单」): the people it certified in a year are its first issues dated in
that year and not revoked. Registered with `organizations.annual_reports` from the app's
`ready()`."""

from __future__ import annotations

import datetime as dt

from skillcert.certificates.choices import CertificateStatus, IssueKind
from skillcert.certificates.models import Certificate
from skillcert.organizations.annual_reports import RosterEntry, annual_roster_source_register

SOURCE_NAME = "certificate_registry"


def annual_roster_of(org_id: int, year: int) -> list[RosterEntry]:
    rows = (
        Certificate.objects.filter(
            organization_id=org_id,
            kind=IssueKind.ISSUED,
            issue_date__gte=dt.date(year, 1, 1),
            issue_date__lte=dt.date(year, 12, 31),
        )
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("number")
    )
    return [
        RosterEntry(
            certificate_number=row.number,
            holder_name=row.holder_name,
            id_number_masked=row.id_number_masked,
            occupation_id=row.occupation_id,
            occupation_name=row.occupation_name,
            level=row.level,
            issue_date=row.issue_date,
        )
        for row in rows
    ]


def annual_roster_source_connect() -> None:
    """Called from the app's `ready()`."""
    annual_roster_source_register(SOURCE_NAME, annual_roster_of)
