"""Rate limits for public endpoints (certificate verification, result query, complaint form,
public directory). Counters live in the default cache: per process locally, shared when a
Redis cache is configured (REDIS_URL)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.core import is_ratelimited

F = TypeVar("F", bound=Callable[..., HttpResponse])


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


def _client_ip(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def too_many_requests(request: HttpRequest, *, group: str, rate: str) -> HttpResponse | None:
    """Count this request against `rate` per client IP; the 429 response when over it."""
    if not is_ratelimited(request, group=group, key=_client_ip, rate=rate, increment=True):
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

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = too_many_requests(request, group=group, rate=rate)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
