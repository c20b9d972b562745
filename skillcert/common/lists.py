"""A list page, written once: its rows cut into pages of PAGE_SIZE, the page the `?page=`
parameter names (the last for a number past the end, the first for anything else)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGE_SIZE = 50


def list_page(
    request: HttpRequest,
    template: str,
    rows: QuerySet[Any] | Sequence[Any],
    context: Mapping[str, Any],
) -> HttpResponse:
    """`template` rendered with the current page of `rows` as `page`, beside `context`."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, **context})
