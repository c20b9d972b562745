"""Background work: the web roster upload runs here (django-tasks; the database backend in
production, the immediate backend under tests)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from skillcert.accounts.actors import TASK
from skillcert.applications.importing import roster_import
from skillcert.applications.models import ImportStatus, RosterImport
from skillcert.applications.roster_files import RosterFileError
from skillcert.common.errors import DomainError

# The error list kept for the page and the report; the count is always complete.
MAX_STORED_ERRORS = 20_000
INTERRUPTED_AFTER_COMMIT = (
    "后台任务处理程序在记录结果前中断：已导入的 {written} 人已保存，未重复导入；"
    "逐行错误明细未能保存，如需查看请用同一文件“仅校验”重新上传"
)


@task()
def roster_import_run(import_id: int) -> None:
    job = RosterImport.objects.select_related("plan", "created_by").get(pk=import_id)
    # A job runs again when its worker died before django-tasks marked it done (`jobs
    # requeue-stale`). Its outcome, once recorded, stands: a second run would find its own
    # rows already applied and report every one of them as an error.
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return
    written = job.applications.count()
    if written:
        # The worker died between committing the rows and recording the outcome: the rows
        # stand (never written twice); the row-by-row report of that run is gone.
        RosterImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            imported=written,
            processed_rows=F("total_rows"),
            message=INTERRUPTED_AFTER_COMMIT.format(written=written),
            finished_at=timezone.now(),
        )
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
    RosterImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        total_rows=outcome.data_rows,
        processed_rows=outcome.data_rows,
        imported=outcome.imported,
        error_count=len(outcome.errors),
        # Warnings are kept beside the errors (each row says its severity); the error count
        # stays the errors'.
        errors=[
            e.as_dict()
            for e in sorted(outcome.errors + outcome.warnings, key=lambda e: (e.row, e.column))[
                :MAX_STORED_ERRORS
            ]
        ],
        finished_at=timezone.now(),
    )
