"""`manage.py worker`: the background worker (django-tasks' database worker) with a heartbeat,
so pages waiting on a job can tell whether anything will pick it up."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from skillcert.operations.workers import HeartbeatThread


class Command(DBWorkerCommand):
    help = "后台任务处理程序（名册导入、准考证、证书批量核发、统计更新与报表）"

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = HeartbeatThread(worker_id=options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
