"""Personas shared by every app's tests: one per role, in two cities and two organisations.

The shared test data builders are registered here too (`pytest_plugins`), so that any app's
tests use the occupations (`hr`, `welder`), the open `plan`, `candidate_person` and
`sitting_setup` without importing another app's test modules for their fixtures."""

from __future__ import annotations

import copy
import datetime as dt
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role, User
from skillcert.accounts.services import role_grant, user_create
from skillcert.common.identifiers import uscc_check_digit
from skillcert.common.tests.hostile_files import HeavyFiles
from skillcert.common.tests.module_rows import (
    flushes,
    module_facts,
    module_shares,
    rows_for_module,
    uses_database,
)
from skillcert.organizations.models import EvaluationOrg, OrgKind
from skillcert.organizations.services import organization_create
from skillcert.regions.models import Region

PASSWORD = "Correct-Horse-2026"  # noqa: S105 - test persona password

# The acting "system" in test set-up (what a demo loader or command would be).
TEST_ACTOR = SystemActor("test")

pytest_plugins = ["skillcert.plans.tests.factories", "skillcert.exams.tests.factories"]

# A moment inside the bundled holiday calendar, for tests whose services count working days
# from "now" (re-check windows, corrective-action deadlines): no test depends on today's date.
COVERED_NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


# Every persona, by the name tests use for it (`Personas.user`): a test taking a `persona_name`
# argument runs once for each (`pytest_generate_tests`). The permission matrix's columns are
# these names (without the superuser), `anonymous`, and city_x/city_y for the two cities.
PERSONA_NAMES = (
    "candidate",
    "clerk_a",
    "clerk_b",
    "examiner",
    "supervisor",
    "city_nanjing",
    "city_suzhou",
    "province",
    "superuser",
    "admin_a",
)


def make_uscc(seed: int) -> str:
    stem = f"9132{seed:013d}"
    return stem + uscc_check_digit(stem)


def make_org(name: str, seed: int, region: str, kind: str = OrgKind.SOCIAL) -> EvaluationOrg:
    """An organisation in the district `region` (a code), its credit code `make_uscc(seed)`."""
    return organization_create(
        name=name,
        kind=kind,
        uscc=make_uscc(seed),
        region=Region.objects.get(code=region),
        actor=TEST_ACTOR,
    )


@dataclass
class Personas:
    province: User
    city_nanjing: User
    city_suzhou: User
    org_a: EvaluationOrg
    org_b: EvaluationOrg
    clerk_a: User
    clerk_b: User
    examiner: User
    supervisor: User
    candidate: User
    superuser: User

    ALIASES: ClassVar[dict[str, str]] = {"city_x": "city_nanjing", "city_y": "city_suzhou"}

    @cached_property
    def admin_a(self) -> User:
        """org_a's administrator, created on first use (so that tests counting org_a's staff
        or their notifications without asking for it are unchanged)."""
        return make_user("admin_a", Role.ORG_ADMIN, organization=self.org_a)

    def user(self, name: str) -> User:
        """The persona called `name` (one of PERSONA_NAMES, or an alias in ALIASES)."""
        name = self.ALIASES.get(name, name)
        if name not in PERSONA_NAMES:
            raise KeyError(f"no persona {name!r}")
        user: User = getattr(self, name)
        return user

    def client(self, name: str) -> Client:
        """A client for the persona called `name`; `anonymous` is a client logged in as
        nobody."""
        return Client() if name == "anonymous" else self.client_for(self.user(name))

    def client_for(self, user: User, *, verified: bool = True, csrf_checks: bool = False) -> Client:
        """A logged-in client; officers get a confirmed TOTP device and a verified session.
        With `csrf_checks` it enforces the CSRF token as a browser's requests meet it."""
        client = Client(enforce_csrf_checks=csrf_checks)
        client.force_login(user)
        if verified:
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, defaults={"name": "test", "confirmed": True}
            )
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client


