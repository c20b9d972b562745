"""`manage.py itembank rekey [--json]`: after adding a new key in front of
SKILLCERT_ITEMBANK_KEYS (key rotation), re-encrypt every item and item version with it, so
the old key can be retired. Prints the number of rows re-encrypted (`{"rows": N}` with
--json); exit 2, with the reason on stderr, when encryption at rest is not switched on."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.common.errors import DomainError
from skillcert.itembank.services import items_rekey

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "题库：rekey 用最新密钥重新加密全部试题（密钥轮换后）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rekey = sub.add_parser("rekey", help="用 SKILLCERT_ITEMBANK_KEYS 的第一个密钥重新加密")
        rekey.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = items_rekey(actor=command_actor("itembank"))
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(EXIT_BAD_INPUT)
        if options["json"]:
            self.stdout.write(json.dumps({"rows": rows}))
        else:
            self.stdout.write(f"已用最新密钥重新加密 {rows} 行试题")
