"""Reads of the training's course content and offline session requests, narrowed to what
the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.personnel.models import (
    CourseCompletion,
    CourseUnit,
    OfflineSessionRequest,
    OfflineSessionStatus,
    Registration,
)


def course_units_visible(*, scope: Scope) -> QuerySet[CourseUnit]:
    """The units of the provinces the officer covers (the province maintains them)."""
    if not scope.is_officer:
        return CourseUnit.objects.none()
    return CourseUnit.objects.filter(scope.region_q("province")).select_related("province")


def course_units_for_registration(*, registration: Registration) -> QuerySet[CourseUnit]:
    """The units in use for the registration's plan (its province's active units)."""
    return CourseUnit.objects.filter(province_id=registration.plan.province_id, active=True)


def course_completions(*, registration: Registration) -> QuerySet[CourseCompletion]:
    return registration.completions.select_related("unit").order_by("completed_on", "id")


def offline_requests_visible(*, scope: Scope) -> QuerySet[OfflineSessionRequest]:
    """Officers see the requests from their area (and the province all of its own);
    organisation staff see their organisation's."""
    rows = OfflineSessionRequest.objects.select_related("region", "organization", "plan_document")
    if scope.is_platform:
        return rows
    q = Q(pk__in=[])
    if scope.is_officer:
        q |= (
            scope.region_q("region")
            | scope.region_q("organization__region")
            | scope.region_q("province")
        )
    if scope.is_org_staff:
        q |= scope.organization_q("organization")
    return rows.filter(q)


def todo_offline_sessions_to_decide(*, scope: Scope) -> int:
    """Pending requests the province officer decides."""
    if not scope.is_province_officer:
        return 0
    return (
        offline_requests_visible(scope=scope)
        .filter(scope.region_q("province"), status=OfflineSessionStatus.PENDING)
        .count()
    )
