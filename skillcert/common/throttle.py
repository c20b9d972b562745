"""Rate limits for public endpoints (certificate verification, result query, complaint form,
public directory), per visitor address over a sliding window.

The allowance is counted in shared counters that every process and host sees, each hit one
atomic increment: Redis (INCRBY) when settings.CACHES["ratelimit"] is Redis, else the table of
common.RateCounter (INSERT ... ON CONFLICT DO UPDATE ... RETURNING). Writing them on
every hit made each public page pay a database write (the verification page ran at a tenth of
what Django serves here), though nearly every visitor asks a handful of times a minute. So each
process first counts a visitor's hits itself, up to a small share of the allowance
(SKILLCERT_THROTTLE_LOCAL_PERCENT, 10 %; 0 in tests, which count every hit in the shared
counters); the visitor's next hit moves that count into the shared counters and from then on
every hit is counted there. A visitor spread over P processes
can therefore get at most (P - 1) x that share beyond the allowance before being refused; once
refused, the process remembers it until the window ends and stops writing."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

F = TypeVar("F", bound=Callable[..., HttpResponse])

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A process keeps at most this many visitors per group and window in memory; beyond it the
# window's local counts are dropped (those visitors then start again from their shared count).
LOCAL_VISITORS_MAX = 200_000
# How often (seconds) each process deletes the shared counters of windows that have ended.
SWEEP_EVERY = 60.0


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or, when the request came through one of
    SKILLCERT_TRUSTED_PROXIES, the nearest X-Forwarded-For hop that is not a trusted proxy.
    Nobody else's X-Forwarded-For is believed (a client could claim any address)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop and hop not in trusted:
            return hop
    return remote


def parse_rate(rate: str) -> tuple[int, int]:
    """The allowance and its window in seconds: 120/m -> (120, 60), 5/10m -> (5, 600)."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"rate {rate!r}: expected <count>/<unit>, unit one of s m h d")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNIT_SECONDS[unit]


@dataclass
class _Window:
    """One process's counts for one group in one window."""

    number: int = -1
    local: dict[str, int] = field(default_factory=dict)  # hits not yet in the shared cache
    shared: set[str] = field(default_factory=set)  # visitors counted in the shared cache
    refused: set[str] = field(default_factory=set)  # over the allowance until the window ends


class Throttle:
    """The counter behind too_many_requests, one per process (thread-safe).

    A sliding window: a hit is compared with this window's count plus the previous window's,
    weighted by how much of it still lies within one period of now, so that a visitor cannot
    double the allowance by asking at the end of one window and the start of the next."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, int], tuple[_Window, _Window]] = {}
        self._counters = SharedCounters()

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def _current(self, group: str, period: int, number: int) -> tuple[_Window, _Window]:
        """This window and the previous one (empty when it was not the one just before)."""
        pair = self._windows.get((group, period))
        if pair is None or pair[0].number != number:
            before = pair[0] if pair is not None and pair[0].number == number - 1 else _Window()
            pair = self._windows[(group, period)] = (_Window(number=number), before)
        return pair

    def hit(self, *, group: str, visitor: str, rate: str, local_share: bool = True) -> bool:
        """Count one hit; True when the visitor is over the allowance (the hit is refused).
        Without `local_share` every hit is counted in the shared counters at once: exact
        across processes, for small allowances that guard against guessing (failed logins)."""
        limit, period = parse_rate(rate)
        now = self._clock()
        number = int(now // period)
        weight = 1.0 - (now % period) / period  # the previous window's share still in range
        local_percent = settings.SKILLCERT_THROTTLE_LOCAL_PERCENT if local_share else 0
        local_allowance = limit * local_percent // 100
        if local_allowance <= 0:
            return self._shared_add(group, period, number, visitor, 1, weight, 0, now) > limit
        with self._lock:
            window, before = self._current(group, period, number)
            if visitor in window.refused:
                return True
            earlier = before.local.get(visitor, 0)
            if visitor not in window.shared:
                seen = window.local.get(visitor, 0) + 1
                if seen + weight * earlier <= local_allowance and visitor not in before.shared:
                    if len(window.local) >= LOCAL_VISITORS_MAX:
                        window.local.clear()
                    window.local[visitor] = seen
                    return False
                window.local.pop(visitor, None)
                window.shared.add(visitor)
            else:
                seen = 1
        # The shared counters are written outside the lock: a database round trip must not hold up
        # the process's other threads.
        estimate = self._shared_add(group, period, number, visitor, seen, weight, earlier, now)
        if estimate > limit:
            with self._lock:
                if window.number == number:
                    window.refused.add(visitor)
            return True
        return False

    def used_up(self, *, group: str, visitor: str, rate: str) -> bool:
        """Without counting a hit: True when the visitor's shared count has reached the
        allowance (for limits counted with `local_share=False`, such as failed logins)."""
        limit, period = parse_rate(rate)
        now = self._clock()
        number = int(now // period)
        weight = 1.0 - (now % period) / period
        current, previous = self._counters.read(_counter_key(group, visitor, period), number)
        return current + weight * previous >= limit

    def _shared_add(
        self,
        group: str,
        period: int,
        number: int,
        visitor: str,
        hits: int,
        weight: float,
        earlier: int,
        now: float,
    ) -> float:
        """Add `hits` to this window's shared count; the sliding estimate (`earlier`: the
        previous window's hits this process never shared)."""
        current, previous = self._counters.add(
            _counter_key(group, visitor, period), number, period=period, hits=hits, now=now
        )
        return current + weight * (previous + earlier)


