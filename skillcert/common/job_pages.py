"""The page of a background job (an import, a batch of tickets or certificates), written
once: htmx polls it for the progress fragment alone, a browser gets the whole page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def job_page(
    request: HttpRequest, page: str, progress: str, context: Mapping[str, Any]
) -> HttpResponse:
    """`progress` (the fragment that polls itself) for htmx, `page` (which includes it)
    otherwise, both rendered with `context`."""
    polled = request.headers.get("HX-Request") == "true"
    return render(request, progress if polled else page, dict(context))
