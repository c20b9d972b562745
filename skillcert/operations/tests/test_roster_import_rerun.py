"""A roster import's job runs again when its worker died before django-tasks marked it done
(`jobs requeue-stale` hands it to another worker). Whenever the worker died, the rows are
imported exactly once and the recorded outcome says so (bench/cluster.py kills workers)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application, ImportStatus, RosterImport
from skillcert.applications.services import roster_upload_create
from skillcert.applications.tasks import roster_import_run
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.plans.tests.factories import make_id

pytestmark = pytest.mark.django_db
ROWS = 12


def _rows() -> list[dict[str, object]]:
    return [valid_row(make_id(i, birth=f"199001{1 + i:02d}")) for i in range(ROWS)]


def _queued(plan, personas) -> RosterImport:
    """The upload with its job queued; a test's transaction never commits, so the immediate
    backend's on-commit run does not happen and each test runs the job itself."""
    return roster_upload_create(
        plan=plan,
        upload=SimpleUploadedFile("roster.xlsx", roster_bytes(_rows())),
        actor=personas.clerk_a,
        partial=True,
        dry_run=False,
    )


def _outcome(job: RosterImport) -> tuple[str, int, int]:
    job.refresh_from_db()
    return job.status, job.imported, job.error_count


def test_job_left_running_by_a_killed_worker_imports_when_run_again(plan, personas):
    job = _queued(plan, personas)
    # Killed inside the import's transaction: the status says RUNNING, no row was kept.
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    roster_import_run.call(job.pk)

    assert _outcome(job) == (ImportStatus.DONE, ROWS, 0)
    assert Application.objects.filter(plan=plan).count() == ROWS


def test_job_run_again_after_its_outcome_was_recorded_keeps_it(plan, personas):
    job = _queued(plan, personas)
    roster_import_run.call(job.pk)
    assert _outcome(job) == (ImportStatus.DONE, ROWS, 0)

    roster_import_run.call(job.pk)  # requeued: its worker died before marking the job done

    assert _outcome(job) == (ImportStatus.DONE, ROWS, 0)
    assert Application.objects.filter(plan=plan).count() == ROWS


def test_job_whose_rows_were_committed_before_its_worker_died_is_not_imported_again(plan, personas):
    job = _queued(plan, personas)
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    # The worker's import committed its rows and, in the same transaction, their outcome;
    # the worker died before anything else ran.
    roster_import(
        plan=plan, source=roster_bytes(_rows()), actor=personas.clerk_a, partial=True,
        roster_import_row=job,
    )  # fmt: skip

    roster_import_run.call(job.pk)

    assert _outcome(job) == (ImportStatus.DONE, ROWS, 0)
    assert Application.objects.filter(plan=plan).count() == ROWS
    assert Application.objects.filter(plan=plan, roster_import=job).count() == ROWS
