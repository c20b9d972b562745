"""Print a user's current TOTP code. For operators with shell access to the server (who can
already do anything): it lets a demo or a locked-out officer in without a phone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

from skillcert.accounts.models import User
from skillcert.accounts.services import totp_device_for


class Command(BaseCommand):
    help = "显示用户身份验证器的当前动态口令（运维用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在")
        device = totp_device_for(user=user)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
