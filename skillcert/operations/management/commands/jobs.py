from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from skillcert.operations.jobs import jobs_requeue_stale


class Command(BaseCommand):
    help = "后台任务维护：requeue-stale 把工作进程意外退出后遗留的“运行中”任务重新排队"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        requeue = sub.add_parser("requeue-stale")
        requeue.add_argument(
            "--minutes", type=int, default=30, help="运行超过该分钟数的任务视为已中断（默认 30）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs_requeue_stale(older_than=dt.timedelta(minutes=options["minutes"]))
        self.stdout.write(f"已重新排队 {count} 个中断的任务")
