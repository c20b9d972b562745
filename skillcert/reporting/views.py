"""The statistics pages for province and city officers: the dashboard (filters, charts, each
with its table and Excel export), the monthly and yearly reports to download, and the buttons
that queue a summary refresh or a report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_or_404
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_service
from skillcert.organizations.choices import OrgKind
from skillcert.reporting.charts import chart_for
from skillcert.reporting.filters import filters_from
from skillcert.reporting.models import ReportKind
from skillcert.reporting.selectors import (
    Filters,
    dashboard,
    last_refresh,
    report_regions_for,
    reports_visible,
    subsidy_basis,
)
from skillcert.reporting.services import previous_period, report_period
from skillcert.reporting.tasks import statistics_refresh_run, statistics_report_run


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user)
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
            "sections": [(t, chart_for(t)) for t in tables],
            "filters": filters,
            "kinds": OrgKind.choices,
            "query": request.GET.urlencode(),
            "refreshed": last_refresh(),
            "may_refresh": scope.is_province_officer,
        },
        status=status,
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Queue a refresh of the summary now (it also runs on a schedule)."""
    scope = scope_or_404(request.user)
    if not scope.is_province_officer:
        raise Http404
    statistics_refresh_run.enqueue(user_id=request.user.pk)
    messages.success(request, "已提交统计数据更新，稍后刷新页面即可看到最新数据")
    return redirect("reporting:statistics")


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user)
    rows = reports_visible(scope=scope).select_related("region")
    return render(
        request,
        "reporting/reports.html",
        {
            "reports": rows[:200],
            "kinds": ReportKind.choices,
            "default_period": previous_period(kind=ReportKind.MONTHLY, today=timezone.localdate()),
        },
    )


@login_required
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user)
    kind, period = request.POST.get("kind", ""), request.POST.get("period", "").strip()

    def enqueue() -> int:
        first, _ = report_period(kind=kind, period=period)
        if first > timezone.localdate():
            raise DomainError("reporting.period_future", "统计期尚未开始，不能生成报表")
        regions = report_regions_for(scope=scope)
        if not regions:
            raise DomainError("reporting.no_regions", "您的管辖范围内尚无评价机构，无需生成报表")
        statistics_report_run.enqueue(
            kind=kind,
            period=period,
            region_codes=[r.code for r in regions],
            user_id=request.user.pk,
        )
        return len(regions)

    response = run_service(
        request,
        enqueue,
        success=lambda count: (
            f"已提交生成 {period} {ReportKind(kind).label}（{count} 个地区），完成后在下方列出"
        ),
        next="reporting:reports",
    )
    assert response is not None  # without a form, refusals redirect too
    return response


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    scope = scope_or_404(request.user)
    report = get_object_in_scope(reports_visible(scope=scope), pk=pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    stored = report.pdf if fmt == "pdf" else report.xlsx
    name = f"{report.region.name}-{report.period}-{report.get_kind_display()}.{fmt}"
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


SUBSIDY_HEADERS = [
    "评价机构",
    "备案编号",
    "职业",
    "等级",
    "评价途径",
    "登记合格人数",
    "符合补贴条件人数",
    "不符合原因",
]


@login_required
def subsidy(request: HttpRequest) -> HttpResponse:
    """The subsidy basis: registered passing results per organisation for a period (default:
    last month), with the count that meets the conditions; Excel export (audited: it is the
    basis of public money)."""
    scope = scope_or_404(request.user)
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    status, rows = 200, []
    try:
        filters = filters_from(request.GET, scope)
        date_from = filters.date_from or last_month_end.replace(day=1)
        date_to = filters.date_to or last_month_end
        if date_to < date_from:  # only one end given, on the wrong side of the default
            raise DomainError(
                "reporting.period_invalid", "结束日期不能早于开始日期", field="date_to"
            )
        rows = subsidy_basis(scope=scope, date_from=date_from, date_to=date_to)
    except DomainError as exc:
        messages.error(request, exc.message)
        status, date_from, date_to = 400, last_month_end.replace(day=1), last_month_end
    table = [
        [
            r.organization,
            r.filing_number,
            r.occupation,
            r.level,
            r.route,
            r.registered,
            r.eligible,
            r.reason,
        ]
        for r in rows
    ]
    if request.GET.get("export") == "xlsx" and status == 200:
        audit_record(
            actor=request_actor(request),
            action="reporting.subsidy_export",
            object_type="reporting.subsidy",
            changes={"from": str(date_from), "to": str(date_to), "rows": len(table)},
        )
        return xlsx_response(f"补贴依据_{date_from}_{date_to}.xlsx", SUBSIDY_HEADERS, table)
    return render(
        request,
        "reporting/subsidy.html",
        {
            "headers": SUBSIDY_HEADERS,
            "rows": table,
            "date_from": date_from,
            "date_to": date_to,
            "registered": sum(r.registered for r in rows),
            "eligible": sum(r.eligible for r in rows),
        },
        status=status,
    )
