"""Item-bank pages: thin shells over selectors and services. Every row is fetched through the
owner-scoped selectors (404 for another owner's rows); item text is shown only on the detail
page, after `item_contents_read` has logged the read."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.models import User
from skillcert.accounts.scope import get_object_in_scope
from skillcert.common.errors import DomainError
from skillcert.common.exports import XLSX
from skillcert.itembank.excel import items_to_xlsx, parse_items_xlsx
from skillcert.itembank.models import AccessPurpose, ItemStatus
from skillcert.itembank.permits import BankAction, item_may
from skillcert.itembank.qti import items_to_qti_package, parse_qti_package
from skillcert.itembank.selectors import (
    BankScope,
    access_log_for,
    assignments_for,
    bank_scope,
    blueprints_visible,
    items_visible,
    papers_visible,
    reviewers_for,
    writable_banks,
)
from skillcert.itembank.services import (
    item_approve,
    item_assign,
    item_assignment_revoke,
    item_contents_read,
    item_retire,
    item_return,
    item_submit,
    items_export_rows,
    items_import,
    paper_assemble,
    paper_download,
    paper_mark_used,
    paper_release_approve,
    paper_seal,
)
from skillcert.occupations.models import Occupation

EXPORT_LIMIT = 5000


def _scope_or_404(request: HttpRequest) -> BankScope:
    """The user's place in the item banks; 404 for anyone with none (city officers, staff of
    organisations without a bank role, examiners without an assignment)."""
    scope = bank_scope(request.user)
    if not scope.any_role:
        raise Http404
    return scope


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    q = request.GET.get("q", "").strip()[:40]
    status = request.GET.get("status", "")
    status = status if status in ItemStatus.values else ""
    items = items_visible(scope=scope, q=q, status=status)
    export = request.GET.get("export", "")
    if export in ("xlsx", "qti"):
        exportable = items_visible(scope=scope, q=q, status=status, action=BankAction.EXPORT)
        rows = items_export_rows(
            items=list(exportable[:EXPORT_LIMIT]), actor=request.user, choice_only=export == "qti"
        )
        if export == "xlsx":
            response = HttpResponse(items_to_xlsx(rows), content_type=XLSX)
            response["Content-Disposition"] = "attachment; filename=itembank.xlsx"
        else:
            response = HttpResponse(items_to_qti_package(rows), content_type="application/zip")
            response["Content-Disposition"] = "attachment; filename=itembank-qti22.zip"
        return response
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "itembank/item_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": ItemStatus.choices,
            "bank_scope": scope,
        },
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request)
    item = get_object_in_scope(items_visible(scope=scope), pk=pk)
    purpose = AccessPurpose.REVIEW if item.reviewer_id == request.user.pk else AccessPurpose.VIEW
    content = item_contents_read(items=[item], actor=request.user, purpose=purpose)[item.pk]
    return render(
        request,
        "itembank/item_detail.html",
        {
            "item": item,
            "content": content,
            "may_manage": item_may(scope, item, BankAction.MANAGE),
            "may_write": item_may(scope, item, BankAction.WRITE),
            "may_review": item_may(scope, item, BankAction.REVIEW),
            "reviewers": reviewers_for(item=item),
            "assignments": assignments_for(scope=scope, item=item),
            "log": access_log_for(scope=scope, item=item)[:50],
            "versions": item.versions.values("version", "created_at", "created_by__username"),
        },
    )


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = _scope_or_404(request)
    item = get_object_in_scope(items_visible(scope=scope), pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "submit":
            reviewer = get_object_in_scope(User.objects.all(), pk=request.POST.get("reviewer"))
            item_submit(item=item, reviewer=reviewer, actor=request.user)
        elif action == "approve":
            item_approve(item=item, actor=request.user)
        elif action == "return":
            item_return(item=item, reason=reason, actor=request.user)
        elif action == "retire":
            item_retire(item=item, reason=reason, actor=request.user)
        elif action == "assign":
            assignee = User.objects.filter(
                username=request.POST.get("username", "").strip(), is_active=True
            ).first()
            if assignee is None:
                raise DomainError("item.assignee_unknown", "未找到该用户名", field="username")
            item_assign(item=item, user=assignee, reason=reason, actor=request.user)
        elif action == "unassign":
            assignment = get_object_in_scope(
                assignments_for(scope=scope, item=item), pk=request.POST.get("assignment")
            )
            item_assignment_revoke(assignment=assignment, actor=request.user)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("itembank:detail", pk=item.pk)
    messages.success(request, "操作成功")
    if items_visible(scope=bank_scope(request.user)).filter(pk=item.pk).exists():
        return redirect("itembank:detail", pk=item.pk)
    return redirect("itembank:list")


@login_required
def item_import(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    officer = bool(scope.is_platform or scope.officer_provinces or scope.officer_organizations)
    occupations = (
        Occupation.objects.all()
        if officer
        else Occupation.objects.filter(pk__in=sorted(scope.writes_occupations()))
    )
    banks = writable_banks(scope=scope)
    report = None
    if request.method == "POST":
        occupation = get_object_in_scope(occupations, pk=request.POST.get("occupation"))
        bank = None
        if request.POST.get("bank"):
            bank = get_object_in_scope(banks, pk=request.POST.get("bank"))
        upload = request.FILES.get("file")
        if upload is None or upload.size is None or upload.size > 50 * 1024 * 1024:
            messages.error(request, "请选择不超过 50MB 的 Excel 或 QTI（zip）文件")
        else:
            data = upload.read()
            parsed = (
                parse_qti_package(data)
                if data[:2] == b"PK" and (upload.name or "").endswith(".zip")
                else parse_items_xlsx(data)
            )
            try:
                report = items_import(
                    occupation=occupation, parsed=parsed, actor=request.user, bank=bank
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if report.created:
                    messages.success(request, f"已导入 {report.created} 道试题（草稿）")
    return render(
        request,
        "itembank/item_import.html",
        {"occupations": occupations, "banks": banks, "report": report},
    )


@login_required
def paper_list(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    return render(
        request,
        "itembank/paper_list.html",
        {
            "blueprints": blueprints_visible(scope=scope),
            "papers": papers_visible(scope=scope)[:200],
        },
    )


@login_required
@require_POST
def blueprint_assemble(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request)
    blueprint = get_object_in_scope(blueprints_visible(scope=scope), pk=pk)
    try:
        forms = int(request.POST.get("forms", "1"))
        seed = int(request.POST.get("seed", "0"))
        papers = paper_assemble(blueprint=blueprint, forms=forms, seed=seed, actor=request.user)
    except ValueError:
        messages.error(request, "套数和随机种子应为整数")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已组卷 {len(papers)} 套")
    return redirect("itembank:papers")


@login_required
@require_POST
def paper_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = _scope_or_404(request)
    paper = get_object_in_scope(papers_visible(scope=scope), pk=pk)
    try:
        if action == "seal":
            release_at = dt.datetime.fromisoformat(request.POST.get("release_at", ""))
            if timezone.is_naive(release_at):
                release_at = timezone.make_aware(release_at)
            paper_seal(paper=paper, release_at=release_at, actor=request.user)
        elif action == "release":
            paper_release_approve(paper=paper, actor=request.user)
        elif action == "use":
            paper_mark_used(paper=paper, actor=request.user)
        elif action == "download":
            pdf = paper_download(paper=paper, actor=request.user)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f"attachment; filename={paper.code}.pdf"
            return response
        else:
            raise Http404
    except ValueError:
        messages.error(request, "启封时间格式不正确")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "操作成功")
    return redirect("itembank:papers")
