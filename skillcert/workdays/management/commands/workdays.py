from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.common.errors import DomainError
from skillcert.workdays.selectors import workdays_add, workdays_between


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期 {value!r} 格式不正确，应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "工作日计算：add 日期 N（第 N 个工作日）；between 日期A 日期B（A 之后至 B 的工作日数）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help="起始日之后的第 N 个工作日（起始日本身不计）")
        add.add_argument("start")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="(A, B] 之间的工作日数")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "add":
                result = workdays_add(_date(options["start"]), options["n"])
                self.stdout.write(result.isoformat())
            else:
                count = workdays_between(_date(options["a"]), _date(options["b"]))
                self.stdout.write(str(count))
        except DomainError as exc:
            raise CommandError(exc.message) from None
