"""Rate limits count the visitor: REMOTE_ADDR, or X-Forwarded-For only through a trusted proxy;
a process counts a visitor's first hits itself and the rest in the shared counters."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from skillcert.common.models import RateCounter
from skillcert.common.throttle import (
    SWEEP_EVERY,
    SharedCounters,
    Throttle,
    client_ip,
    parse_rate,
    throttle,
    too_many_requests,
)


def _request(remote: str, forwarded: str = "") -> HttpRequest:
    request = RequestFactory().get("/v/x", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@override_settings(TRUSTED_PROXIES=[])
def test_forwarded_for_is_ignored_without_a_trusted_proxy(db):
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.2"])
def test_the_nearest_untrusted_hop_behind_trusted_proxies_is_the_visitor(db):
    # a visitor may prepend anything; only the hops our proxies appended are believed
    request = _request("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2")
    assert client_ip(request) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_visitors_behind_the_proxy_have_their_own_allowance(db):
    group, rate = "test-proxy", "2/m"
    first = _request("127.0.0.1", "198.51.100.1")
    assert too_many_requests(first, group=group, rate=rate) is None
    assert too_many_requests(first, group=group, rate=rate) is None
    refused = too_many_requests(first, group=group, rate=rate)
    assert refused is not None and refused.status_code == 429
    other = _request("127.0.0.1", "198.51.100.2")
    assert too_many_requests(other, group=group, rate=rate) is None


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _shared_counters() -> int:
    return RateCounter.objects.count()


@override_settings(SKILLCERT_THROTTLE_LOCAL_PERCENT=10)
def test_a_visitor_who_asks_a_few_times_costs_no_shared_write(db):
    throttle = Throttle(clock=_Clock(1_000_000.0))
    before = _shared_counters()
    for n in range(1, 300):  # three hundred visitors, twice each: within 10 % of 20/m
        for _ in range(2):
            assert not throttle.hit(group="g", visitor=f"10.0.{n // 250}.{n % 250}", rate="20/m")
    assert _shared_counters() == before


@override_settings(SKILLCERT_THROTTLE_LOCAL_PERCENT=10)
def test_the_allowance_is_exact_in_one_process_and_refusals_stop_writing(db):
    clock = _Clock(1_000_000.0)
    throttle = Throttle(clock=clock)
    allowed = [not throttle.hit(group="g", visitor="203.0.113.5", rate="20/m") for _ in range(25)]
    assert allowed == [True] * 20 + [False] * 5
    written = _shared_counters()
    assert throttle.hit(group="g", visitor="203.0.113.5", rate="20/m")
    assert _shared_counters() == written
    clock.now += 60  # the next window: a new allowance
    assert not throttle.hit(group="g", visitor="203.0.113.5", rate="20/m")


@override_settings(SKILLCERT_THROTTLE_LOCAL_PERCENT=10)
def test_processes_share_the_allowance_through_the_shared_counters(db):
    clock = _Clock(1_000_000.0)
    processes = [Throttle(clock=clock), Throttle(clock=clock)]
    allowed = sum(
        not processes[n % 2].hit(group="g", visitor="203.0.113.6", rate="60/m") for n in range(200)
    )
    # 60 allowed, plus at most the other process's local share (10 % of 60) before it shares
    assert 60 <= allowed <= 66


def test_every_hit_is_shared_when_the_local_share_is_zero(db):
    assert settings.SKILLCERT_THROTTLE_LOCAL_PERCENT == 0  # the test profile
    throttle = Throttle(clock=_Clock(1_000_000.0))
    before = _shared_counters()
    assert not throttle.hit(group="g", visitor="203.0.113.7", rate="20/m")
    assert _shared_counters() == before + 1


def test_a_malformed_rate_is_refused_when_the_view_is_declared():
    for rate in ("20", "20/x", "/m", "twenty/m"):
        with pytest.raises(ValueError, match="rate"):
            throttle(group="g", rate=rate)
    assert parse_rate("5/10m") == (5, 600)
    assert parse_rate("120/m") == (120, 60)


@pytest.mark.parametrize("local_percent", [0, 10])
def test_the_allowance_is_not_doubled_across_a_window_boundary(db, settings, local_percent):
    settings.SKILLCERT_THROTTLE_LOCAL_PERCENT = local_percent
    clock = _Clock(1_000_000.0 - 1_000_000.0 % 60 + 59)  # the last second of a window
    throttle = Throttle(clock=clock)
    assert not any(throttle.hit(group="g", visitor="203.0.113.8", rate="20/m") for _ in range(20))
    clock.now += 2  # the first second of the next window: the last one still counts
    assert throttle.hit(group="g", visitor="203.0.113.8", rate="20/m")
    clock.now += 60  # a full period later only the newest hits count
    assert not throttle.hit(group="g", visitor="203.0.113.8", rate="20/m")


def test_processes_share_the_allowance_through_redis_when_configured():
    """REDIS_URL puts the shared counters in Redis (redis-py): two processes, one allowance."""
    with override_settings(
        CACHES={**settings.CACHES, "ratelimit": _redis_cache()}, SKILLCERT_THROTTLE_LOCAL_PERCENT=0
    ):
        clock = _Clock(1_000_000.0)
        processes = [Throttle(clock=clock), Throttle(clock=clock)]
        allowed = sum(
            not processes[n % 2].hit(group="g", visitor="203.0.113.8", rate="30/m")
            for n in range(80)
        )
        assert allowed == 30


def test_shared_counters_add_atomically_and_report_the_previous_window(db):
    counters = SharedCounters()
    assert counters.add("60:abc", 100, period=60, hits=1, now=6_000.0) == (1, 0)
    assert counters.add("60:abc", 100, period=60, hits=12, now=6_001.0) == (13, 0)
    assert counters.add("60:abc", 101, period=60, hits=1, now=6_060.0) == (1, 13)
    assert counters.add("60:other", 101, period=60, hits=2, now=6_060.0) == (2, 0)
    assert counters.read("60:abc", 101) == (1, 13)
    assert counters.read("60:unseen", 101) == (0, 0)
    assert RateCounter.objects.get(key="60:abc", window=100).expires_at == 102 * 60


def test_ended_windows_are_swept_at_most_once_a_sweep_period(db):
    counters = SharedCounters()
    counters.add("10:old", 600, period=10, hits=5, now=6_005.0)  # weighed until 6,020
    later = 6_005.0 + SWEEP_EVERY - 1  # past 6,020, but within a sweep period of the first
    counters.add("10:new", int(later // 10), period=10, hits=1, now=later)
    assert RateCounter.objects.filter(key="10:old").exists()
    counters.add("10:new", int(later // 10), period=10, hits=1, now=later + 1)
    assert not RateCounter.objects.filter(key="10:old").exists()
    assert RateCounter.objects.get(key="10:new").count == 2


@override_settings(SKILLCERT_THROTTLE_LOCAL_PERCENT=10)
def test_without_the_local_share_every_process_counts_one_exact_allowance(db):
    """Failed logins: a guessing address gets exactly the allowance across processes, and
    `used_up` answers without counting."""
    clock = _Clock(1_000_000.0)
    processes = [Throttle(clock=clock), Throttle(clock=clock)]
    group, visitor, rate = "login-failures", "203.0.113.9", "30/15m"
    refused = [
        processes[n % 2].hit(group=group, visitor=visitor, rate=rate, local_share=False)
        for n in range(31)
    ]
    assert refused == [False] * 30 + [True]
    assert processes[0].used_up(group=group, visitor=visitor, rate=rate)
    assert not processes[1].used_up(group=group, visitor="203.0.113.10", rate=rate)
    assert _shared_counters() == 1  # one row for the visitor's window, counted 31 times


def _hit_at_once(throttles: list[Throttle], *, threads: int, hits: int, rate: str) -> int:
    """`hits` hits per thread of one visitor, thread t counting through throttles[t % P],
    all released together; how many were allowed."""
    from django.db import connection

    barrier = threading.Barrier(threads)
    allowed = [0] * threads

    def run(index: int) -> None:
        try:
            barrier.wait()
            for _ in range(hits):
                if not throttles[index % len(throttles)].hit(
                    group="g", visitor="203.0.113.11", rate=rate
                ):
                    allowed[index] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(allowed)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("local_percent", [0, 10])
def test_concurrent_hits_never_pass_more_than_the_allowance(settings, local_percent):
    """8 threads over 4 'processes' (a Throttle each), 50 hits each against 120/m: the shared
    count is atomic, so exactly the allowance passes, plus at most the documented local
    share of the other processes: 120 + 3 x 12."""
    settings.SKILLCERT_THROTTLE_LOCAL_PERCENT = local_percent
    clock = _Clock(1_000_000.0 - 1_000_000.0 % 60)  # the start of a window
    throttles = [Throttle(clock=clock) for _ in range(4)]
    allowed = _hit_at_once(throttles, threads=8, hits=50, rate="120/m")
    share = 120 * local_percent // 100
    assert 120 <= allowed <= 120 + 3 * share
    if local_percent == 0:
        assert allowed == 120
    assert RateCounter.objects.get().count >= 120


def _redis_cache() -> dict[str, str]:
    import os
    import uuid

    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("SKILLCERT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # parallel workers count apart
    }


def test_concurrent_hits_counted_in_redis_pass_exactly_the_allowance():
    with override_settings(
        CACHES={**settings.CACHES, "ratelimit": _redis_cache()}, SKILLCERT_THROTTLE_LOCAL_PERCENT=0
    ):
        clock = _Clock(1_000_000.0 - 1_000_000.0 % 60)
        throttles = [Throttle(clock=clock) for _ in range(4)]
        assert _hit_at_once(throttles, threads=8, hits=25, rate="120/m") == 120
        assert throttles[0].used_up(group="g", visitor="203.0.113.11", rate="120/m")
