"""Live rows for the statistics tests: applications on given days and statuses, published
results and certificates, written straight to the tables (the workflows that normally produce
them are tested in their own apps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.applications.models import Application, ReviewEvent
from skillcert.certificates.models import Certificate
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.occupations.models import Occupation
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_candidate
from skillcert.scoring.models import Result, ResultBatch, ResultStatus


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Report files go to a per-test directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def local(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Live:
    """Writes live rows for one plan; `seq` keeps candidates unique."""

    plan: EvaluationPlan
    occupation: Occupation
    seq: int = 0

    def application(
        self, day: dt.date, status: str, *, level: int = 4, hour: int = 10
    ) -> Application:
        self.seq += 1
        row = Application.objects.create(
            plan=self.plan,
            candidate=make_candidate(500 + self.seq),
            occupation=self.occupation,
            level=level,
            status=status,
            submitted_at=local(day, hour),
        )
        ReviewEvent.objects.create(
            application=row, transition="submit", to_status="org_review", actor_ref="test"
        )
        ReviewEvent.objects.filter(application=row).update(created_at=local(day, hour))
        return row

    def result(self, application: Application, day: dt.date, *, passed: bool) -> Result:
        batch, _ = ResultBatch.objects.get_or_create(
            plan=self.plan, defaults={"organization_id": self.plan.organization_id}
        )
        return Result.objects.create(
            batch=batch,
            application=application,
            organization_id=self.plan.organization_id,
            occupation=application.occupation,
            level=application.level,
            candidate_ref=str(application.pk),
            passed=passed,
            status=ResultStatus.PUBLISHED,
            published_at=local(day, 9),
        )

    def certificate(self, result: Result, day: dt.date) -> Certificate:
        return certificate_issue_for(
            organization=self.plan.organization,
            holder=Holder(result.application.candidate, result.occupation, "", result.level),
            actor=SystemActor("test"),
            result=result,
            issue_date=day,
        )


@pytest.fixture
def live(plan: EvaluationPlan, hr: Occupation) -> Live:
    return Live(plan, hr)


def summed(rows: Any, *columns: str) -> dict[str, int]:
    return {c: sum(getattr(r, c) for r in rows) for c in columns}
