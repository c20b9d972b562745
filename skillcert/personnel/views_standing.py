"""The decisions that bind a person's standing, each on its own small page reached from the
person's page: the province's override of a failed qualification check (with its reason and
文号), and suspending or reinstating one of the person's roles (with a reason). Thin shells
over the services; a refused input comes back beside its field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.service_runner import run_service
from skillcert.occupations.selectors import occupation_by_id, occupations_search
from skillcert.personnel import selectors
from skillcert.personnel.choices import PersonRoleStatus
from skillcert.personnel.forms import RoleLevelsForm
from skillcert.personnel.services.roles import role_reinstate, role_suspend
from skillcert.personnel.services.standing import qualification_override_record
from skillcert.regions.selectors import region_by_code

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.personnel.models import Person, PersonRole


class OverrideForm(RoleLevelsForm):
    """The province's acceptance of a person for a role whose qualification check failed."""

    reason = forms.CharField(label="特批理由", max_length=300, widget=forms.Textarea)
    document_number = forms.CharField(
        label="文号", max_length=64, help_text="省级人社部门特批决定的文号"
    )


class RoleReasonForm(NamedErrorsForm):
    reason = forms.CharField(label="原因", max_length=300)


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_in_scope(selectors.people_visible(scope=scope_for(request.user)), pk=pk)


def _person_url(person: Person) -> str:
    return reverse("personnel:person", args=[person.pk])


def _occupation(value: str) -> Occupation:
    occupation = occupation_by_id(pk=int(value)) if value.isdigit() else None
    if occupation is None:
        raise DomainError("personnel.occupation_required", "请选择职业", field="occupation")
    return occupation


@login_required
def override_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The province officer records an override for a person whose check failed; it is
    listed on the person's page and lets the person through cards, appointments and
    staffing for that role, occupation and levels."""
    person = _person(request, pk)
    if not scope_for(request.user).is_province_officer:
        raise PermissionDenied("只有省级人社部门可以特批资格条件")
    form = OverrideForm(request.POST or None)
    form.set_choices(
        "occupation",
        [("", "请选择"), *((str(o.pk), f"{o.name}（{o.code}）") for o in occupations_search())],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def record() -> object:
            province = region_by_code(code=f"{person.region_id[:2]}0000")
            if province is None:
                raise DomainError(
                    "personnel.province_invalid", "该人员所在省份不存在", field="role"
                )
            return qualification_override_record(
                person=person,
                role=d["role"],
                occupation=_occupation(d["occupation"]),
                level_high=d["level_high"],
                level_low=d["level_low"],
                province=province,
                reason=d["reason"],
                document_number=d["document_number"],
                actor=request_actor(request),
            )

        done = run_service(
            request, record, success="资格条件特批已记录", next=_person_url(person), form=form
        )
        if done is not None:
            return done
    shown = selectors.identity_for(scope=scope_for(request.user), person=person)
    return render(
        request,
        "personnel/override_record.html",
        {"person": person, "shown": shown, "form": form},
    )


def _held(person: Person, role_pk: int) -> PersonRole:
    held = person.roles.select_related("occupation", "organization").filter(pk=role_pk).first()
    if held is None:
        raise Http404
    return held


def _role_status_page(
    request: HttpRequest, pk: int, role_pk: int, *, suspend: bool
) -> HttpResponse:
    person = _person(request, pk)
    held = _held(person, role_pk)
    if not scope_for(request.user).is_officer:
        raise PermissionDenied("只有人社部门可以暂停或恢复角色")
    form = RoleReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = role_suspend if suspend else role_reinstate
        verb = "暂停" if suspend else "恢复"
        done = run_service(
            request,
            lambda: service(
                held=held, reason=form.cleaned_data["reason"], actor=request_actor(request)
            ),
            success=f"已{verb}{held.get_role_display()}（{held.occupation.name}）",
            next=_person_url(person),
            form=form,
        )
        if done is not None:
            return done
    return render(
        request,
        "personnel/role_status.html",
        {
            "person": person,
            "shown": selectors.identity_for(scope=scope_for(request.user), person=person),
            "held": held,
            "form": form,
            "suspend": suspend,
            "movable": held.status
            == (PersonRoleStatus.ACTIVE if suspend else PersonRoleStatus.SUSPENDED),
        },
    )


@login_required
def role_suspend_page(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    """Suspend one of the person's roles (with a reason): staffing refuses them in it."""
    return _role_status_page(request, pk, role_pk, suspend=True)


@login_required
def role_reinstate_page(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    """Reinstate a suspended role (with a reason)."""
    return _role_status_page(request, pk, role_pk, suspend=False)
