"""`manage.py serve`: the web server (gunicorn) and the background worker as one command, the
way `make run` starts the product. Ctrl-C stops both; a worker that exits is restarted."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from skillcert.operations.supervisor import Supervisor


class Command(BaseCommand):
    help = "启动网站（gunicorn）和后台任务处理程序；Ctrl-C 同时停止，处理程序意外退出时自动重启"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）"
        )
        parser.add_argument("--workers", type=int, default=2, help="网站进程数（默认 2）")
        parser.add_argument("--threads", type=int, default=4, help="每个网站进程的线程数（默认 4）")

    def handle(self, *args: Any, **options: Any) -> None:
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "skillcert.config.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        worker = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "worker",
            "--verbosity",
            "0",
            "--no-startup-delay",
        ]
        supervisor = Supervisor(web=web, worker=worker, say=self.stdout.write)
        signal.signal(signal.SIGINT, supervisor.stop)
        signal.signal(signal.SIGTERM, supervisor.stop)
        self.stdout.write(
            f"skillcert 已启动：http://{options['bind']}  （网站 + 后台任务处理程序；Ctrl-C 停止）"
        )
        code = supervisor.run()
        self.stdout.write("已停止网站和后台任务处理程序")
        if code:
            sys.exit(code)
