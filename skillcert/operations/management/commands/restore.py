from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.common.errors import DomainError
from skillcert.operations.backup import backup_restore


class Command(BaseCommand):
    help = "从备份目录恢复，并校验行数与审计链；校验失败时退出码为 1"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="backup 命令生成的备份目录")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("恢复将覆盖当前数据库和上传文件；确认请加 --yes")
        try:
            problems = backup_restore(source=Path(options["path"]))
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise SystemExit(1)
        self.stdout.write("恢复完成，行数与审计链校验通过")
