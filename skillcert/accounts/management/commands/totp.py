"""For operators with shell access to the server (who can already do anything):
`totp USERNAME --enrolment-code` issues the one-time code an officer needs to bind an
authenticator (first time or after a lost phone); `totp USERNAME` prints the current code of
the bound authenticator, which lets a demo user in without a phone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

from skillcert.accounts.actors import command_actor
from skillcert.accounts.models import User
from skillcert.accounts.services import totp_device_for, totp_enrolment_issue


class Command(BaseCommand):
    help = "显示用户身份验证器的当前动态口令（运维用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--enrolment-code",
            action="store_true",
            help="签发一次性绑定码（首次绑定或更换手机；原身份验证器立即失效）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在")
        if options["enrolment_code"]:
            code = totp_enrolment_issue(user=user, actor=command_actor("totp"))
            self.stdout.write(code)
            return
        device = totp_device_for(user=user)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
