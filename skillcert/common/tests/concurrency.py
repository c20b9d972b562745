"""Racing service calls against each other in threads, for the tests that show a database
constraint or row lock (not a check in Python) keeps two writers apart."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from skillcert.common.errors import DomainError


def race(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls in threads released together; 'ok' or the DomainError code of each, in
    the order of `calls`. Any other exception is raised again here, after every thread ended."""
    barrier = threading.Barrier(len(calls))
    outcomes = [""] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except DomainError as exc:
            outcomes[index] = exc.code
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return outcomes
