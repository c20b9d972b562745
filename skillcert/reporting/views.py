"""The statistics page for province and city officers: filters, one table per figure with a
bar per row, and the Excel export of one table or all of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from skillcert.accounts.scope import scope_for
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.organizations.models import OrgKind
from skillcert.reporting.filters import filters_from
from skillcert.reporting.selectors import Filters, dashboard


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise Http404
    status = 200
    try:
        filters = filters_from(request.GET, scope)
    except DomainError as exc:
        messages.error(request, exc.message)
        filters, status = Filters(), 400
    tables = dashboard(scope, filters, today=timezone.localdate())
    if request.GET.get("export") == "xlsx" and status == 200:
        wanted = request.GET.get("table", "")
        chosen = [t for t in tables if not wanted or t.key == wanted]
        if not chosen:
            raise Http404
        width = max(len(t.headers) for t in chosen)
        return xlsx_response(
            "技能人才统计.xlsx",
            ["统计表", *[f"列{i + 1}" for i in range(width)]],
            ([t.title, *row] for t in chosen for row in [t.headers, *t.rows]),
        )
    return render(
        request,
        "reporting/statistics.html",
        {
            "tables": tables,
            "filters": filters,
            "kinds": OrgKind.choices,
            "query": request.GET.urlencode(),
        },
        status=status,
    )
