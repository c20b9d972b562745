"""Item-bank pages: thin shells over selectors and services. Every row is fetched through the
owner-scoped selectors (404 for another owner's rows); item text is shown only on the detail
page, after `item_contents_read` has logged the read. One view per action; the item and
paper action URLs keep their `<action>` segment and pick the view from a table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope
from skillcert.accounts.selectors import user_active_by_username, users_all
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.exports import XLSX
from skillcert.common.job_pages import job_page
from skillcert.common.lists import list_page
from skillcert.common.service_runner import run_service
from skillcert.itembank.excel import items_to_xlsx
from skillcert.itembank.models import AccessPurpose, Item, ItemStatus, Paper
from skillcert.itembank.permits import BankAction, item_may
from skillcert.itembank.qti import items_to_qti_package, qti_partial_ratio
from skillcert.itembank.selectors import (
    BankScope,
    access_log_for,
    assignments_for,
    bank_scope,
    blueprints_visible,
    item_imports_visible,
    items_visible,
    papers_visible,
    reviewers_for,
    writable_banks,
)
from skillcert.itembank.services import (
    QTI_TYPES,
    item_approve,
    item_assign,
    item_assignment_revoke,
    item_contents_read,
    item_retire,
    item_return,
    item_submit,
    items_export_rows,
    paper_assemble,
    paper_download,
    paper_mark_used,
    paper_release_approve,
    paper_seal,
)
from skillcert.itembank.tasks import item_import_queue
from skillcert.occupations.selectors import occupations_search

if TYPE_CHECKING:
    from skillcert.accounts.models import User

EXPORT_LIMIT = 5000
DONE = "操作成功"


def _person(request: HttpRequest) -> User:
    """The signed-in user (every view here requires login)."""
    return request_actor(request)


def _scope_or_404(request: HttpRequest) -> BankScope:
    """The user's place in the item banks; 404 for anyone with none (city officers, staff of
    organisations without a bank role, examiners without an assignment)."""
    scope = bank_scope(request.user)
    if not scope.any_role:
        raise Http404
    return scope


def _with_partial_ratios(rows: list[dict[str, Any]], items: list[Item]) -> list[dict[str, Any]]:
    """Each row with the partial credit its own standard scores multiple choice with, so a
    QTI engine gives the platform's score even when items of several occupations go out
    together. The rows are the choice items of `items`, in order (`items_export_rows`); an
    item code is unique only within its occupation, so rows are matched by position."""
    chosen = [(it.occupation_id, it.level) for it in items if it.item_type in QTI_TYPES]
    ratios = {
        place: qti_partial_ratio(occupation_id=place[0], level=place[1]) for place in set(chosen)
    }
    return [
        {**row, "partial_ratio": ratios[place]} for row, place in zip(rows, chosen, strict=True)
    ]


def _export(request: HttpRequest, scope: BankScope, *, q: str, status: str) -> HttpResponse:
    export = request.GET.get("export", "")
    exportable = items_visible(scope=scope, q=q, status=status, action=BankAction.EXPORT)
    items = list(exportable[:EXPORT_LIMIT])
    rows = items_export_rows(items=items, actor=_person(request), choice_only=export == "qti")
    if export == "xlsx":
        response = HttpResponse(items_to_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename=itembank.xlsx"
    else:
        package = items_to_qti_package(_with_partial_ratios(rows, items))
        response = HttpResponse(package, content_type="application/zip")
        response["Content-Disposition"] = "attachment; filename=itembank-qti22.zip"
    return response


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    q = request.GET.get("q", "").strip()[:40]
    status = request.GET.get("status", "")
    status = status if status in ItemStatus.values else ""
    if request.GET.get("export", "") in ("xlsx", "qti"):
        return _export(request, scope, q=q, status=status)
    return list_page(
        request,
        "itembank/item_list.html",
        items_visible(scope=scope, q=q, status=status),
        {
            "q": q,
            "status": status,
            "statuses": ItemStatus.choices,
            "bank_scope": scope,
            "manages_people": scope.manages_any,
        },
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request)
    item = get_object_in_scope(items_visible(scope=scope), pk=pk)
    purpose = AccessPurpose.REVIEW if item.reviewer_id == request.user.pk else AccessPurpose.VIEW
    content = item_contents_read(items=[item], actor=_person(request), purpose=purpose)[item.pk]
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


# --- one item: one view per action ----------------------------------------------------------


def _run_on_item(request: HttpRequest, item: Item, call: Callable[[], object]) -> HttpResponse:
    """Run an item action; afterwards back to the item, or to the list once the user no
    longer sees it (a setter's item leaves their sight when submitted)."""

    def after(_result: object) -> str:
        if items_visible(scope=bank_scope(_person(request))).filter(pk=item.pk).exists():
            return reverse("itembank:detail", args=[item.pk])
        return reverse("itembank:list")

    response = run_service(
        request, call, success=DONE, next=after, back=reverse("itembank:detail", args=[item.pk])
    )
    assert response is not None  # no form: errors are flashed
    return response


def item_submit_view(request: HttpRequest, item: Item, scope: BankScope) -> HttpResponse:
    reviewer = get_object_in_scope(users_all(), pk=request.POST.get("reviewer"))
    return _run_on_item(
        request,
        item,
        lambda: item_submit(item=item, reviewer=reviewer, actor=_person(request)),
    )


def item_approve_view(request: HttpRequest, item: Item, scope: BankScope) -> HttpResponse:
    return _run_on_item(request, item, lambda: item_approve(item=item, actor=_person(request)))


def item_return_view(request: HttpRequest, item: Item, scope: BankScope) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _run_on_item(
        request, item, lambda: item_return(item=item, reason=reason, actor=_person(request))
    )


def item_retire_view(request: HttpRequest, item: Item, scope: BankScope) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _run_on_item(
        request, item, lambda: item_retire(item=item, reason=reason, actor=_person(request))
    )


def item_assign_view(request: HttpRequest, item: Item, scope: BankScope) -> HttpResponse:
    username = request.POST.get("username", "").strip()
    reason = request.POST.get("reason", "")

    def assign() -> object:
        assignee = user_active_by_username(username=username)
        if assignee is None:
            raise DomainError("item.assignee_unknown", "未找到该用户名", field="username")
        return item_assign(item=item, user=assignee, reason=reason, actor=_person(request))

    return _run_on_item(request, item, assign)


def item_unassign_view(request: HttpRequest, item: Item, scope: BankScope) -> HttpResponse:
    assignment = get_object_in_scope(
        assignments_for(scope=scope, item=item), pk=request.POST.get("assignment")
    )
    return _run_on_item(
        request,
        item,
        lambda: item_assignment_revoke(assignment=assignment, actor=_person(request)),
    )


ItemView = Callable[[HttpRequest, Item, BankScope], HttpResponse]
ITEM_ACTIONS: dict[str, ItemView] = {
    "submit": item_submit_view,
    "approve": item_approve_view,
    "return": item_return_view,
    "retire": item_retire_view,
    "assign": item_assign_view,
    "unassign": item_unassign_view,
}


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    view = ITEM_ACTIONS.get(action)
    if view is None:
        raise Http404
    scope = _scope_or_404(request)
    item = get_object_in_scope(items_visible(scope=scope), pk=pk)
    return view(request, item, scope)


# --- item import (a background job) ---------------------------------------------------------


@login_required
def item_import(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    officer = bool(scope.is_platform or scope.officer_provinces or scope.officer_organizations)
    occupations = occupations_search()
    if not officer:
        occupations = occupations.filter(pk__in=sorted(scope.writes_occupations()))
    banks = writable_banks(scope=scope)
    if request.method == "POST":
        occupation = get_object_in_scope(occupations, pk=request.POST.get("occupation"))
        bank = None
        if request.POST.get("bank"):
            bank = get_object_in_scope(banks, pk=request.POST.get("bank"))
        upload = request.FILES.get("file")
        response = run_service(
            request,
            lambda: item_import_queue(
                occupation=occupation, upload=upload, actor=_person(request), bank=bank
            ),
            success="文件已上传，正在后台导入",
            next=lambda job: reverse("itembank:import_status", args=[job.pk]),
            back=reverse("itembank:import"),
        )
        assert response is not None  # no form: errors are flashed
        return response
    return render(
        request,
        "itembank/item_import.html",
        {
            "occupations": occupations,
            "banks": banks,
            "imports": item_imports_visible(scope=scope)[:20],
        },
    )


@login_required
def item_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request)
    job = get_object_in_scope(item_imports_visible(scope=scope), pk=pk)
    return job_page(
        request,
        "itembank/item_import_status.html",
        "itembank/_import_progress.html",
        {"job": job, "errors": job.errors[:500]},
    )


# --- blueprints and papers ------------------------------------------------------------------


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
    except ValueError:
        messages.error(request, "套数和随机种子应为整数")
        return redirect("itembank:papers")
    response = run_service(
        request,
        lambda: paper_assemble(blueprint=blueprint, forms=forms, seed=seed, actor=_person(request)),
        success=lambda papers: f"已组卷 {len(papers)} 套",
        next="itembank:papers",
    )
    assert response is not None  # no form: errors are flashed
    return response


def paper_seal_view(request: HttpRequest, paper: Paper) -> HttpResponse:
    try:
        release_at = dt.datetime.fromisoformat(request.POST.get("release_at", ""))
    except ValueError:
        messages.error(request, "启封时间格式不正确")
        return redirect("itembank:papers")
    if timezone.is_naive(release_at):
        release_at = timezone.make_aware(release_at)
    return _paper_response(
        request, lambda: paper_seal(paper=paper, release_at=release_at, actor=_person(request))
    )


def paper_release_view(request: HttpRequest, paper: Paper) -> HttpResponse:
    return _paper_response(
        request, lambda: paper_release_approve(paper=paper, actor=_person(request))
    )


def paper_use_view(request: HttpRequest, paper: Paper) -> HttpResponse:
    return _paper_response(request, lambda: paper_mark_used(paper=paper, actor=_person(request)))


def paper_download_view(request: HttpRequest, paper: Paper) -> HttpResponse:
    """The PDF itself, so not through `run_service` (which answers with a redirect)."""
    try:
        pdf = paper_download(paper=paper, actor=_person(request))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("itembank:papers")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename={paper.code}.pdf"
    return response


def _paper_response(request: HttpRequest, call: Callable[[], object]) -> HttpResponse:
    response = run_service(request, call, success=DONE, next="itembank:papers")
    assert response is not None  # no form: errors are flashed
    return response


PAPER_ACTIONS: dict[str, Callable[[HttpRequest, Paper], HttpResponse]] = {
    "seal": paper_seal_view,
    "release": paper_release_view,
    "use": paper_use_view,
    "download": paper_download_view,
}


@login_required
@require_POST
def paper_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    view = PAPER_ACTIONS.get(action)
    if view is None:
        raise Http404
    scope = _scope_or_404(request)
    paper = get_object_in_scope(papers_visible(scope=scope), pk=pk)
    return view(request, paper)
