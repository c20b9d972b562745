"""The public directory pages: anonymous, read-only, with CSV and Excel export."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.common.exports import formula_safe, xlsx_response
from skillcert.common.throttle import throttle, too_many_requests
from skillcert.occupations.selectors import occupation_choices
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.directory import (
    EXPORT_HEADERS,
    DirectoryFilters,
    directory_entry,
    directory_export_rows,
    directory_filters_parse,
    directory_places,
    directory_rows,
    directory_search,
)
from skillcert.organizations.models import OrgKind

PAGE_SIZE = 20


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel opens UTF-8 Chinese correctly
    yield writer.writerow(EXPORT_HEADERS)
    for row in rows:
        yield writer.writerow([formula_safe(v) for v in row])


def directory_list(request: HttpRequest) -> HttpResponseBase:
    refused = too_many_requests(request, group="public-directory", rate="60/m")
    if refused is not None:
        return refused
    today = timezone.localdate()
    error = ""
    error_field = ""
    try:
        filters = directory_filters_parse(request.GET)
        orgs = directory_search(filters)
    except DomainError as exc:
        error = exc.message
        error_field = exc.field or ""
        filters = DirectoryFilters()
        orgs = directory_search(filters).none()
    export = request.GET.get("export", "")
    if export == "csv" and not error:
        response = StreamingHttpResponse(
            _csv_stream(directory_export_rows(filters, day=today)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = "attachment; filename=directory.csv"
        return response
    if export == "xlsx" and not error:
        return xlsx_response(
            "评价机构名录.xlsx", EXPORT_HEADERS, directory_export_rows(filters, day=today)
        )
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.as_query()
    return render(
        request,
        "organizations/directory_list.html",
        {
            "page": page,
            "rows": directory_rows(list(page.object_list), day=today),
            "filters": filters,
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
            "query_items": query,
            "error": error,
            "error_field": error_field,
            "typed": request.GET,
            "kinds": OrgKind.choices,
            "levels": sorted(LEVEL_NAMES.items(), reverse=True),
            "occupations": occupation_choices(),
            "places": directory_places(),
        },
        # htmx swaps only a 2xx answer into #results: an htmx search answers the message as
        # the results (200); a plain request keeps the 400 a refused query is.
        status=400 if error and not request.headers.get("HX-Request") else 200,
    )


@throttle(group="public-directory", rate="60/m")
def directory_detail(request: HttpRequest, filing_number: str) -> HttpResponse:
    row = directory_entry(filing_number=filing_number, day=timezone.localdate())
    if row is None:
        raise Http404("名录中没有该备案编号")
    return render(request, "organizations/directory_detail.html", {"row": row})
