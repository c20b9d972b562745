"""Rate limits for public endpoints (certificate verification, result query, complaint form,
public directory), per visitor address over a sliding window.

The allowance is counted in the shared rate-limit cache (settings.CACHES["ratelimit"]: Redis
when configured, else a database table), which every process and host sees. Writing it on
every hit made each public page pay a database write (the verification page ran at a tenth of
what Django serves here), though nearly every visitor asks a handful of times a minute. So each
process first counts a visitor's hits itself, up to a small share of the allowance
(SKILLCERT_THROTTLE_LOCAL_PERCENT, 10 %; 0 in tests, which count every hit in the shared
cache as before); the visitor's next hit moves that count into the
shared cache and from then on every hit is counted there. A visitor spread over P processes
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
from django.http import HttpRequest, HttpResponse, JsonResponse

F = TypeVar("F", bound=Callable[..., HttpResponse])

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A process keeps at most this many visitors per group and window in memory; beyond it the
# window's local counts are dropped (those visitors then start again from their shared count).
LOCAL_VISITORS_MAX = 200_000


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

    def hit(self, *, group: str, visitor: str, rate: str) -> bool:
        """Count one hit; True when the visitor is over the allowance (the hit is refused)."""
        limit, period = parse_rate(rate)
        now = self._clock()
        number = int(now // period)
        weight = 1.0 - (now % period) / period  # the previous window's share still in range
        local_allowance = limit * settings.SKILLCERT_THROTTLE_LOCAL_PERCENT // 100
        if local_allowance <= 0:
            return self._shared_add(group, period, number, visitor, 1, weight, 0) > limit
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
        # The shared cache is written outside the lock: a database round trip must not hold up
        # the process's other threads.
        estimate = self._shared_add(group, period, number, visitor, seen, weight, earlier)
        if estimate > limit:
            with self._lock:
                if window.number == number:
                    window.refused.add(visitor)
            return True
        return False

    @staticmethod
    def _shared_add(
        group: str, period: int, number: int, visitor: str, hits: int, weight: float, earlier: int
    ) -> float:
        """Add `hits` to this window's shared count; the sliding estimate (`earlier`: the
        previous window's hits this process never shared)."""
        cache = caches[settings.RATELIMIT_USE_CACHE]
        digest = hashlib.blake2b(f"{group}|{visitor}".encode(), digest_size=12).hexdigest()
        key, previous = (f"throttle:{period}:{n}:{digest}" for n in (number, number - 1))
        # Kept two periods: the next window still weighs this one.
        if cache.add(key, hits, timeout=2 * period + 1):
            total = hits
        else:
            try:
                total = int(cache.incr(key, hits))
            except ValueError:  # expired between add and incr: this window starts again
                cache.add(key, hits, timeout=2 * period + 1)
                total = hits
        return total + weight * (int(cache.get(previous, 0)) + earlier)


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