def make_user(
    username: str, role: str | None = None, *, superuser: bool = False, **scope: Any
) -> User:
    """An account with the persona password (full name = username) and, if given, `role` over
    `scope` (organization=..., region=...)."""
    user = user_create(
        username=username,
        password=PASSWORD,
        full_name=username,
        actor=TEST_ACTOR,
        is_superuser=superuser,
    )
    if role is not None:
        role_grant(user=user, role=role, actor=TEST_ACTOR, **scope)
    return user


def build_personas() -> Personas:
    """The personas' accounts, roles and organisations, written to the database."""
    nanjing = Region.objects.get(code="320100")
    suzhou = Region.objects.get(code="320500")
    org_a = make_org("南京甲评价中心", 1, "320102")
    org_b = make_org("苏州乙评价公司", 2, "320505")
    return Personas(
        province=make_user(
            "province", Role.PROVINCE_OFFICER, region=Region.objects.get(code="320000")
        ),
        city_nanjing=make_user("city_nj", Role.CITY_OFFICER, region=nanjing),
        city_suzhou=make_user("city_sz", Role.CITY_OFFICER, region=suzhou),
        org_a=org_a,
        org_b=org_b,
        clerk_a=make_user("clerk_a", Role.ORG_CLERK, organization=org_a),
        clerk_b=make_user("clerk_b", Role.ORG_CLERK, organization=org_b),
        examiner=make_user("examiner", Role.EXAMINER),
        supervisor=make_user("supervisor", Role.SUPERVISOR),
        candidate=make_user("candidate", Role.CANDIDATE),
        superuser=make_user("root", superuser=True),
    )


@pytest.fixture(scope="module")
def _module_rows(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[bool]:
    """A transaction around the test module, for the rows its module-scoped fixtures build
    once (each test's own transaction is a savepoint inside it); False, and no transaction,
    in a module with a test that commits."""
    if module_facts(request).flushes:
        yield False
        return
    with rows_for_module(django_db_blocker):
        yield True


@pytest.fixture
def _copy_memo() -> dict[int, Any]:
    """One deepcopy memo per test: each object the module built is copied once for the test,
    so that it is the same object wherever the test meets it (`world.personas is personas`)."""
    return {}


@pytest.fixture(scope="module")
def _module_personas(request: pytest.FixtureRequest, _module_rows: bool) -> Personas | None:
    return build_personas() if module_shares(request, "personas") else None


@pytest.fixture
def personas(_module_personas: Personas | None, _copy_memo: dict[int, Any], db: Any) -> Personas:
    """One per role (see PERSONA_NAMES), in two cities and two organisations. Built once for a
    module whose database tests all use them (`module_shares`); each test gets its own copies
    of the objects, and what it writes goes with its transaction."""
    if _module_personas is None:
        return build_personas()
    return copy.deepcopy(_module_personas, _copy_memo)


@pytest.fixture
def org_admin_a(personas: Personas) -> User:
    """An organisation administrator of org_a (`personas.admin_a`, created when asked for)."""
    return personas.admin_a


@pytest.fixture(scope="session")
def persona_names() -> tuple[str, ...]:
    return PERSONA_NAMES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking `persona_name` runs once for every persona."""
    if "persona_name" in metafunc.fixturenames:
        metafunc.parametrize("persona_name", PERSONA_NAMES)


@pytest.fixture(scope="session", autouse=True)
def _media_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Files the tests store (monthly reports, evidence, certificates) go to the session's
    temporary folder, not to the checkout's var/media, which `make run` serves: a suite left
    some 40 MB of reports there on every run. A test that looks at its files sets its own."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session")
def heavy_files(tmp_path_factory: pytest.TempPathFactory) -> HeavyFiles:
    """Hostile upload files too costly to build at import time (the 300 MB zip bomb): each
    built on first use, once per session, in the session's temporary directory."""
    return HeavyFiles(tmp_path_factory.mktemp("heavy_files"))


@pytest.fixture
def covered_clock(time_machine: Any) -> dt.datetime:
    """Move "now" to COVERED_NOW (ticking) for a test that counts working days from today.
    Listed first (or via usefixtures), it also covers the fixtures the test builds on."""
    time_machine.move_to(COVERED_NOW, tick=True)
    return COVERED_NOW


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters live in the cache: each test starts with none, so one test's
    requests never use up another's allowance. Without Redis the rate-limit cache is a
    database table: a test's rows go with its transaction, and transactional tests clear it
    (`_reference_data_after_flush`)."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database is built from the models (`--no-migrations`, see
    skillcert/common/tests/reference_data.py); load what the data migrations would have."""
    from skillcert.common.tests.reference_data import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test's teardown flushes every table, the reference rows (divisions,
    the holiday calendar, rule sets, checklists, policies) included. Put them back right
    after, so whatever test runs next on this worker finds them (work stealing between the
    workers does not keep transactional tests last)."""
    yield
    if nextitem is None or not flushes(item):
        return
    from django.core.cache import caches
    from pytest_django.plugin import blocking_manager_key

    from skillcert.common.tests.reference_data import load_reference_data

    with item.config.stash[blocking_manager_key].unblock():
        caches["ratelimit"].clear()  # a table, but not a model's: the flush leaves it
        load_reference_data()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres_only (row locks across threads, for instance) are skipped when
    the suite runs on SQLite; tests marked sqlite_only (editing the SQLite file) on
    PostgreSQL."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    needs_postgres = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    needs_sqlite = pytest.mark.skip(reason="checks the SQLite file format itself")
    for item in items:
        if item.get_closest_marker("postgres_only") and not on_postgres:
            item.add_marker(needs_postgres)
        if item.get_closest_marker("sqlite_only") and on_postgres:
            item.add_marker(needs_sqlite)
    once_part = config.getoption("--once-part")
    database_only = config.getoption("--database-tests-only")
    if once_part or database_only:
        kept = [item for item in items if _kept(item, once_part, database_only)]
        dropped = set(items) - set(kept)
        config.hook.pytest_deselected(items=[item for item in items if item in dropped])
        items[:] = kept


