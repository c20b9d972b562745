"""`manage.py personnel_daily`: the daily housekeeping of examiner cards: void cards left
uncollected past their deadline (banning after the province's count in a row), expire roles
whose card lapsed, and record expiry reminders. Idempotent. The worker runs the same sweep
once a day on its own (`personnel.tasks`); this command runs it now, recorded the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.accounts.actors import command_actor
from skillcert.common.errors import DomainError
from skillcert.personnel.tasks import personnel_daily_sweep_run


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
            outcome = personnel_daily_sweep_run(actor=actor, today=today, force=True)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"作废证卡 {outcome.voided} 张，过期角色 {outcome.expired} 个，"
            f"发送到期提醒 {outcome.reminded} 条"
        )
