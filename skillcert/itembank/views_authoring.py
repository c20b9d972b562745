"""Item-bank authoring pages: writing and editing one item, a blueprint from the standard's
weight table, the bank's people (item-bank roles), and writing observed statistics back.
Thin shells over the services, which decide who may act. Item text travels only in POST
bodies and pages marked `no-store`, never in a URL or a message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope
from skillcert.accounts.selectors import user_active_by_username
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.lists import list_page
from skillcert.common.service_runner import run_action, run_form, run_service
from skillcert.itembank.forms import BlueprintForm, ItemContentForm, ItemCreateForm, RoleGrantForm
from skillcert.itembank.models import AccessPurpose, AssemblyBlueprint, ItemBank, ItemBankRole
from skillcert.itembank.selectors import (
    BankScope,
    bank_scope,
    blueprint_weights,
    items_visible,
    managed_banks,
    occupations_managed,
    occupations_writable,
    roles_managed,
    writable_banks,
)
from skillcert.itembank.services import (
    blueprint_cells_from_weights,
    blueprint_create,
    item_contents_read,
    item_create,
    item_statistics_update,
    item_update,
    itembank_role_grant,
    itembank_role_revoke,
)
from skillcert.occupations.selectors import elements_of_occupation, standard_current

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from skillcert.accounts.models import User
    from skillcert.occupations.models import Occupation

ALL_LEVELS = [5, 4, 3, 2, 1]


def _scope_or_404(request: HttpRequest) -> BankScope:
    scope = bank_scope(request.user)
    if not scope.any_role:
        raise Http404
    return scope


def _person(request: HttpRequest) -> User:
    return request_actor(request)


def _levels(occupation: Occupation) -> list[tuple[int, str]]:
    standard = standard_current(occupation=occupation)
    levels = standard.level_list if standard is not None and standard.levels else ALL_LEVELS
    return [(lv, f"{lv}级") for lv in levels]


def _chosen_occupation(request: HttpRequest, rows: QuerySet[Occupation]) -> Occupation | None:
    """The occupation picked in the first step (`?occupation=<id>`), within the user's reach."""
    raw = request.GET.get("occupation", "")
    if not raw:
        return None
    return get_object_in_scope(rows, pk=raw)


def _bank_choices(form: ItemCreateForm | BlueprintForm, banks: QuerySet[ItemBank]) -> None:
    """A bank is asked for only when the user writes in more than one; otherwise the service
    picks the only one (an officer's own bank is created on first use)."""
    form.set_queryset("bank", banks)
    if banks.count() > 1:
        form.fields["bank"].required = True
    else:
        del form.fields["bank"]


# --- one item -------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    occupations = occupations_writable(scope=scope)
    occupation = _chosen_occupation(request, occupations)
    if occupation is None:
        return render(request, "itembank/item_new.html", {"occupations": occupations})
    form = ItemCreateForm(request.POST or None)
    _bank_choices(form, writable_banks(scope=scope, occupation_id=occupation.pk))
    form.set_choices("level", _levels(occupation))
    form.set_queryset("element", elements_of_occupation(occupation_id=occupation.pk))
    response = run_form(
        request,
        form,
        lambda d: item_create(
            occupation=occupation,
            level=d["level"],
            element=d["element"],
            item_type=d["item_type"],
            content=form.content(d["item_type"]),
            score=d["score"],
            difficulty=d["difficulty"],
            enemy_group=d["enemy_group"],
            code=d["code"],
            bank=d.get("bank"),
            actor=_person(request),
        ),
        success=lambda item: f"已保存试题 {item.code}（草稿）",
        next=lambda item: reverse("itembank:detail", args=[item.pk]),
    )
    if response is not None:
        return response
    return render(
        request,
        "itembank/item_form.html",
        {"form": form, "occupation": occupation, "item": None},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request)
    item = get_object_in_scope(items_visible(scope=scope), pk=pk)
    form = ItemContentForm(request.POST or None, initial={"element": item.element_id})
    form.set_queryset("element", elements_of_occupation(occupation_id=item.occupation_id))
    if request.method == "GET":
        content = item_contents_read(
            items=[item], actor=_person(request), purpose=AccessPurpose.EDIT
        )
        form.initial.update(
            {
                "score": item.score,
                "difficulty": item.difficulty,
                "enemy_group": item.enemy_group,
            }
        )
        form.initial_from(content[item.pk])
    elif form.is_valid():
        d = form.cleaned_data
        response = run_service(
            request,
            lambda: item_update(
                item=item,
                content=form.content(item.item_type),
                score=d["score"],
                difficulty=d["difficulty"],
                enemy_group=d["enemy_group"],
                element=d["element"],
                actor=_person(request),
            ),
            success=lambda saved: f"已保存试题 {saved.code}（第{saved.version}版）",
            next=reverse("itembank:detail", args=[item.pk]),
            form=form,
        )
        if response is not None:
            return response
    return render(
        request,
        "itembank/item_form.html",
        {"form": form, "occupation": item.occupation, "item": item},
    )


