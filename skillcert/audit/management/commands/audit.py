"""`manage.py audit verify [--anchors DIR]`: check the keyed hash chain (exit 1 at the first
break, or when a published anchor no longer matches). `manage.py audit anchor --out DIR`:
publish today's signed chain head as DIR/audit-anchor-YYYY-MM-DD.json (run daily from cron;
DIR should be storage the application cannot rewrite)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.audit.services import audit_anchor_check, audit_anchor_create, audit_verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链（可同时核对已发布的锚点）；anchor 发布当日签名链头"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="校验审计哈希链")
        verify.add_argument("--anchors", help="已发布锚点所在目录（audit-anchor-*.json）")
        anchor = sub.add_parser("anchor", help="发布当日签名链头（锚点）")
        anchor.add_argument("--out", required=True, help="锚点写入的目录（应为应用无法改写的存储）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "anchor":
            self._anchor(Path(options["out"]))
            return
        checked, found = audit_verify()
        if found is not None:
            self.stderr.write(f"审计链断裂：第一个断点为事件 #{found.event_id}：{found.reason}")
            raise SystemExit(1)
        anchors = (
            sorted(Path(options["anchors"]).glob("audit-anchor-*.json"))
            if options.get("anchors")
            else []
        )
        for path in anchors:
            try:
                problem = audit_anchor_check(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                problem = f"无法读取锚点文件 {path.name}"
            if problem is not None:
                self.stderr.write(f"审计链与已发布锚点不符：{problem}")
                raise SystemExit(1)
        suffix = f"，并与 {len(anchors)} 个已发布锚点一致" if anchors else ""
        self.stdout.write(f"审计链完整：已校验 {checked} 条记录{suffix}")

    def _anchor(self, folder: Path) -> None:
        anchor = audit_anchor_create()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"audit-anchor-{anchor.day}.json"
        try:
            with path.open("x", encoding="utf-8") as handle:  # never overwrite a published one
                json.dump(anchor.as_json(), handle, ensure_ascii=False)
        except FileExistsError:
            raise CommandError(f"{path} 已存在：同一天的锚点只发布一次") from None
        self.stdout.write(json.dumps(anchor.as_json(), ensure_ascii=False))
