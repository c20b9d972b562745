"""Exchange with the provincial platform and the national registry (docs/formats/exchange.md).

exchange export --after N [--limit M] [--out FILE|-]
    writes the signed batch of this installation's feed after cursor N (stdout with "-").
exchange import FILE|-
    verifies a peer's batch against its registered key and applies its new entries; prints
    {"after", "next", "entries", "applied"}.
exchange push
    one push round to every peer with a receiving address; prints the outcome per peer.
exchange peer-add --name --installation --province --role [--url] [--keys FILE | --keys-url URL]
    [--token-env VAR] [--account USERNAME]
    registers a peer (the token to present to it is read from the environment variable VAR).
exchange verify NUMBER
    the aggregated registry's answer for a certificate number.

Exit codes: 0 done; 2 bad input (unreadable file, malformed or tampered batch, unknown sender,
bad cursor), with a Chinese message on stderr."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.common.errors import DomainError
from skillcert.exchange.choices import PeerRole
from skillcert.exchange.selectors import registry_certificate_verify
from skillcert.exchange.services import batch_build, batch_import, peer_register
from skillcert.exchange.tasks import exchange_push_all

EXIT_BAD_INPUT = 2
ACTOR = command_actor("exchange")


class Command(BaseCommand):
    help = "数据交换：导出、接收、推送交换批次，登记对端，查询汇集的证书"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export")
        export.add_argument("--after", required=True)
        export.add_argument("--limit", default="500")
        export.add_argument("--out", default="-")
        load = sub.add_parser("import")
        load.add_argument("file")
        sub.add_parser("push")
        peer = sub.add_parser("peer-add")
        peer.add_argument("--name", required=True)
        peer.add_argument("--installation", required=True)
        peer.add_argument("--province", required=True)
        peer.add_argument("--role", required=True, choices=PeerRole.values)
        peer.add_argument("--url", default="")
        peer.add_argument("--keys", default="")
        peer.add_argument("--keys-url", default="")
        peer.add_argument("--token-env", default="")
        peer.add_argument("--account", default="")
        verify = sub.add_parser("verify")
        verify.add_argument("number")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)
        except DomainError as exc:
            self._bad(f"[{exc.code}] {exc.message}")

    def _bad(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(EXIT_BAD_INPUT)

    def _int(self, options: dict[str, Any], name: str) -> int:
        try:
            return int(options[name])
        except ValueError:
            self._bad(f"--{name} 应为整数")

    def _export(self, options: dict[str, Any]) -> None:
        document = batch_build(after=self._int(options, "after"), limit=self._int(options, "limit"))
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if options["out"] == "-":
            self.stdout.write(text)
            return
        Path(options["out"]).write_text(text, encoding="utf-8")
        self.stdout.write(
            f"已导出 {len(document['entries'])} 条记录（游标 {document['after']} → "
            f"{document['next']}）到 {options['out']}"
        )

    def _read_json(self, name: str) -> Any:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            return json.loads(text)
        except (OSError, UnicodeDecodeError):
            self._bad(f"无法读取文件 {name}")
        except ValueError:
            self._bad(f"文件 {name} 不是有效的 JSON")

    def _import(self, options: dict[str, Any]) -> None:
        receipt = batch_import(document=self._read_json(options["file"]), actor=ACTOR)
        self.stdout.write(
            json.dumps(
                {
                    "after": receipt.after,
                    "next": receipt.next,
                    "entries": receipt.entries,
                    "applied": receipt.applied,
                }
            )
        )

    def _push(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(exchange_push_all(actor=ACTOR), ensure_ascii=False))

    def _peer_add(self, options: dict[str, Any]) -> None:
        account = None
        if options["account"]:
            account = get_user_model().objects.filter(username=options["account"]).first()
            if account is None:
                self._bad(f"账号 {options['account']} 不存在")
        token = os.environ.get(options["token_env"], "") if options["token_env"] else ""
        peer = peer_register(
            name=options["name"],
            installation=options["installation"],
            province=options["province"],
            role=options["role"],
            url=options["url"],
            public_keys=self._read_json(options["keys"]) if options["keys"] else None,
            keys_url=options["keys_url"],
            token=token,
            account=account,
            actor=ACTOR,
        )
        self.stdout.write(f"已登记交换对端 {peer.name}（{peer.installation}）")

    def _verify(self, options: dict[str, Any]) -> None:
        answer = registry_certificate_verify(number=options["number"])
        if answer is None:
            self.stdout.write(json.dumps({"found": False}))
            return
        self.stdout.write(json.dumps({"found": True, **vars(answer)}, ensure_ascii=False))
