"""`manage.py roster import --plan CODE --file roster.xlsx [--dry-run] [--partial] [--json]`

Exit status: 0 every row imported (or would be, with --dry-run); 1 some row has errors
(with --partial the valid rows were imported); 2 the file (or the plan) cannot be used.
--json prints {"imported": n, "errors": [{"row", "column", "code", "message"}]}."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from skillcert.accounts.actors import command_actor
from skillcert.applications.importing import roster_import
from skillcert.applications.roster_files import RosterFileError
from skillcert.common.errors import DomainError
from skillcert.plans.selectors import plan_by_code

ACTOR = command_actor("roster")


class Command(BaseCommand):
    help = "评价机构花名册：导入申报人员"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="导入花名册（默认任一行有误则整表不导入）")
        run.add_argument("--plan", required=True, help="评价计划编号")
        run.add_argument("--file", required=True, help="花名册 .xlsx 文件")
        run.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        run.add_argument("--partial", action="store_true", help="导入有效行，报告错误行")
        run.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        plan = plan_by_code(code=options["plan"])
        if plan is None:
            self._fail(2, "roster.plan_unknown", f"评价计划“{options['plan']}”不存在", as_json)
            return
        path = Path(options["file"])
        if not path.is_file():
            self._fail(2, "roster.file_missing", f"文件不存在：{path}", as_json)
            return
        try:
            outcome = roster_import(
                plan=plan,
                source=path,
                actor=ACTOR,
                partial=options["partial"],
                dry_run=options["dry_run"],
            )
        except RosterFileError as exc:
            self._fail(2, exc.code, exc.message, as_json)
            return
        except DomainError as exc:
            self._fail(1, exc.code, exc.message, as_json)
            return
        if as_json:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))
        else:
            for error in outcome.errors:
                self.stdout.write(f"第{error.row}行 {error.column} [{error.code}] {error.message}")
            verb = "可导入" if options["dry_run"] else "已导入"
            self.stdout.write(
                f"{verb} {outcome.imported} 人；数据行 {outcome.data_rows}，"
                f"错误 {len(outcome.errors)} 处"
            )
        if outcome.errors:
            sys.exit(1)

    def _fail(self, status: int, code: str, message: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "imported": 0,
                        "errors": [{"row": None, "column": None, "code": code, "message": message}],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stderr.write(message)
        sys.exit(status)
