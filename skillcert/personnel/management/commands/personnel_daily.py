"""`manage.py personnel_daily`: the daily housekeeping of examiner cards: void cards left
uncollected past their deadline (banning after the province's count in a row), expire roles
whose card lapsed, and record expiry reminders. Idempotent; run once a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.common.errors import DomainError
from skillcert.personnel.services import card_reminders_send, cards_void_uncollected, roles_expire


class Command(BaseCommand):
    help = "作废逾期未领取的考评员证卡、过期角色并发送到期提醒"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按指定日期执行（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date 应为 YYYY-MM-DD") from None
        actor = command_actor("personnel_daily")
        try:
            voided = cards_void_uncollected(actor=actor, today=today)
            expired = roles_expire(actor=actor, today=today)
            reminded = card_reminders_send(actor=actor, today=today)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"作废证卡 {len(voided)} 张，过期角色 {expired} 个，发送到期提醒 {len(reminded)} 条"
        )
