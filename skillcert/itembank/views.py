"""Item-bank pages: thin shells over selectors and services. Every row is fetched through the
owner-scoped selectors (404 for another owner's rows); item text is shown only on the detail
page, after `item_contents_read` has logged the read. One view per action: the item and
paper buttons are declared actions (`ITEM`, `PAPER`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope
from skillcert.accounts.selectors import user_active_by_username, users_all
from skillcert.common.actions import Act, Actions
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


def _item(request: HttpRequest, pk: int) -> Item:
    return get_object_in_scope(items_visible(scope=_scope_or_404(request)), pk=pk)


def _item_url(item: Item) -> str:
    return reverse("itembank:detail", args=[item.pk])


def _item_or_list(a: Act[Item]) -> str:
    """Where an item action ends (its call returns the action): back to the item, or to the
    list once the user no longer sees it (a setter's item leaves their sight when submitted)."""
    if items_visible(scope=bank_scope(a.actor)).filter(pk=a.obj.pk).exists():
        return _item_url(a.obj)
    return reverse("itembank:list")


ITEM = Actions(prefix="items/<int:pk>/", load=_item, back=_item_url)


@ITEM.post("submit/", name="item_submit", success=DONE, next=_item_or_list)
def submit(a: Act[Item]) -> Act[Item]:
    reviewer = get_object_in_scope(users_all(), pk=a.posted("reviewer"))
    item_submit(item=a.obj, reviewer=reviewer, actor=a.actor)
    return a


@ITEM.post("approve/", name="item_approve", success=DONE, next=_item_or_list)
def approve(a: Act[Item]) -> Act[Item]:
    item_approve(item=a.obj, actor=a.actor)
    return a


@ITEM.post("return/", name="item_return", success=DONE, next=_item_or_list)
def send_back(a: Act[Item]) -> Act[Item]:
    item_return(item=a.obj, reason=a.posted("reason"), actor=a.actor)
    return a


@ITEM.post("retire/", name="item_retire", success=DONE, next=_item_or_list)
def retire(a: Act[Item]) -> Act[Item]:
    item_retire(item=a.obj, reason=a.posted("reason"), actor=a.actor)
    return a


@ITEM.post("assign/", name="item_assign", success=DONE, next=_item_or_list)
def assign(a: Act[Item]) -> Act[Item]:
    assignee = user_active_by_username(username=a.posted("username").strip())
    if assignee is None:
        raise DomainError("item.assignee_unknown", "未找到该用户名", field="username")
    item_assign(item=a.obj, user=assignee, reason=a.posted("reason"), actor=a.actor)
    return a


@ITEM.post("unassign/", name="item_unassign", success=DONE, next=_item_or_list)
def unassign(a: Act[Item]) -> Act[Item]:
    assignments = assignments_for(scope=_scope_or_404(a.request), item=a.obj)
    assignment = get_object_in_scope(assignments, pk=a.posted("assignment"))
    item_assignment_revoke(assignment=assignment, actor=a.actor)
    return a


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


def _paper(request: HttpRequest, pk: int) -> Paper:
    return get_object_in_scope(papers_visible(scope=_scope_or_404(request)), pk=pk)


class SealForm(forms.Form):
    release_at = forms.DateTimeField(
        label="启封时间",
        error_messages={"required": "启封时间格式不正确", "invalid": "启封时间格式不正确"},
    )


PAPER = Actions(prefix="papers/<int:pk>/", load=_paper, back=lambda _paper: "itembank:papers")


@PAPER.post("seal/", name="paper_seal", form=SealForm, success=DONE)
def seal(a: Act[Paper]) -> object:
    return paper_seal(paper=a.obj, release_at=a.data["release_at"], actor=a.actor)


@PAPER.post("release/", name="paper_release", success=DONE)
def release(a: Act[Paper]) -> object:
    return paper_release_approve(paper=a.obj, actor=a.actor)


@PAPER.post("use/", name="paper_use", success=DONE)
def use(a: Act[Paper]) -> object:
    return paper_mark_used(paper=a.obj, actor=a.actor)


@login_required
@require_POST
def paper_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF itself, so not an action through `run_service` (which answers with a redirect)."""
    paper = _paper(request, pk)
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
