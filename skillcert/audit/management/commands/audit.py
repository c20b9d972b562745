from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from skillcert.audit.services import audit_verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，发现断点时以退出码 1 结束"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="校验审计哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, found = audit_verify()
        if found is None:
            self.stdout.write(f"审计链完整：已校验 {checked} 条记录")
            return
        self.stderr.write(f"审计链断裂：第一个断点为事件 #{found.event_id}：{found.reason}")
        raise SystemExit(1)
