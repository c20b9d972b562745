from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope
from skillcert.organizations.models import (
    AnnualReport,
    CreditListing,
    EvaluationOrg,
    FilingApplication,
    FilingStatus,
    OrgScope,
    StoredFile,
)

M = TypeVar("M", bound=Model)


def _seen_by(
    rows: QuerySet[M], scope: Scope, *, region: str = "org__region", org_id: str = "org_id"
) -> QuerySet[M]:
    """All `rows` for the platform; otherwise those of organisations in the officer's region
    (`region` path) or of the user's own organisations (`org_id` path)."""
    if scope.is_platform:
        return rows
    return rows.filter(scope.region_q(region) | scope.organization_q(org_id))


def organizations_visible(
    *, scope: Scope, q: str = "", kind: str = "", status: str = ""
) -> QuerySet[EvaluationOrg]:
    """Officers see the organisations in their region; staff see their own organisation."""
    orgs = _seen_by(EvaluationOrg.objects.all(), scope, region="region", org_id="id")
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(uscc=q.upper()) | Q(filing_number=q.upper()))
    if kind:
        orgs = orgs.filter(kind=kind)
    if status:
        orgs = orgs.filter(status=status)
    return orgs.select_related("region").order_by("id")


def organization_by_filing_number(filing_number: str) -> EvaluationOrg | None:
    """The organisation that holds (or held) this filing number. Not scoped: the number is
    public (printed on every certificate), so anyone may name the organisation by it, as the
    public complaint form does."""
    return EvaluationOrg.objects.filter(filing_number=filing_number.strip().upper()).first()


def filing_applications_visible(*, scope: Scope) -> QuerySet[FilingApplication]:
    rows = _seen_by(FilingApplication.objects.all(), scope)
    return rows.select_related("org", "org__region", "service_region")


def filing_review_queue(*, scope: Scope) -> QuerySet[FilingApplication]:
    """What waits for this officer: first-tier reviews in the area, and for province
    officers the second tier as well."""
    if not scope.is_officer:
        return FilingApplication.objects.none()
    waiting = Q(status=FilingStatus.SUBMITTED)
    if scope.is_platform or scope.has_role(Role.PROVINCE_OFFICER):
        waiting |= Q(status=FilingStatus.CITY_APPROVED)
    return (
        filing_applications_visible(scope=scope)
        .filter(waiting)
        .exclude(org_id__in=sorted(scope.organization_ids))
        .order_by("submitted_at", "id")
    )


def files_visible(*, scope: Scope) -> QuerySet[StoredFile]:
    """Uploaded files: staff of the owning organisation and officers over its region."""
    if not (scope.is_platform or scope.is_officer or scope.is_org_staff):
        return StoredFile.objects.none()
    return _seen_by(StoredFile.objects.all(), scope)


def annual_reports_visible(*, scope: Scope) -> QuerySet[AnnualReport]:
    return _seen_by(AnnualReport.objects.all(), scope).select_related("org")


def organizations_own(*, scope: Scope) -> QuerySet[EvaluationOrg]:
    """The organisations the user works for, by name."""
    return EvaluationOrg.objects.filter(pk__in=sorted(scope.organization_ids)).order_by("name")


def org_scopes_active(*, organization_ids: Iterable[int]) -> QuerySet[OrgScope]:
    """The organisations' active filed scope rows, by occupation code and level (highest
    first)."""
    return (
        OrgScope.objects.filter(org_id__in=sorted(organization_ids), active=True)
        .select_related("occupation")
        .order_by("occupation__code", "-level")
    )


def organizations_in_area(*, scope: Scope) -> QuerySet[EvaluationOrg]:
    """The organisations whose division lies in the user's area (all of them for the
    platform), unordered: for statistics, which count and group them."""
    return EvaluationOrg.objects.filter(scope.code_prefix_q("region__code"))


def org_scopes_in_area(*, scope: Scope) -> QuerySet[OrgScope]:
    """The scope rows of the organisations in the user's area, unordered (for statistics)."""
    return OrgScope.objects.filter(scope.code_prefix_q("org__region__code"))


def credit_listings_in_area(*, scope: Scope) -> QuerySet[CreditListing]:
    """The credit listings of the organisations in the user's area, unordered (statistics)."""
    return CreditListing.objects.filter(scope.code_prefix_q("org__region__code"))


def organization_region_codes(*, within: str = "") -> list[str]:
    """The county codes that have organisations, inside `within` (a code prefix)."""
    return list(
        EvaluationOrg.objects.filter(region__code__startswith=within)
        .values_list("region_id", flat=True)
        .distinct()
    )


# --- to-do counts for the workbench -----------------------------------------------------------

import datetime as dt  # noqa: E402  (appended section: the module's imports stay untouched)

# An annual report shows as work to do from this many days before its due date.
ANNUAL_REPORT_NOTICE_DAYS = 30


def todo_annual_reports_due(*, scope: Scope, today: dt.date) -> list[dt.date]:
    """The due dates of the annual reports the user's organisations owe and have not
    submitted: last year's if still missing, and this year's from a month before it is due."""
    from skillcert.organizations.annual_reports import due_date_for, orgs_required_to_report
    from skillcert.organizations.models import AnnualReportStatus

    if not scope.organization_ids:
        return []
    due: list[dt.date] = []
    for year in (today.year - 1, today.year):
        orgs = orgs_required_to_report(year=year).filter(pk__in=sorted(scope.organization_ids))
        submitted = set(
            AnnualReport.objects.filter(
                org__in=orgs, year=year, status=AnnualReportStatus.SUBMITTED
            ).values_list("org_id", flat=True)
        )
        for org in orgs:
            day = due_date_for(org=org, year=year)
            notice_from = day - dt.timedelta(days=ANNUAL_REPORT_NOTICE_DAYS)
            if org.pk not in submitted and today >= notice_from:
                due.append(day)
    return sorted(due)
