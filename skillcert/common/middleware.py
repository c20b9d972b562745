"""Request id and client address, kept in context variables so that services can stamp
audit rows and log lines without every call passing the request down."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse, JsonResponse

from skillcert.common.throttle import client_ip

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
        return self.get_response(request)
