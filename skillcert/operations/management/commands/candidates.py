"""`manage.py candidates erase-withdrawn [--older-than-days 180] [--dry-run]`: the PIPL
retention procedure (skillcert/operations/retention.py). Prints one JSON line
(`{"candidates": n, "applications": m, "files": k, "dry_run": bool}`); exit 0, or 2 on bad
input. Run it monthly from cron (docs/DEPLOYMENT.md)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.common.errors import DomainError
from skillcert.operations.retention import candidates_erase_withdrawn


class Command(BaseCommand):
    help = "考生个人信息保存期满删除（撤回或未通过审核、未参加评价的考生）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        erase = sub.add_parser("erase-withdrawn")
        erase.add_argument("--older-than-days", type=int, default=180)
        erase.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = candidates_erase_withdrawn(
                older_than_days=options["older_than_days"],
                actor=command_actor("retention"),
                dry_run=options["dry_run"],
            )
        except DomainError as error:
            self.stderr.write(json.dumps(error.as_dict(), ensure_ascii=False))
            sys.exit(2)
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
