"""Pages for officers and organisation staff. Each view fetches through a scoped selector
(404 outside scope), parses input and calls one service; DomainErrors become messages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from skillcert.accounts.actors import request_actor
from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for, scope_or_404
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.forms import form_valid_or_flash
from skillcert.common.lists import list_page
from skillcert.common.service_runner import run_service
from skillcert.organizations import annual_reports, credit, filing, services
from skillcert.organizations.core import report_due_date
from skillcert.organizations.forms import (
    AnnualReportTextForm,
    CreditEventForm,
    FilingStartForm,
    ListingForm,
    ListingRemoveForm,
    ReasonForm,
)
from skillcert.organizations.models import (
    AnnualReport,
    AnnualReportLine,
    AnnualReportStatus,
    CreditListing,
    EvaluationOrg,
    OrgKind,
    OrgScope,
    OrgStatus,
)
from skillcert.organizations.permissions import (
    is_officer_over,
    is_province_officer_over,
    is_staff_of,
)
from skillcert.organizations.selectors import (
    annual_reports_visible,
    filing_applications_visible,
    organizations_visible,
)
from skillcert.regions.selectors import region_by_code

if TYPE_CHECKING:
    pass


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    orgs = organizations_visible(scope=scope, q=q, kind=kind, status=status)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "评价机构.xlsx",
            [
                "机构名称",
                "类型",
                "统一社会信用代码",
                "所在地区",
                "备案状态",
                "备案编号",
                "有效期至",
            ],
            (
                (
                    o.name,
                    o.get_kind_display(),
                    o.uscc,
                    o.region.name,
                    o.get_status_display(),
                    o.filing_number or "",
                    str(o.valid_until or ""),
                )
                for o in orgs
            ),
        )
    return list_page(
        request,
        "organizations/org_list.html",
        orgs,
        {
            "q": q,
            "kind": kind,
            "status": status,
            "kinds": OrgKind.choices,
            "statuses": OrgStatus.choices,
        },
    )


def _org_for(request: HttpRequest, pk: int) -> tuple[EvaluationOrg, Scope]:
    scope = scope_for(request.user)
    return get_object_in_scope(organizations_visible(scope=scope), pk=pk), scope


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org, scope = _org_for(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "organizations/org_detail.html",
        {
            "org": org,
            "today": today,
            "is_staff": is_staff_of(scope, org),
            "is_officer": is_officer_over(scope, org),
            "is_province": is_province_officer_over(scope, org),
            "is_org_admin": org.pk in scope.organization_ids and scope.has_role(Role.ORG_ADMIN),
            "scope_lines": OrgScope.objects.filter(org=org, active=True).select_related(
                "occupation", "specialty"
            ),
            "applications": filing_applications_visible(scope=scope).filter(org=org)[:20],
            "events": org.events.select_related("actor")[:50],
            "credit_events": org.credit_events.all()[:100],
            "listings": org.listings.all(),
            "reports": org.annual_reports.all(),
            "start_form": FilingStartForm(
                initial={
                    "service_region": (org.service_region_id or org.region_id[:4] + "00"),
                    "contact_name": org.contact_name,
                    "contact_phone": org.contact_phone,
                    "address": org.address,
                }
            ),
            "reason_form": ReasonForm(),
            "listing_form": ListingForm(initial={"starts_on": today}),
            "credit_form": CreditEventForm(initial={"occurred_on": today}),
            "report_year": today.year if today.month == 12 else today.year - 1,
        },
    )


def _detail_url(org: EvaluationOrg) -> str:
    return reverse("organizations:detail", args=[org.pk])


# The detail page's buttons: each comes back to the page; a refused input is flashed there.
ORG: Actions[EvaluationOrg] = Actions(
    prefix="<int:pk>/", load=lambda request, pk: _org_for(request, pk)[0], back=_detail_url
)


@ORG.post(
    "filing_start/",
    form=FilingStartForm,
    success="已创建备案申请，请填写认定范围和证明材料",
    next=lambda application: reverse("organizations:filing", args=[application.pk]),
)
def filing_start(a: Act[EvaluationOrg]) -> object:
    code = a.data["service_region"]
    region = region_by_code(code=code)
    if region is None:
        raise DomainError(
            "filing.region_unknown", f"行政区划代码 {code} 不存在", field="service_region"
        )
    fields = {k: v for k, v in a.data.items() if k != "service_region"}
    return filing.filing_application_start(
        org=a.obj, service_region=region, actor=a.actor, **fields
    )


@ORG.post(
    "annual_report_start/",
    success=lambda _a, report: f"已创建 {report.year} 年度报告",
    next=lambda report: reverse("organizations:annual_report", args=[report.pk]),
)
def annual_report_start(a: Act[EvaluationOrg]) -> object:
    year = a.posted("year")
    if not year.isdigit():
        raise DomainError("annual_report.year_invalid", "年度无效", field="year")
    return annual_reports.annual_report_start(org=a.obj, year=int(year), actor=a.actor)


@ORG.post("listing_add/", form=ListingForm, success="已列入名录")
def listing_add(a: Act[EvaluationOrg]) -> object:
    return credit.credit_listing_add(org=a.obj, actor=a.actor, **a.data)


@ORG.post("listing_remove/", form=ListingRemoveForm, success="已移出名录")
def listing_remove(a: Act[EvaluationOrg]) -> object:
    d = a.data
    row = get_object_in_scope(CreditListing.objects.filter(org=a.obj), pk=d["listing"])
    return credit.credit_listing_remove(
        listing=row, reason=d["reason"], document_no=d["document_no"], actor=a.actor
    )


@ORG.post("credit_event/", form=CreditEventForm, success="已记入诚信档案", name="credit_event")
def credit_event_add(a: Act[EvaluationOrg]) -> object:
    return credit.credit_event_record(org=a.obj, actor=a.actor, **a.data)


@ORG.post("scope_drop/", success="已缩减认定范围")
def scope_drop(a: Act[EvaluationOrg]) -> object:
    ids = [int(v) for v in a.request.POST.getlist("scope") if v.isdigit()]
    return services.organization_scope_drop(
        org=a.obj, scope_ids=ids, reason=a.posted("reason"), actor=a.actor
    )


# The status buttons of the detail page share one form: a reason and a document number.


@ORG.post("suspend/", form=ReasonForm, success="已暂停该机构的认定")
def suspend(a: Act[EvaluationOrg]) -> object:
    return services.organization_suspend(org=a.obj, actor=a.actor, **a.data)


@ORG.post("resume/", form=ReasonForm, success="已恢复该机构的认定")
def resume(a: Act[EvaluationOrg]) -> object:
    return services.organization_resume(org=a.obj, reason=a.data["reason"], actor=a.actor)


@ORG.post("revoke/", form=ReasonForm, success="已撤销备案")
def revoke(a: Act[EvaluationOrg]) -> object:
    return services.organization_revoke(org=a.obj, actor=a.actor, **a.data)


@ORG.post("exit/", form=ReasonForm, success="已办理退出", name="exit")
def exit_filing(a: Act[EvaluationOrg]) -> object:
    return services.organization_exit(org=a.obj, reason=a.data["reason"], actor=a.actor)


def _annual_report_post(
    request: HttpRequest, report: AnnualReport, lines: list[AnnualReportLine]
) -> HttpResponse:
    """Save the report's texts and numbers; with the submit button, send it in as well."""
    back = reverse("organizations:annual_report", args=[report.pk])
    texts = AnnualReportTextForm(request.POST)
    if not form_valid_or_flash(request, texts):
        return redirect(back)
    try:
        inputs = [
            annual_reports.ReportLineInput(
                occupation_id=line.occupation_id,
                level=line.level,
                assessed=int(request.POST.get(f"assessed-{line.pk}", "0") or 0),
            )
            for line in lines
        ]
    except ValueError:
        messages.error(request, "人数应为整数")
        return redirect(back)
    saved: list[AnnualReport] = []
    response = run_service(
        request,
        lambda: saved.append(
            annual_reports.annual_report_save(
                report=report, lines=inputs, actor=request_actor(request), **texts.cleaned_data
            )
        ),
        success="年度报告已保存",
        next=back,
    )
    if saved and request.POST.get("submit"):
        response = run_service(
            request,
            lambda: annual_reports.annual_report_submit(
                report=report, actor=request_actor(request)
            ),
            success="年度报告已报送",
            next=back,
        )
    assert response is not None  # no form: a refused input is flashed and redirected
    return response


