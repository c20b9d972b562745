from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.common.errors import DomainError
from skillcert.operations.backup import backup_create


class Command(BaseCommand):
    help = (
        "备份数据库与上传文件（SQLite 在线备份 / PostgreSQL pg_dump），写入带签名的校验清单；"
        "备份目录仅属主可读（0700，文件 0600）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="备份目录（默认 var/backups/skillcert-时间）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(target=Path(options["output"]) if options["output"] else None)
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from None
        self.stdout.write(f"备份完成：{result.path}（{sum(result.counts.values())} 行）")
