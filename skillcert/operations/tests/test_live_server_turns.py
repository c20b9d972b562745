"""The browser journeys' live server shares the test's in-memory SQLite connection between its
request threads, whose transaction state is not made for two threads at once: one request
began a transaction inside another's ("cannot start a transaction within a transaction", a
500 in the new-assessment journey while another person's page was open). Its requests take
turns."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from skillcert.operations.tests.browser import _OneRequestAtATime


@pytest.mark.django_db(transaction=True)
def test_requests_take_turns_exactly_when_they_share_the_tests_connection(
    live_server: Any,
) -> None:
    shared = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
    assert live_server.thread.connections_override == ({"default": connection} if shared else {})
    # PostgreSQL: each request thread opens its own connection, and requests run side by side.
    assert (live_server.thread.static_handler is _OneRequestAtATime) == shared


def test_requests_through_the_handler_never_overlap() -> None:
    running, most = 0, 0
    guard = threading.Lock()

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with guard:
            running -= 1
        return [b"ok"]

    handler = _OneRequestAtATime(application)  # type: ignore[arg-type]  # any WSGI callable
    environ = {"PATH_INFO": "/dashboard/", "REQUEST_METHOD": "GET"}
    threads = [
        threading.Thread(target=lambda: handler(dict(environ), lambda *a: None)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert most == 1
