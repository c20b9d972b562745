"""Telling the candidate about each decision, through pluggable senders.

`SKILLCERT_NOTIFICATION_SENDERS` lists dotted paths of sender classes (default: the database
sender, which is what the candidate's notification list shows). SMS and e-mail senders are
added later by implementing `send`. Services call `notify` inside their transaction; sending
happens only after commit, so a rolled-back decision never reaches anyone."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

DEFAULT_SENDERS = ("skillcert.applications.notifications.DatabaseSender",)


@dataclass(frozen=True)
class Notice:
    candidate_id: int
    application_id: int | None
    subject: str
    body: str


class Sender(Protocol):
    def send(self, notices: list[Notice]) -> None: ...


class DatabaseSender:
    def send(self, notices: list[Notice]) -> None:
        from skillcert.applications.models import Notification

        Notification.objects.bulk_create(
            Notification(
                candidate_id=n.candidate_id,
                application_id=n.application_id,
                subject=n.subject,
                body=n.body,
            )
            for n in notices
        )


class ConsoleSender:
    """For development: prints each notice to standard output."""

    def send(self, notices: list[Notice]) -> None:
        for n in notices:
            sys.stdout.write(f"[通知] 考生#{n.candidate_id} {n.subject}：{n.body}\n")


@cache
def _senders(paths: tuple[str, ...]) -> tuple[Sender, ...]:
    return tuple(import_string(path)() for path in paths)


def senders() -> tuple[Sender, ...]:
    paths = tuple(getattr(settings, "SKILLCERT_NOTIFICATION_SENDERS", DEFAULT_SENDERS))
    return _senders(paths)


def notify(notices: list[Notice]) -> None:
    if not notices:
        return

    def deliver() -> None:
        for sender in senders():
            sender.send(notices)

    transaction.on_commit(deliver)
