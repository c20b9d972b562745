"""What every stage shares: the scale, the random source, the cities and users made so far,
the stage timer on the simulated clock."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from skillcert.accounts.actors import SIMULATION
from skillcert.accounts.models import User
from skillcert.accounts.services import NewAccount, role_grant, user_create, users_create_bulk
from skillcert.itembank.models import Paper
from skillcert.occupations.models import Occupation
from skillcert.operations.simulation.scenario import (
    PASSWORD,
    POSTPONED,
    SIGN_IN,
    City,
    Report,
    Scale,
)


class SimulationState:
    """The run's shared state; each stage module adds its stages to it as a subclass."""

    def __init__(
        self,
        *,
        scale: Scale,
        seed: int = 7,
        pdfs: bool = False,
        out: Callable[[str], None] = print,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.pdfs = pdfs
        self.out = out
        self.rng = random.Random(seed)  # noqa: S311 - reproducible simulated data, not secrets
        self._shared_hash = ""
        self.report = Report()
        self.cities: list[City] = []
        self.users: dict[str, User] = {}
        self.occupations: dict[str, Occupation] = {}
        self.papers: dict[tuple[str, int | None], Paper] = {}
        self.expected: Counter[str] = Counter()

    @contextmanager
    def _stage(self, name: str, when: dt.datetime) -> Iterator[dict[str, Any]]:
        counts: dict[str, Any] = {}
        started = time.perf_counter()
        with time_machine.travel(when, tick=True):
            yield counts
        spent = time.perf_counter() - started
        text = "，".join(f"{k} {v}" for k, v in counts.items())
        self.report.stages.append((name, spent, text))
        self.out(f"[{spent:7.1f} s] {name}：{text}")

    def _drain_jobs(self) -> None:
        """Run the queued background jobs (certificate batches, ticket PDFs) the way a worker
        would; with the immediate backend (tests) they have already run."""
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    def _main_cities(self) -> list[City]:
        return [c for c in self.cities if c.code != POSTPONED]

    def _postponed_cities(self) -> list[City]:
        return [c for c in self.cities if c.code == POSTPONED]

    def _password_hash(self) -> str:
        """The printed demo password, checked against the password rules and hashed once
        for every simulated self-registration (PBKDF2 is slow on purpose: hashing it again
        per account tells nobody anything, the password is printed)."""
        if not self._shared_hash:
            validate_password(PASSWORD)
            self._shared_hash = make_password(PASSWORD)
        return self._shared_hash

    def _accounts(self, accounts: list[tuple[str, str]]) -> None:
        """The accounts of a roster in one call: those the demo names for signing in get
        the printed password (hashed one by one, `user_create`), the rest are created in
        bulk without a usable password, as an organisation's roster of staff would be."""
        roster = [
            NewAccount(username, name) for username, name in accounts if username not in SIGN_IN
        ]
        for user in users_create_bulk(accounts=roster, actor=SIMULATION):
            self.users[user.username] = user
        for username, name in accounts:
            if username in SIGN_IN:
                self._user(username, name)

    def _user(self, username: str, full_name: str, role: str | None = None, **scope: Any) -> User:
        if username in self.users:  # made with its roster (`_accounts`)
            user = self.users[username]
        else:
            user = user_create(
                username=username,
                password="",
                password_hash=self._password_hash(),
                full_name=full_name,
                actor=SIMULATION,
            )
        if role is not None:
            role_grant(user=user, role=role, actor=SIMULATION, **scope)
        self.users[username] = user
        return user
