"""Prometheus metrics: request latency per route, job queue depth and job failures.

Under gunicorn each worker is a process; with PROMETHEUS_MULTIPROC_DIR set (make run sets it)
prometheus-client aggregates the workers' files at scrape time."""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from skillcert.common.selectors import job_queue_state
from skillcert.common.throttle import client_ip

REQUEST_LATENCY = Histogram(
    "skillcert_request_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None and match.view_name else "unmatched"
        REQUEST_LATENCY.labels(
            request.method or "", route, f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


class JobCollector(Collector):
    """Read at scrape time from the tasks table, so every process reports the same truth."""

    def collect(self):  # type: ignore[no-untyped-def]
        state = job_queue_state()
        for key, help_text in (
            ("ready", "Background jobs waiting for a worker"),
            ("running", "Background jobs running"),
            ("failed", "Background jobs that failed"),
        ):
            gauge = GaugeMetricFamily(f"skillcert_jobs_{key}", help_text)
            gauge.add_metric([], state[key])
            yield gauge


def operator_request(request: HttpRequest) -> bool:
    """A monitoring request: it carries the monitoring token, or it comes straight from this
    machine. A request that came through a reverse proxy (on this machine or not) is a
    visitor's, whatever address the proxy connects from: the visitor's address is taken from
    the trusted proxies' X-Forwarded-For, and any forwarding header without a trusted proxy
    counts as not local."""
    token = getattr(settings, "SKILLCERT_METRICS_TOKEN", "")
    supplied = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
        return True
    forwarded = any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-Ip"))
    if forwarded and request.META.get("REMOTE_ADDR", "") not in settings.TRUSTED_PROXIES:
        return False
    try:
        return ipaddress.ip_address(client_ip(request)).is_loopback
    except ValueError:
        return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not operator_request(request):
        return HttpResponse("仅限本机或持有监控令牌访问", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(JobCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
