"""Background work: the web roster upload runs here (django-tasks; the database backend in
production, the immediate backend under tests)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from skillcert.accounts.actors import TASK
from skillcert.applications.importing import roster_import, roster_import_outcome_record
from skillcert.applications.models import ImportStatus, RosterImport
from skillcert.applications.roster_files import RosterFileError
from skillcert.common.errors import DomainError


@task()
def roster_import_run(import_id: int) -> None:
    job = RosterImport.objects.select_related("plan", "created_by").get(pk=import_id)
    # A job runs again when its worker died before django-tasks marked it done (`jobs
    # requeue-stale`). Its outcome, once recorded, stands; an import that wrote rows
    # recorded it in the same transaction (importing.roster_import), so a run that died
    # after that commit finds it there.
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return
    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        # Outside the write transaction, so the page polling it sees each step.
        RosterImport.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    job.file.open("rb")
    try:
        data = job.file.read()
    finally:
        job.file.close()
    try:
        outcome = roster_import(
            plan=job.plan,
            source=data,
            actor=job.created_by or TASK,
            partial=job.partial,
            dry_run=job.dry_run,
            roster_import_row=job,
            progress=progress,
        )
    except RosterFileError as exc:
        RosterImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=exc.message, finished_at=timezone.now()
        )
        return
    except DomainError as exc:
        RosterImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, message=exc.message, finished_at=timezone.now()
        )
        return
    if not outcome.recorded:
        roster_import_outcome_record(import_id=job.pk, outcome=outcome)
