"""Scoring's to-do counts for the workbench, scoped like every other read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from skillcert.accounts.scope import Scope
from skillcert.personnel.selectors import person_of
from skillcert.scoring.models import (
    BatchDuty,
    BatchStatus,
    EnterpriseScheme,
    PartState,
    Recheck,
    RecheckStatus,
    Result,
    ResultBatch,
    ResultStatus,
    SchemeFilingStatus,
)
from skillcert.scoring.selectors.marking import marks_for_marker, scripts_to_arbitrate


def _own_batches(scope: Scope, status: str) -> QuerySet[ResultBatch]:
    """The user's organisations' batches in `status` (none for a user of no organisation)."""
    if not scope.organization_ids:
        return ResultBatch.objects.none()
    return ResultBatch.objects.filter(scope.organization_q("organization_id"), status=status)


def todo_batches_to_submit(*, scope: Scope) -> int:
    """The organisation's batches whose results are still being entered."""
    return _own_batches(scope, BatchStatus.ENTERING).count()


def todo_batches_ready_for_registration(*, scope: Scope, today: dt.date) -> int:
    """The organisation's published batches that may go to registration now: every district
    published, every re-check window closed and no re-check still open."""
    from django.db.models import Exists, Max, OuterRef

    unpublished = Result.objects.filter(batch=OuterRef("pk"), status=ResultStatus.SUBMITTED)
    open_recheck = Recheck.objects.filter(
        result__batch=OuterRef("pk"), status=RecheckStatus.REQUESTED
    )
    rows = (
        _own_batches(scope, BatchStatus.PUBLISHED)
        .annotate(closes=Max("results__recheck_closes_on"))
        .filter(Q(closes__isnull=True) | Q(closes__lt=today))
        .exclude(Exists(unpublished))
        .exclude(Exists(open_recheck))
    )
    return rows.count()


def todo_batches_awaiting_registration(*, scope: Scope) -> int:
    """Batches submitted for registration by organisations in the officer's area."""
    if not scope.is_officer:
        return 0
    return ResultBatch.objects.filter(
        scope.region_q("organization__region"), status=BatchStatus.REGISTRATION
    ).count()


def todo_norms_to_acknowledge(*, scope: Scope) -> int:
    """Enterprise evaluation norms filed with the province and not yet acknowledged."""
    if not scope.is_province_officer:
        return 0
    return EnterpriseScheme.objects.filter(filing_status=SchemeFilingStatus.FILED).count()


def todo_scripts_to_mark(*, user: Any) -> int:
    """Marks the user still owes as a marker, plus scripts waiting for their arbitration."""
    person = person_of(user)
    if person is None:
        return 0
    return marks_for_marker(person=person).count() + scripts_to_arbitrate(person=person).count()


def _results_owed(user: Any, duty: str, done_by: str, **pending: Any) -> int:
    """Pending results of the batches still being entered where the user serves in `duty`,
    less those the user has already done (`done_by` names the person on the done row)."""
    person = person_of(user)
    if person is None:
        return 0
    owed = Result.objects.filter(
        batch__status=BatchStatus.ENTERING,
        batch__staff__person=person,
        batch__staff__duty=duty,
        **pending,
    )
    return owed.exclude(**{done_by: person}).distinct().count()


def todo_practical_sheets(*, user: Any) -> int:
    """Practical results the user, as practical examiner of a batch still being entered, has
    not scored yet."""
    return _results_owed(
        user,
        BatchDuty.PRACTICAL,
        "practical_sheets__examiner",
        practical_state=PartState.PENDING,
    )


def todo_panel_marks(*, user: Any) -> int:
    """Level 2 and 1 results the user, as panel member of a batch still being entered, has
    not marked yet."""
    return _results_owed(
        user,
        BatchDuty.PANEL,
        "panel_marks__member",
        level__in=[1, 2],
        panel_state=PartState.PENDING,
    )


def todo_recheck_windows(*, user: Any, today: dt.date) -> list[dt.date]:
    """The closing days of the re-check windows still open on the user's own published
    results, soonest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    closes = Result.objects.filter(
        application__candidate__user_id=user.pk,
        status=ResultStatus.PUBLISHED,
        recheck_closes_on__gte=today,
    ).values_list("recheck_closes_on", flat=True)
    return sorted(day for day in closes if day is not None)
