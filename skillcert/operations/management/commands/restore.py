from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.common.errors import DomainError
from skillcert.operations.backup import backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "从备份目录恢复：先校验清单签名和每个文件的 SHA-256，再恢复到暂存副本并核对行数与审计链，"
        "全部通过后才替换当前数据；任何一步失败都不改动当前数据（退出码 1）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="backup 命令生成的备份目录")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库和上传文件")
        parser.add_argument(
            "--check", action="store_true", help="只校验签名与每个文件的 SHA-256，不恢复"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        if options["check"]:
            try:
                backup_check(source=source)
            except DomainError as exc:
                raise CommandError(f"{exc.message}（{exc.code}）") from None
            self.stdout.write("备份校验通过：签名有效，每个文件的 SHA-256 与清单一致")
            return
        if not options["yes"]:
            raise CommandError("恢复将覆盖当前数据库和上传文件；确认请加 --yes")
        try:
            problems = backup_restore(source=source)
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from None
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise SystemExit(1)
        self.stdout.write("恢复完成：签名、文件哈希、行数与审计链校验通过")
