"""Background work: refreshing the daily summary and generating reports (django-tasks; the
database backend in production, the immediate backend under tests). Both are idempotent, so a
job re-run after its worker was killed simply does the work again."""

from __future__ import annotations

from django_tasks import task

from skillcert.accounts.actors import Actor
from skillcert.accounts.selectors import users_all
from skillcert.regions.selectors import regions_with_codes
from skillcert.reporting.services import STATISTICS, figures_refresh, statistics_report_generate


def _actor(user_id: int | None) -> Actor:
    """The officer who asked for the work, or the statistics process itself."""
    user = users_all().filter(pk=user_id).first() if user_id else None
    return user or STATISTICS


@task()
def statistics_refresh_run(user_id: int | None = None, full: bool = False) -> None:
    figures_refresh(actor=_actor(user_id), full=full)


@task()
def statistics_report_run(
    kind: str, period: str, region_codes: list[str], user_id: int | None = None
) -> None:
    """Bring the summary up to date, then render the period's report for each region."""
    actor = _actor(user_id)
    figures_refresh(actor=actor)
    for region in regions_with_codes(codes=region_codes):
        statistics_report_generate(kind=kind, period=period, region=region, actor=actor)
