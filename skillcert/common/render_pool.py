"""Rendering many PDFs on every core: admission tickets by the room, certificates by the
hundred. typst compiles one document on one core, so a batch is spread over a process pool
(one worker per core) that lives as long as the process that started it — a worker pays for
Django and the parsed CJK fonts once, not per batch.

Workers start from a forkserver, not by forking the caller: a web or task process holds
database connections and threads that must not be copied into a child. A batch too small to
gain from the pool renders in the calling process. Output is the same bytes either way: a
document depends only on its input, never on which process compiled it."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Job = TypeVar("Job")

# Below this many documents the batch renders in the calling process: handing work to the
# pool (pickling photos, a round trip per chunk) costs more than a second core saves.
IN_PROCESS_BELOW = 8

# The pool is replaced, between batches, once it has rendered this many documents. typst keeps
# every file it has read (each photo has a name of its own) for the life of the process:
# without a limit a worker that rendered 100,000 certificates held 2-3 GB. A fresh pool costs
# about a second. (ProcessPoolExecutor's max_tasks_per_child deadlocks on Python 3.11.)
POOL_DOCUMENTS = 20_000

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_rendered = 0  # documents the current pool has rendered


def _worker_start(settings_module: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def pool_size() -> int:
    return os.cpu_count() or 1


def render_pool() -> ProcessPoolExecutor:
    """The process's pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["django", "numpy", "segno", "typst"])
            _pool = ProcessPoolExecutor(
                pool_size(),
                mp_context=context,
                initializer=_worker_start,
                initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "skillcert.config.settings"),),
            )
        return _pool


def render_pool_close() -> None:
    global _pool, _rendered
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None
        _rendered = 0


def render_many(render: Callable[[Job], bytes], jobs: Sequence[Job]) -> Iterator[bytes]:
    """`render(job)` for every job, in order, as each is done. `render` must be a module-level
    function (it is sent to the workers by name). The first error stops the batch; a
    DomainError raised in a worker reaches the caller as itself, code and field intact."""
    if len(jobs) < IN_PROCESS_BELOW or pool_size() < 2:
        for job in jobs:
            yield render(job)
        return
    global _rendered
    if _rendered >= POOL_DOCUMENTS:
        render_pool_close()
    pool = render_pool()
    _rendered += len(jobs)
    chunk = max(1, min(16, len(jobs) // (4 * pool_size())))
    try:
        yield from pool.map(render, jobs, chunksize=chunk)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): the next batch starts a fresh pool.
        render_pool_close()
        raise