def _counter_key(group: str, visitor: str, period: int) -> str:
    digest = hashlib.blake2b(f"{group}|{visitor}".encode(), digest_size=12).hexdigest()
    return f"{period}:{digest}"


# One statement, one round trip: the atomic increment and the previous window's count (a
# subquery in RETURNING, which PostgreSQL and SQLite >= 3.35 both allow). Quoted names:
# WINDOW is a reserved word in PostgreSQL.
_UPSERT = """
INSERT INTO "common_ratecounter" ("key", "window", "count", "expires_at")
VALUES (%s, %s, %s, %s)
ON CONFLICT ("key", "window")
DO UPDATE SET "count" = "common_ratecounter"."count" + excluded."count"
RETURNING "count",
    (SELECT p."count" FROM "common_ratecounter" p WHERE p."key" = %s AND p."window" = %s)
"""


class SharedCounters:
    """Hits per key and window where every process and host sees them, each addition one
    atomic increment: Redis INCRBY when CACHES["ratelimit"] is Redis, otherwise an
    INSERT ... ON CONFLICT DO UPDATE on common.RateCounter (PostgreSQL; SQLite >= 3.35).
    A read-then-write counter (Django's DatabaseCache.incr) let 8 parallel clients through
    about twice the allowance: concurrent hits overwrote each other's counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    @staticmethod
    def _redis() -> Any | None:
        cache = caches[settings.RATELIMIT_USE_CACHE]
        return cache if isinstance(cache, RedisCache) else None

    def add(self, key: str, number: int, *, period: int, hits: int, now: float) -> tuple[int, int]:
        """Add `hits` to window `number` of `key`: its count after the addition and the
        previous window's count."""
        redis = self._redis()
        if redis is not None:
            current, previous = (
                redis.make_and_validate_key(f"throttle:{key}:{n}") for n in (number, number - 1)
            )
            pipe = redis._cache.get_client(current, write=True).pipeline()
            # Kept two periods: the next window still weighs this one.
            pipe.incrby(current, hits).expire(current, 2 * period + 1).get(previous)
            total, _, before = pipe.execute()
            return int(total), int(before or 0)
        self._sweep(now)
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [key, number, hits, (number + 2) * period, key, number - 1])
            total, before = cursor.fetchone()
        return int(total), int(before or 0)

    def read(self, key: str, number: int) -> tuple[int, int]:
        """Window `number`'s count of `key` and the previous window's, without adding."""
        redis = self._redis()
        if redis is not None:
            current, previous = (
                redis.make_and_validate_key(f"throttle:{key}:{n}") for n in (number, number - 1)
            )
            values = redis._cache.get_client(current).mget([current, previous])
            return int(values[0] or 0), int(values[1] or 0)
        from skillcert.common.models import RateCounter  # the log filters import this module

        counts = dict(
            RateCounter.objects.filter(key=key, window__in=(number, number - 1)).values_list(
                "window", "count"
            )
        )
        return counts.get(number, 0), counts.get(number - 1, 0)

    def _sweep(self, now: float) -> None:
        """Delete the windows no estimate weighs any more, at most once a SWEEP_EVERY per
        process (every process sweeps: no schedule has to be set up for it)."""
        with self._lock:
            if now < self._next_sweep:
                return
            self._next_sweep = now + SWEEP_EVERY
        from skillcert.common.models import RateCounter

        RateCounter.objects.filter(expires_at__lte=now).delete()


THROTTLE = Throttle()


def too_many_requests(request: HttpRequest, *, group: str, rate: str) -> HttpResponse | None:
    """Count this request against `rate` per client IP; the 429 response when over it."""
    if not THROTTLE.hit(group=group, visitor=client_ip(request), rate=rate):
        return None
    message = "请求过于频繁，请稍后再试"
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "throttled", "message": message, "field": None}, status=429
        )
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "60"
    return response


def throttle(*, group: str, rate: str) -> Callable[[F], F]:
    """Allow `rate` (e.g. "60/m") requests per client IP for the group; beyond it answer 429
    with a Chinese message (JSON for API paths)."""
    parse_rate(rate)  # a malformed rate fails at import, not on the first visitor

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = too_many_requests(request, group=group, rate=rate)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