def _kept(item: pytest.Item, once_part: str | None, database_only: bool) -> bool:
    """With `--once-part`, a test marked `once` runs in the pass its node id falls to (the
    same pass every run), whether it uses the database or not; other tests as without it.
    A test that commits (and so flushes every table after) always falls to the first part,
    the SQLite pass's: a flush of PostgreSQL costs seconds, of SQLite a fraction of one."""
    if once_part and item.get_closest_marker("once"):
        second = not flushes(item) and zlib.crc32(item.nodeid.encode()) % 2 == 1
        return once_part == ("second" if second else "first")
    return not database_only or uses_database(item)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-offset-days",
        type=int,
        default=0,
        help="run the whole session with the clock moved this many days ahead (ticking), so a "
        "test or the demo that quietly relies on today's date fails now rather than next year",
    )
    parser.addoption(
        "--once-part",
        choices=("first", "second"),
        help="run only this half of the tests marked `once`, split by node id: `make test` "
        "gives each database's pass one half when both passes run, so that neither waits on "
        "the other",
    )
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database: the second database's pass of `make "
        "test` (tests of pure code give the same answer whatever the database)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        # The test databases are thrown away: a commit need not wait for the disk (the
        # transactional tests commit and flush thousands of times per pass).
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    offset = config.getoption("--clock-offset-days")
    if offset:
        # Started here rather than in a fixture so that it covers collection, Django's set-up
        # and every worker process of pytest-xdist (each runs pytest_configure). Tests that
        # travel themselves nest inside it.
        travel = time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=offset), tick=True)
        travel.start()
        config.add_cleanup(travel.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    offset = config.getoption("--clock-offset-days")
    if offset:
        return f"clock moved {offset} days ahead: now is {dt.datetime.now(dt.UTC):%Y-%m-%d}"
    return None
