from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from skillcert.operations.jobs import jobs_requeue_stale


class Command(BaseCommand):
    help = (
        "后台任务维护：requeue-stale 把处理程序已停止心跳（进程被杀、主机宕机）后遗留的"
        "“运行中”任务重新排队；处理程序仍在心跳的任务无论运行多久都不动"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        requeue = sub.add_parser("requeue-stale")
        requeue.add_argument(
            "--minutes",
            "--older-than",
            dest="minutes",
            type=int,
            default=30,
            help="只考虑运行超过该分钟数的任务（默认 30）；处理程序仍在心跳的任务不会重新排队",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs_requeue_stale(older_than=dt.timedelta(minutes=options["minutes"]))
        self.stdout.write(f"已重新排队 {count} 个处理程序已停止的任务")