@login_required
@require_POST
def item_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    """Write an item's observed difficulty and discrimination (typed on the item page, or
    taken from a sitting's item analysis); back to the page the button was on."""
    scope = _scope_or_404(request)
    item = get_object_in_scope(items_visible(scope=scope), pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("itembank:detail", args=[item.pk])
    difficulty = request.POST.get("difficulty", "")
    discrimination = request.POST.get("discrimination", "")
    return run_action(
        request,
        lambda: item_statistics_update(
            item=item,
            difficulty=difficulty,
            discrimination=discrimination,
            actor=_person(request),
        ),
        success=lambda saved: f"已更新试题 {saved.code} 的难度与区分度",
        next=back,
    )


# --- blueprints -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def blueprint_new(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    occupations = occupations_managed(scope=scope)
    occupation = _chosen_occupation(request, occupations)
    if occupation is None:
        return render(request, "itembank/blueprint_new.html", {"occupations": occupations})
    form = BlueprintForm(request.POST or None)
    _bank_choices(form, writable_banks(scope=scope, occupation_id=occupation.pk))
    levels = _levels(occupation)
    form.set_choices("level", levels)
    weights_by_level = {lv: blueprint_weights(occupation=occupation, level=lv) for lv, _ in levels}

    def create(d: dict[str, Any]) -> AssemblyBlueprint:
        cells = blueprint_cells_from_weights(
            weights=weights_by_level[d["level"]], type_counts=form.type_counts()
        )
        return blueprint_create(
            occupation=occupation,
            level=d["level"],
            name=d["name"],
            cells=cells,
            difficulty_mean=d["difficulty_mean"],
            difficulty_tolerance=d["difficulty_tolerance"],
            max_overlap=d["max_overlap"],
            max_exposure=d["max_exposure"],
            total_score=d["total_score"],
            bank=d.get("bank"),
            actor=_person(request),
        )

    response = run_form(
        request,
        form,
        create,
        success=lambda bp: f"已创建组卷蓝图“{bp.name}”",
        next="itembank:papers",
    )
    if response is not None:
        return response
    return render(
        request,
        "itembank/blueprint_form.html",
        {
            "form": form,
            "occupation": occupation,
            "weights": [(lv, label, weights_by_level[lv]) for lv, label in levels],
        },
    )


# --- the bank's people ----------------------------------------------------------------------


def _manager_scope_or_404(request: HttpRequest) -> BankScope:
    scope = bank_scope(request.user)
    if not scope.manages_any:
        raise Http404
    return scope


ROLE_HEADERS = ["题库", "职业编码", "职业", "题库角色", "用户名", "姓名", "授权时间"]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest) -> HttpResponse:
    scope = _manager_scope_or_404(request)
    q = request.GET.get("q", "").strip()[:40]
    rows = roles_managed(scope=scope, q=q)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "题库人员.xlsx",
            ROLE_HEADERS,
            [
                [
                    str(r.bank),
                    r.occupation.code,
                    r.occupation.name,
                    r.get_role_display(),
                    r.user.username,
                    r.user.full_name,
                    r.created_at.date().isoformat(),
                ]
                for r in rows[:5000]
            ],
        )
    form = RoleGrantForm(request.POST or None)
    form.set_queryset("occupation", occupations_managed(scope=scope))
    form.set_queryset("bank", managed_banks(scope=scope))

    def grant(d: dict[str, Any]) -> ItemBankRole:
        user = user_active_by_username(username=d["username"].strip())
        if user is None:
            raise DomainError("itembank.user_unknown", "未找到该用户名", field="username")
        return itembank_role_grant(
            user=user,
            occupation=d["occupation"],
            role=d["role"],
            bank=d["bank"],
            actor=_person(request),
        )

    response = run_form(
        request,
        form,
        grant,
        success=lambda row: f"已授予 {row.user} {row.get_role_display()}",
        next="itembank:roles",
    )
    if response is not None:
        return response
    return list_page(request, "itembank/role_list.html", rows, {"q": q, "form": form})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _manager_scope_or_404(request)
    row = get_object_in_scope(roles_managed(scope=scope), pk=pk)
    return run_action(
        request,
        lambda: itembank_role_revoke(role=row, actor=_person(request)),
        success=f"已撤销 {row.user} 的{row.get_role_display()}权限",
        next="itembank:roles",
    )