@login_required
def annual_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    report = get_object_in_scope(annual_reports_visible(scope=scope), pk=pk)
    editable = report.status == AnnualReportStatus.DRAFT and is_staff_of(scope, report.org)
    lines = list(report.lines.select_related("occupation"))
    if request.method == "POST":
        if not editable:
            raise Http404
        return _annual_report_post(request, report, lines)
    roster = annual_reports.annual_report_roster(report=report)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{report.org.name}{report.year}年度认定人员名单.xlsx",
            ["证书编号", "姓名", "证件号码", "职业", "等级", "发证日期"],
            [
                [
                    e.certificate_number,
                    e.holder_name,
                    e.id_number_masked,
                    e.occupation_name,
                    e.level_name,
                    e.issue_date,
                ]
                for e in roster
            ],
        )
    return render(
        request,
        "organizations/annual_report.html",
        {
            "report": report,
            "lines": lines,
            "roster": roster,
            "editable": editable,
            "text_form": AnnualReportTextForm(
                initial={
                    "examiner_changes": report.examiner_changes,
                    "item_bank_changes": report.item_bank_changes,
                    "problems": report.problems,
                    "fixes": report.fixes,
                }
            ),
            "due": annual_reports.due_date_for(org=report.org, year=report.year),
        },
    )


@login_required
def annual_reports_overdue_view(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year - 1))
    except ValueError:
        year = today.year - 1
    if request.method == "POST":
        response = run_service(
            request,
            lambda: annual_reports.annual_reports_flag_overdue(
                year=year, actor=request_actor(request)
            ),
            success=f"已完成 {year} 年度报告逾期标记",
            next=f"{reverse('organizations:overdue')}?year={year}",
        )
        assert response is not None  # no form: a refused input is flashed and redirected
        return response
    rows = annual_reports.annual_reports_overdue(scope=scope, year=year, today=today)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{year}年度报告逾期机构.xlsx",
            ["机构名称", "备案编号", "所在地区", "已记入诚信档案"],
            (
                (o.name, o.filing_number or "", o.region.name, "是" if o.flagged else "否")  # type: ignore[attr-defined]
                for o in rows
            ),
        )
    return render(
        request,
        "organizations/overdue.html",
        {
            "year": year,
            "rows": rows,
            "due": _province_due(year),
            "can_flag": scope.is_province_officer,
        },
    )


def _province_due(year: int) -> dt.date:
    policy = filing.policy_for(settings.SKILLCERT_PROVINCE)
    return report_due_date(
        year=year, month=policy.annual_report_due_month, day=policy.annual_report_due_day
    )
