"""Request id and client address, kept in context variables so that services can stamp
audit rows and log lines without every call passing the request down."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse

from skillcert.common.errors import DomainError
from skillcert.common.input_limits import TOO_LONG
from skillcert.common.throttle import client_ip

logger = logging.getLogger(__name__)

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token_id = request_id_var.set(request_id)
        token_ip = client_ip_var.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token_id)
            client_ip_var.reset(token_ip)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")


class RejectNulBytesMiddleware:
    """No text the platform stores may contain NUL: PostgreSQL refuses it (a 500 deep inside a
    service) and it has no business in a name or an ID number. Refuse such requests up front.
    Multipart bodies are skipped: uploaded files legitimately contain NUL bytes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        suspicious = any(marker in query for marker in _NUL_MARKERS) or "\x00" in request.path
        content_type = request.META.get("CONTENT_TYPE", "")
        if (
            not suspicious
            and request.method in {"POST", "PUT", "PATCH"}
            and not content_type.startswith("multipart/")
        ):
            suspicious = any(marker in request.body for marker in _NUL_MARKERS)
        if suspicious:
            return JsonResponse(
                {
                    "code": "input.nul_byte",
                    "message": "请求中含有不允许的空字符（NUL）",
                    "field": None,
                },
                status=400,
            )
        field = _field_with_unsafe_characters(request)
        if field is not None:
            return _refuse(
                request,
                "input.invisible_characters",
                f"“{field}”中含有控制字符或不可见字符（如零宽空格、文字方向控制符），"
                "请删除后重新提交",
                field,
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A value the database refuses (longer than its column on PostgreSQL, say) that no
        # form caught: the user gets a 400 that says so, not a 500.
        if isinstance(exception, DomainError) and exception.code == TOO_LONG:
            return _refuse(request, exception.code, exception.message, exception.field)
        if isinstance(exception, DataError):
            logger.warning("input refused by the database: %s", type(exception).__name__)
            return _refuse(
                request, "input.too_long", "输入内容过长或格式不正确，请缩短后重新提交", None
            )
        return None


# Characters no name, number or text of the platform needs, which can hide or reorder what a
# reviewer reads: C0/C1 controls (tab and line breaks allowed), bidirectional overrides and
# isolates, zero-width characters. Rare CJK characters (extensions B–F) are untouched.
_UNSAFE = re.compile(
    "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def _unsafe_in(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if _UNSAFE.search(value) else None
    if isinstance(value, dict):
        for key, inner in value.items():
            found = _unsafe_in(inner, str(key)) or _unsafe_in(str(key), str(key))
            if found:
                return found
    if isinstance(value, list):
        for inner in value:
            found = _unsafe_in(inner, path)
            if found:
                return found
    return None


def _field_with_unsafe_characters(request: HttpRequest) -> str | None:
    """The first parameter (query, form field or JSON member) carrying such a character."""
    sources = [request.GET] + ([request.POST] if request.method == "POST" else [])
    for params in sources:
        for key, values in params.lists():
            if any(_UNSAFE.search(v) for v in values if isinstance(v, str)) or _UNSAFE.search(key):
                return key
    if request.META.get("CONTENT_TYPE", "").startswith("application/json") and request.body:
        try:
            return _unsafe_in(json.loads(request.body), "body")
        except ValueError:
            return None  # not JSON: the API says so in its own words
    return None


def _refuse(request: HttpRequest, code: str, message: str, field: str | None) -> HttpResponse:
    if request.path.startswith("/api/") or "json" in request.META.get("HTTP_ACCEPT", ""):
        return JsonResponse({"code": code, "message": message, "field": field}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class LeanPublicPathsMiddleware:
    """Public, read-only endpoints anyone may call without an account (the QR verification
    page, the verification API, published keys and status lists) skip the part of the stack
    that serves signed-in users: sessions, CSRF, authentication, the second factor, messages,
    locale negotiation, htmx and the login lockout. They still pass through the security
    headers (SecurityMiddleware, X-Frame-Options, CSP), the request id and the input checks:
    settings.SKILLCERT_LEAN_MIDDLEWARE. A request carrying a session cookie takes the full stack
    (a signed-in user sees the page with their menu).

    Placed right after MetricsMiddleware; paths are settings.SKILLCERT_LEAN_PATHS prefixes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings
        from django.core.handlers.exception import convert_exception_to_response
        from django.utils.module_loading import import_string

        self.get_response = get_response
        self.prefixes = tuple(settings.SKILLCERT_LEAN_PATHS)
        self.session_cookie = settings.SESSION_COOKIE_NAME
        lean: Callable[[HttpRequest], Any] = convert_exception_to_response(_call_view)
        for dotted in reversed(settings.SKILLCERT_LEAN_MIDDLEWARE):
            lean = convert_exception_to_response(import_string(dotted)(lean))
        self.lean = lean

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.prefixes) and (
            self.session_cookie not in request.COOKIES
        ):
            request._skillcert_lean = True  # type: ignore[attr-defined]
            return self.lean(request)
        return self.get_response(request)


def served_lean(request: HttpRequest) -> bool:
    """True when the request took the short stack: no session, user or CSRF cookie exists, so
    the response must not depend on who is asking."""
    return bool(getattr(request, "_skillcert_lean", False))


def _call_view(request: HttpRequest) -> HttpResponse:
    from django.urls import get_resolver

    match = get_resolver().resolve(request.path_info)
    request.resolver_match = match
    response = match.func(request, *match.args, **match.kwargs)
    if callable(getattr(response, "render", None)):
        response = response.render()
    return response


class StaticCSPMiddleware:
    """The Content-Security-Policy header of csp.middleware.CSPMiddleware, built once: the lean
    public views use no nonce and no per-view policy, so the header is the same every time
    (django-csp builds it on every response)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from csp.constants import HEADER
        from csp.utils import build_policy

        self.get_response = get_response
        self.header = HEADER
        self.policy = build_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header not in response:
            response[self.header] = self.policy
        return response
