from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.common.errors import DomainError
from skillcert.workdays.selectors import workdays_add, workdays_between
from skillcert.workdays.services import calendar_notice_import

SYSTEM = command_actor("workdays")
EXIT_BAD_INPUT = 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期 {value!r} 格式不正确，应为 YYYY-MM-DD") from None


def _read(path: str) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(
            f"无法读取文件 {path}：{exc.strerror}", returncode=EXIT_BAD_INPUT
        ) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"文件 {path} 不是 UTF-8 或 GB18030 编码的文本", returncode=EXIT_BAD_INPUT)


class Command(BaseCommand):
    help = (
        "工作日计算与年度放假安排：add 日期 N（第 N 个工作日）；between 日期A 日期B；"
        "import-notice --year 年份 --file 通知.txt（录入国务院办公厅放假通知）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help="起始日之后的第 N 个工作日（起始日本身不计）")
        add.add_argument("start")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="(A, B] 之间的工作日数")
        between.add_argument("a")
        between.add_argument("b")
        notice = sub.add_parser(
            "import-notice", help="读取国务院办公厅年度节假日安排通知（文本），录入该年日历"
        )
        notice.add_argument("--year", type=int, required=True)
        notice.add_argument("--file", required=True)
        notice.add_argument("--dry-run", action="store_true", help="只检查并显示，不写入")
        notice.add_argument("--json", action="store_true", help="以 JSON 输出放假日与调休上班日")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "add":
                result = workdays_add(_date(options["start"]), options["n"])
                self.stdout.write(result.isoformat())
            elif options["subcommand"] == "between":
                count = workdays_between(_date(options["a"]), _date(options["b"]))
                self.stdout.write(str(count))
            else:
                self._import_notice(options)
        except DomainError as exc:
            code = EXIT_BAD_INPUT if options["subcommand"] == "import-notice" else 1
            raise CommandError(exc.message, returncode=code) from None

    def _import_notice(self, options: dict[str, Any]) -> None:
        notice = calendar_notice_import(
            year=options["year"],
            text=_read(options["file"]),
            actor=SYSTEM,
            dry_run=options["dry_run"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(notice.as_json(), ensure_ascii=False))
            return
        verb = "检查通过（未写入）" if options["dry_run"] else "已录入"
        self.stdout.write(
            f"{notice.year}年放假安排{verb}：放假 {len(notice.holidays)} 天，"
            f"调休上班 {len(notice.workdays)} 天"
        )
        for day, name in sorted(notice.holidays.items()):
            self.stdout.write(f"  放假  {day.isoformat()}  {name}")
        for day, name in sorted(notice.workdays.items()):
            self.stdout.write(f"  上班  {day.isoformat()}  {name}")
