"""`manage.py users_import accounts.csv`: accounts from a roster file (an organisation's
markers, examiners), through `users_create_bulk`.

The file is UTF-8 CSV (Excel's BOM is fine) with a header row naming the columns of
`NewAccount`: `username` and `full_name` are required, `phone` is optional. All or nothing:
a bad row (blank or repeated username, a username already in use, a malformed mobile
number) creates no account and exits 1 with a message naming the row; a file that cannot
be read exits 2."""

from __future__ import annotations

import csv
from dataclasses import fields
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.accounts.models import User
from skillcert.accounts.services import NewAccount, users_create_bulk
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import validate_mobile

ACTOR = command_actor("users_import")
COLUMNS = [f.name for f in fields(NewAccount)]
REQUIRED = ["username", "full_name"]


class Command(BaseCommand):
    help = (
        "从 CSV 文件批量创建账户（表头：username,full_name[,phone]；任一行有误则不创建任何账户）。"
        "新账户没有可用密码，不能直接登录：须由管理员发起密码重置，账户持有人设置密码后方可登录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 编码的 CSV 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        lines, accounts = _read(Path(options["file"]))
        try:
            created = users_create_bulk(accounts=accounts, actor=ACTOR)
        except DomainError as exc:
            where = _row_at_fault(lines, accounts, exc.code)
            raise CommandError(f"{where}{exc.message}；未创建任何账户") from None
        self.stdout.write(f"已创建 {len(created)} 个账户（均无可用密码，须重置密码后登录）")


def _read(path: Path) -> tuple[list[int], list[NewAccount]]:
    """The file's rows as accounts, with the line each one ends on (its line, unless a quoted
    cell spans lines)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _rows(csv.DictReader(handle))
    except FileNotFoundError:
        raise CommandError(f"文件不存在：{path}", returncode=2) from None
    except (UnicodeDecodeError, csv.Error):
        raise CommandError(f"无法读取 {path}：应为 UTF-8 编码的 CSV 文件", returncode=2) from None


def _rows(reader: csv.DictReader[str]) -> tuple[list[int], list[NewAccount]]:
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        problems = [f"缺少 {','.join(missing)}"] if missing else []
        problems += [f"无法识别 {','.join(unknown)}"] if unknown else []
        raise CommandError(
            f"表头应为 {','.join(COLUMNS)}（phone 可省略）；{'，'.join(problems)}", returncode=2
        )
    reader.fieldnames = header
    lines: list[int] = []
    accounts: list[NewAccount] = []
    for row in reader:
        if None in row:
            raise CommandError(f"第{reader.line_num}行：列数多于表头")
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        if any(values.values()):  # rows of empty cells at the end of a spreadsheet export
            lines.append(reader.line_num)
            accounts.append(NewAccount(**values))
    if not accounts:
        raise CommandError("文件中没有账户行")
    return lines, accounts


def _row_at_fault(lines: list[int], accounts: list[NewAccount], code: str) -> str:
    """Which row the service refused: it refuses the whole roster without saying."""
    names = [account.username for account in accounts]
    at: int | None = None
    if code == "user.username_required":
        at = next((i for i, name in enumerate(names) if not name), None)
    elif code == "user.username_taken":
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                return f"第{lines[i]}行（用户名 {name}，与第{lines[first[name]]}行重复）："
            first[name] = i
        taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        at = next((i for i, name in enumerate(names) if name in taken), None)
    elif code == "mobile.format":
        at = next((i for i, a in enumerate(accounts) if a.phone and not _mobile_ok(a.phone)), None)
    if at is None:
        return ""
    return f"第{lines[at]}行（用户名 {names[at] or '空'}）："


def _mobile_ok(raw: str) -> bool:
    try:
        validate_mobile(raw)
    except DomainError:
        return False
    return True
