"""schemathesis against /api/openapi.json: generated requests to every operation, with a
bounded number of examples; no 500s, responses conform to the documented schema.

(Operations are walked by hand rather than through schemathesis' pytest plugin, which does
not run under pytest 9.)"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import ignored_auth
from schemathesis.specs.openapi.checks import positive_data_acceptance

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.services import api_token_create

# Headers, schema and bytes do not depend on the database: run in the SQLite pass only.
pytestmark = pytest.mark.once


@pytest.fixture
def keep_test_connection():
    """Requests go through the real WSGI handler, whose request signals close the database
    connection — and with it the test's transaction. Django's own test client disconnects
    them in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_api_operation_conforms_to_its_schema(personas, keep_test_connection):
    from skillcert.config.wsgi import application

    token = api_token_create(
        user=personas.clerk_a,
        name="schemathesis",
        actor=SystemActor("test"),
        second_factor_verified=False,
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    checked: list[str] = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err raises here, as it should

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            derandomize=True,  # the same examples every run: CI must not flicker
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            # ignored_auth replays the request with a forged session cookie next to our valid
            # bearer token and expects a 401; either credential is enough here, by design.
            # positive_data_acceptance expects 2xx for every schema-valid request, but domain
            # rules (a year without calendar data) rightly answer 400 with an error code.
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=[ignored_auth, positive_data_acceptance],
            )

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc).splitlines()[0:12]}")
        checked.append(operation.label)
    assert len(checked) >= 4, checked
    assert not failures, "\n".join(failures)


def test_the_schema_has_no_duplicated_keys_and_docs_render(client):
    """Swagger UI refuses a document with a key twice ("duplicated mapping key"): ninja's
    declared responses (int keys) and the common ones (string keys) must merge."""

    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicated keys: {keys}"
        return dict(pairs)

    raw = client.get("/api/openapi.json")
    assert raw.status_code == 200
    schema = json.loads(raw.content, object_pairs_hook=no_duplicates)
    batch = schema["paths"]["/api/v1/scoring/batches/{pk}"]["get"]["responses"]
    assert {"200", "404", "401"} <= set(batch)
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/api/openapi.json" in docs.content
