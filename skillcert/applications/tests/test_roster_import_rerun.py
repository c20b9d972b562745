"""An import that writes rows stores its outcome on its RosterImport row in the same
transaction (importing.roster_import), so running the same import again — its worker died
after the commit and the job was handed to another — returns that outcome and writes no row,
instead of reporting every row as already applied."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application, ImportStatus, RosterImport
from skillcert.applications.services import roster_upload_create
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.audit.models import AuditEvent
from skillcert.plans.tests.factories import make_id

pytestmark = pytest.mark.django_db
VALID = 5


def _roster() -> bytes:
    rows = [valid_row(make_id(i, birth=f"199002{1 + i:02d}")) for i in range(VALID)]
    rows.append(valid_row(make_id(VALID, birth="19900220"), 职业编码="9-99-99-99"))
    return roster_bytes(rows)


def _job(plan, personas, data: bytes) -> RosterImport:
    job = roster_upload_create(
        plan=plan,
        upload=SimpleUploadedFile("roster.xlsx", data),
        actor=personas.clerk_a,
        partial=True,
        dry_run=False,
    )
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    return job


def _import(plan, personas, data: bytes, job: RosterImport):
    return roster_import(
        plan=plan, source=data, actor=personas.clerk_a, partial=True, roster_import_row=job
    )


def test_import_records_its_outcome_with_its_rows(plan, personas):
    data = _roster()
    job = _job(plan, personas, data)

    outcome = _import(plan, personas, data, job)

    job.refresh_from_db()
    assert outcome.recorded
    assert (job.status, job.imported, job.error_count, job.total_rows) == (
        ImportStatus.DONE, VALID, 1, VALID + 1,
    )  # fmt: skip
    assert [e["code"] for e in job.errors] == ["occupation_unknown"]
    assert job.finished_at is not None
    assert Application.objects.filter(roster_import=job).count() == VALID


def test_rerun_after_commit_returns_recorded_outcome_and_writes_nothing(plan, personas):
    data = _roster()
    job = _job(plan, personas, data)
    first = _import(plan, personas, data, job)
    audits = AuditEvent.objects.filter(action="roster.import").count()

    again = _import(plan, personas, data, job)

    assert (again.imported, [e.code for e in again.errors]) == (VALID, ["occupation_unknown"])
    assert again.application_ids == first.application_ids
    job.refresh_from_db()
    assert (job.status, job.imported, job.error_count) == (ImportStatus.DONE, VALID, 1)
    assert Application.objects.filter(plan=plan).count() == VALID
    assert AuditEvent.objects.filter(action="roster.import").count() == audits


def test_import_of_rows_already_applied_without_recorded_outcome_reports_them(plan, personas):
    data = _roster()
    _import(plan, personas, data, _job(plan, personas, data))
    other = _job(plan, personas, data)  # a second upload of the same file: a new import

    outcome = _import(plan, personas, data, other)

    assert outcome.imported == 0
    assert sorted({e.code for e in outcome.errors}) == ["already_applied", "occupation_unknown"]
    assert Application.objects.filter(plan=plan).count() == VALID
