from __future__ import annotations

from django.db.models import Q, QuerySet

from skillcert.accounts.models import Role
from skillcert.accounts.scope import Scope
from skillcert.organizations.models import (
    AnnualReport,
    EvaluationOrg,
    FilingApplication,
    FilingStatus,
    StoredFile,
)


def organizations_visible(
    *, scope: Scope, q: str = "", kind: str = "", status: str = ""
) -> QuerySet[EvaluationOrg]:
    """Officers see the organisations in their region; staff see their own organisation."""
    if scope.is_platform:
        orgs = EvaluationOrg.objects.all()
    else:
        orgs = EvaluationOrg.objects.filter(scope.region_q("region") | scope.organization_q("id"))
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
    if scope.is_platform:
        rows = FilingApplication.objects.all()
    else:
        rows = FilingApplication.objects.filter(
            scope.region_q("org__region") | scope.organization_q("org_id")
        )
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
    if scope.is_platform:
        return StoredFile.objects.all()
    if not (scope.is_officer or scope.is_org_staff):
        return StoredFile.objects.none()
    return StoredFile.objects.filter(scope.region_q("org__region") | scope.organization_q("org_id"))


def annual_reports_visible(*, scope: Scope) -> QuerySet[AnnualReport]:
    if scope.is_platform:
        rows = AnnualReport.objects.all()
    else:
        rows = AnnualReport.objects.filter(
            scope.region_q("org__region") | scope.organization_q("org_id")
        )
    return rows.select_related("org")
