"""PIPL retention: withdrawn candidates' personal data is erased after the retention period;
anyone assessed, or still in the process, is left alone; a dry run changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from skillcert.applications.models import Application, Attachment, Status
from skillcert.audit.models import AuditEvent
from skillcert.candidates.models import Candidate, WorkPeriod
from skillcert.candidates.retention import candidates_erase_withdrawn
from skillcert.common.errors import DomainError
from skillcert.plans.tests.factories import hr as hr
from skillcert.plans.tests.factories import make_candidate
from skillcert.plans.tests.factories import plan as plan
from skillcert.plans.tests.factories import welder as welder

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def _applied(plan: Any, hr: Any, seq: int, status: str, *, days_ago: int) -> Candidate:
    candidate = make_candidate(seq)
    application = Application.objects.create(
        plan=plan, candidate=candidate, occupation=hr, level=4, status=status
    )
    when = dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.UTC)
    Application.objects.filter(pk=application.pk).update(updated_at=when)
    return candidate


def test_withdrawn_candidate_is_erased_after_the_retention_period(
    plan, hr, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    gone = _applied(plan, hr, 1, Status.WITHDRAWN, days_ago=200)
    gone.photo.save("p.jpg", ContentFile(b"\xff\xd8photo"), save=True)
    attachment = Attachment.objects.create(
        application=gone.applications.get(), file=ContentFile(b"%PDF-1.4", name="proof.pdf")
    )
    photo_path, attachment_path = gone.photo.path, attachment.file.path
    id_number = gone.id_number

    with django_capture_on_commit_callbacks(execute=True):
        report = candidates_erase_withdrawn(older_than_days=180, actor="system:test", today=TODAY)

    assert report.candidates == 1 and report.files == 2
    gone.refresh_from_db()
    assert gone.full_name == "（已删除）" and gone.id_number == "" and gone.phone == ""
    assert not gone.photo and not WorkPeriod.objects.filter(candidate=gone).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not Path(photo_path).exists() and not Path(attachment_path).exists()
    assert gone.applications.count() == 1  # the anonymous row keeps the statistics whole
    event = AuditEvent.objects.get(action="candidate.erase")
    assert id_number not in json.dumps(event.changes, ensure_ascii=False) + event.object_repr


def test_recent_active_or_assessed_candidates_are_kept(plan, hr):
    recent = _applied(plan, hr, 2, Status.WITHDRAWN, days_ago=20)
    approved = _applied(plan, hr, 3, Status.APPROVED, days_ago=400)
    report = candidates_erase_withdrawn(older_than_days=180, actor="system:test", today=TODAY)
    assert report.candidates == 0
    assert {c.full_name for c in Candidate.objects.filter(pk__in=[recent.pk, approved.pk])} == {
        recent.full_name,
        approved.full_name,
    }


def test_dry_run_reports_without_changing_anything(plan, hr):
    kept = _applied(plan, hr, 4, Status.REJECTED, days_ago=365)
    report = candidates_erase_withdrawn(
        older_than_days=180, actor="system:test", dry_run=True, today=TODAY
    )
    assert report.as_dict() == {"candidates": 1, "applications": 1, "files": 0, "dry_run": True}
    kept.refresh_from_db()
    assert kept.full_name == "考生4" and not AuditEvent.objects.filter(action="candidate.erase")


def test_a_too_short_retention_period_is_refused():
    with pytest.raises(DomainError) as caught:
        candidates_erase_withdrawn(older_than_days=7, actor="system:test")
    assert caught.value.code == "retention.too_short"


def test_command_prints_json_and_exits_2_on_bad_input(plan, hr):
    out = io.StringIO()
    call_command("candidates", "erase-withdrawn", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["dry_run"] is True
    with pytest.raises(SystemExit) as exited:
        call_command(
            "candidates", "erase-withdrawn", "--older-than-days", "1", stderr=io.StringIO()
        )
    assert exited.value.code == 2
