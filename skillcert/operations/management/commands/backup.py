from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from skillcert.operations.backup import backup_create


class Command(BaseCommand):
    help = "备份数据库与上传文件（SQLite 在线备份 / PostgreSQL pg_dump），并写入校验清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="备份目录（默认 var/backups/skillcert-时间）")

    def handle(self, *args: Any, **options: Any) -> None:
        result = backup_create(target=Path(options["output"]) if options["output"] else None)
        self.stdout.write(f"备份完成：{result.path}（{sum(result.counts.values())} 行）")
