"""Pages for officers and organisation staff. Each view fetches through a scoped selector
(404 outside scope), parses input and calls one service; DomainErrors become messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.organizations import annual_reports, credit, filing, services
from skillcert.organizations.core import MAX_UPLOAD_BYTES, report_due_date
from skillcert.organizations.forms import (
    AnnualReportTextForm,
    CreditEventForm,
    EvidenceForm,
    FilingStartForm,
    ListingForm,
    ListingRemoveForm,
    ReasonForm,
    ReviewForm,
    ScopeForm,
    parse_scope_lines,
)
from skillcert.organizations.models import (
    AnnualReportStatus,
    ChecklistItem,
    CreditListing,
    EvaluationOrg,
    FilingStatus,
    OrgKind,
    OrgScope,
    OrgStatus,
    ReviewTier,
)
from skillcert.organizations.permissions import (
    is_officer_over,
    is_province_officer_over,
    is_staff_of,
)
from skillcert.organizations.selectors import (
    annual_reports_visible,
    files_visible,
    filing_applications_visible,
    filing_review_queue,
    organizations_visible,
)
from skillcert.organizations.uploads import file_store
from skillcert.regions.models import Region


def _staff_or_officer(scope: Scope) -> None:
    if not (scope.is_officer or scope.is_org_staff):
        raise Http404


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Call a service; report its DomainError as a message instead of a 500."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    _staff_or_officer(scope)
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
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/org_list.html",
        {
            "page": page,
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


@login_required
@require_POST
def org_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The lifecycle buttons of the detail page; each is one service call."""
    org, _ = _org_for(request, pk)
    user = request.user
    back = HttpResponseRedirect(reverse("organizations:detail", args=[org.pk]))
    post = request.POST
    if action == "filing_start":
        start = FilingStartForm(post)
        if not start.is_valid():
            _form_errors(request, start)
            return back
        data = start.cleaned_data
        region = Region.objects.filter(code=data["service_region"]).first()
        if region is None:
            messages.error(request, f"行政区划代码 {data['service_region']} 不存在")
            return back
        created: list[Any] = []
        ok = _run(
            request,
            lambda: created.append(
                filing.filing_application_start(
                    org=org,
                    purpose=data["purpose"],
                    service_region=region,
                    authority_code=data["authority_code"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    address=data["address"],
                    actor=user,
                )
            ),
            "已创建备案申请，请填写认定范围和证明材料",
        )
        if ok:
            return HttpResponseRedirect(reverse("organizations:filing", args=[created[0].pk]))
        return back
    if action == "annual_report_start":
        try:
            year = int(post.get("year", ""))
        except ValueError:
            messages.error(request, "年度无效")
            return back
        made: list[Any] = []
        if _run(
            request,
            lambda: made.append(annual_reports.annual_report_start(org=org, year=year, actor=user)),
            f"已创建 {year} 年度报告",
        ):
            return HttpResponseRedirect(reverse("organizations:annual_report", args=[made[0].pk]))
        return back
    if action == "listing_add":
        listing = ListingForm(post)
        if not listing.is_valid():
            _form_errors(request, listing)
            return back
        d = listing.cleaned_data
        _run(
            request,
            lambda: credit.credit_listing_add(
                org=org,
                list_kind=d["list_kind"],
                reason=d["reason"],
                document_no=d["document_no"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                actor=user,
            ),
            "已列入名录",
        )
        return back
    if action == "listing_remove":
        removal = ListingRemoveForm(post)
        if not removal.is_valid():
            _form_errors(request, removal)
            return back
        d = removal.cleaned_data
        row = get_object_in_scope(CreditListing.objects.filter(org=org), pk=d["listing"])
        _run(
            request,
            lambda: credit.credit_listing_remove(
                listing=row, reason=d["reason"], document_no=d["document_no"], actor=user
            ),
            "已移出名录",
        )
        return back
    if action == "credit_event":
        event = CreditEventForm(post)
        if not event.is_valid():
            _form_errors(request, event)
            return back
        d = event.cleaned_data
        _run(
            request,
            lambda: credit.credit_event_record(
                org=org,
                kind=d["kind"],
                occurred_on=d["occurred_on"],
                description=d["description"],
                document_no=d["document_no"],
                actor=user,
            ),
            "已记入诚信档案",
        )
        return back
    if action == "scope_drop":
        ids = [int(v) for v in post.getlist("scope") if v.isdigit()]
        _run(
            request,
            lambda: services.organization_scope_drop(
                org=org, scope_ids=ids, reason=post.get("reason", ""), actor=user
            ),
            "已缩减认定范围",
        )
        return back
    reason_form = ReasonForm(post)
    if not reason_form.is_valid():
        _form_errors(request, reason_form)
        return back
    reason = reason_form.cleaned_data["reason"]
    document_no = reason_form.cleaned_data["document_no"]
    lifecycle: dict[str, tuple[Callable[[], Any], str]] = {
        "suspend": (
            lambda: services.organization_suspend(
                org=org, reason=reason, document_no=document_no, actor=user
            ),
            "已暂停该机构的认定",
        ),
        "resume": (
            lambda: services.organization_resume(org=org, reason=reason, actor=user),
            "已恢复该机构的认定",
        ),
        "revoke": (
            lambda: services.organization_revoke(
                org=org, reason=reason, document_no=document_no, actor=user
            ),
            "已撤销备案",
        ),
        "exit": (
            lambda: services.organization_exit(org=org, reason=reason, actor=user),
            "已办理退出",
        ),
    }
    if action not in lifecycle:
        raise Http404
    call, done = lifecycle[action]
    _run(request, call, done)
    return back


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    application = get_object_in_scope(filing_applications_visible(scope=scope), pk=pk)
    org = application.org
    user = request.user
    back = HttpResponseRedirect(reverse("organizations:filing", args=[application.pk]))
    if request.method == "POST":
        post = request.POST
        step = post.get("step", "")
        if step == "scope":
            form = ScopeForm(post)
            if form.is_valid():
                _run(
                    request,
                    lambda: filing.filing_scope_set(
                        application=application,
                        lines=parse_scope_lines(form.cleaned_data["lines"]),
                        actor=user,
                    ),
                    "认定范围已保存",
                )
            else:
                _form_errors(request, form)
        elif step == "evidence":
            if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + 64 * 1024:
                messages.error(request, f"文件超过上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
                return back
            evidence_form = EvidenceForm(post, request.FILES)
            if evidence_form.is_valid():
                d = evidence_form.cleaned_data
                item = ChecklistItem.objects.filter(pk=d["item"], kind=org.kind).first()
                if item is None:
                    raise Http404

                def save_evidence() -> None:
                    stored = (
                        file_store(org=org, upload=d["file"], actor=user) if d["file"] else None
                    )
                    filing.filing_evidence_set(
                        application=application,
                        item=item,
                        file=stored,
                        number_value=d["number_value"],
                        text_value=d["text_value"],
                        declared=d["declared"],
                        actor=user,
                    )

                _run(request, save_evidence, f"已保存“{item.title}”的材料")
            else:
                _form_errors(request, evidence_form)
        elif step == "submit":
            _run(
                request,
                lambda: filing.filing_submit(application=application, actor=user),
                "已提交，等待审核",
            )
        elif step == "withdraw":
            _run(
                request,
                lambda: filing.filing_withdraw(application=application, actor=user),
                "已撤回申请",
            )
        elif step == "review":
            review_form = ReviewForm(post)
            if review_form.is_valid():
                tier = (
                    ReviewTier.CITY
                    if application.status == FilingStatus.SUBMITTED
                    else ReviewTier.PROVINCE
                )
                _run(
                    request,
                    lambda: filing.filing_review(
                        application=application,
                        tier=tier,
                        decision=review_form.cleaned_data["decision"],
                        reason=review_form.cleaned_data["reason"],
                        actor=user,
                    ),
                    "审核意见已保存",
                )
            else:
                _form_errors(request, review_form)
        else:
            raise Http404
        return back
    lines = application.lines.select_related("occupation", "specialty")
    editable = application.status in filing.EDITABLE and is_staff_of(scope, org)
    can_review = (application.status == FilingStatus.SUBMITTED and is_officer_over(scope, org)) or (
        application.status == FilingStatus.CITY_APPROVED and is_province_officer_over(scope, org)
    )
    return render(
        request,
        "organizations/filing_detail.html",
        {
            "application": application,
            "org": org,
            "lines": lines,
            "checklist": filing.filing_checklist(application=application),
            "reviews": application.reviews.select_related("actor"),
            "editable": editable,
            "can_withdraw": is_staff_of(scope, org)
            and application.status
            in (FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED),
            "can_review": can_review and not is_staff_of(scope, org),
            "scope_form": ScopeForm(
                initial={
                    "lines": "\n".join(
                        f"{line.occupation.code} {line.level}"
                        + (f" {line.specialty.name}" if line.specialty else "")
                        for line in lines
                    )
                }
            ),
            "review_form": ReviewForm(),
        },
    )


@login_required
def filing_queue(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise Http404
    rows = filing_review_queue(scope=scope)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "organizations/filing_queue.html", {"page": page})


@login_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """Always an attachment, with the detected type and a sandboxing CSP, so a file can
    never be rendered or run in the platform's origin."""
    stored = get_object_in_scope(files_visible(scope=scope_for(request.user)), pk=pk)
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def annual_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    report = get_object_in_scope(annual_reports_visible(scope=scope), pk=pk)
    editable = report.status == AnnualReportStatus.DRAFT and is_staff_of(scope, report.org)
    back = HttpResponseRedirect(reverse("organizations:annual_report", args=[report.pk]))
    lines = list(report.lines.select_related("occupation"))
    if request.method == "POST":
        if not editable:
            raise Http404
        texts = AnnualReportTextForm(request.POST)
        if not texts.is_valid():
            _form_errors(request, texts)
            return back
        try:
            inputs = [
                annual_reports.ReportLineInput(
                    occupation_id=line.occupation_id,
                    level=line.level,
                    assessed=int(request.POST.get(f"assessed-{line.pk}", "0") or 0),
                    certified=int(request.POST.get(f"certified-{line.pk}", "0") or 0),
                )
                for line in lines
            ]
        except ValueError:
            messages.error(request, "人数应为整数")
            return back
        saved = _run(
            request,
            lambda: annual_reports.annual_report_save(
                report=report, lines=inputs, actor=request.user, **texts.cleaned_data
            ),
            "年度报告已保存",
        )
        if saved and request.POST.get("submit"):
            _run(
                request,
                lambda: annual_reports.annual_report_submit(report=report, actor=request.user),
                "年度报告已报送",
            )
        return back
    return render(
        request,
        "organizations/annual_report.html",
        {
            "report": report,
            "lines": lines,
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
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year - 1))
    except ValueError:
        year = today.year - 1
    if request.method == "POST":
        flagged: list[int] = []
        _run(
            request,
            lambda: flagged.append(
                annual_reports.annual_reports_flag_overdue(year=year, actor=request.user)
            ),
            f"已完成 {year} 年度报告逾期标记",
        )
        return HttpResponseRedirect(f"{reverse('organizations:overdue')}?year={year}")
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
