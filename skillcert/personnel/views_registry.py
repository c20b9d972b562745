"""The personnel registry pages: registering a person, their file (certificates, titles, work),
the qualification check and appointments, agreements, recusal relations, suspension and ban,
and their platform account. One view per action, each a thin shell over a service; a refused
input re-renders the person's page with the error beside its field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for, scope_or_404
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.service_runner import run_service
from skillcert.occupations.selectors import occupation_by_id, occupations_search
from skillcert.organizations.selectors import organizations_visible
from skillcert.personnel import selectors, services
from skillcert.personnel.choices import RoleKind
from skillcert.personnel.forms import (
    AccountForm,
    AgreementForm,
    CertificateForm,
    DeclarationForm,
    PersonRegisterForm,
    ReasonForm,
    RelationForm,
    RoleForm,
    TitleForm,
    WorkForm,
)
from skillcert.personnel.models import CARD_ROLES
from skillcert.regions.choices import RegionLevel
from skillcert.regions.selectors import region_by_code, regions_of_levels

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.personnel.models import Person
    from skillcert.regions.models import Region

# The forms of the person's page, by the name the template knows them by.
SECTION_FORMS: dict[str, type[NamedErrorsForm]] = {
    "certificate_form": CertificateForm,
    "title_form": TitleForm,
    "work_form": WorkForm,
    "role_form": RoleForm,
    "agreement_form": AgreementForm,
    "declaration_form": DeclarationForm,
    "relation_form": RelationForm,
    "status_form": ReasonForm,
    "account_form": AccountForm,
}


# --- choices and look-ups -------------------------------------------------------------------


def _occupation_choices() -> list[tuple[str, str]]:
    return [(str(o.pk), f"{o.name}（{o.code}）") for o in occupations_search()]


def _organizations(scope: Scope) -> Any:
    return organizations_visible(scope=scope)[:200]


def _organization_choices(scope: Scope, blank: str = "") -> list[tuple[str, str]]:
    choices = [(str(o.pk), o.name) for o in _organizations(scope)]
    return [("", blank), *choices] if blank else choices


def _region_choices(scope: Scope) -> list[tuple[str, str]]:
    if not scope.is_officer:
        return [("", "按评价机构所在地区")]
    regions = regions_of_levels(levels=[RegionLevel.PREFECTURE, RegionLevel.COUNTY]).filter(
        scope.code_prefix_q("code"), active=True
    )
    return [("", "请选择"), *((r.code, f"{r.name}（{r.code}）") for r in regions)]


def _form(name: str, scope: Scope, data: Any = None, files: Any = None) -> NamedErrorsForm:
    """A section form with its choices filled for this user; prefixed by its section, so the
    page's many forms keep their inputs' ids apart."""
    form = SECTION_FORMS[name](data, files, prefix=name.removesuffix("_form"))
    if "occupation" in form.fields:
        required = form.fields["occupation"].required
        choices = _occupation_choices()
        form.set_choices("occupation", choices if required else [("", "不限"), *choices])
    if "organization" in form.fields:
        blank = "" if form.fields["organization"].required else "不指定"
        form.set_choices("organization", _organization_choices(scope, blank))
    return form


def _occupation(value: str) -> Occupation:
    occupation = occupation_by_id(pk=int(value)) if value.isdigit() else None
    if occupation is None:
        raise DomainError("personnel.occupation_required", "请选择职业", field="occupation")
    return occupation


def _organization(scope: Scope, value: str) -> EvaluationOrg | None:
    if not value:
        return None
    return get_object_in_scope(organizations_visible(scope=scope), pk=int(value))


def _province(person: Person) -> Region:
    province = region_by_code(code=f"{person.region_id[:2]}0000")
    if province is None:
        raise DomainError("personnel.province_invalid", "该人员所在省份不存在", field="province")
    return province


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_in_scope(selectors.people_visible(scope=scope_for(request.user)), pk=pk)


def _person_url(person: Person) -> str:
    return reverse("personnel:person", args=[person.pk])


# --- registering a person -------------------------------------------------------------------


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    form = PersonRegisterForm(request.POST or None)
    form.set_choices("employer", _organization_choices(scope, "不属于评价机构"))
    form.set_choices("region", _region_choices(scope))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def register() -> Person:
            region = region_by_code(code=d["region"]) if d["region"] else None
            return services.person_register(
                id_number=d["id_number"],
                name=d["name"],
                education=d["education"],
                employer=_organization(scope, d["employer"]),
                employer_name=d["employer_name"],
                region=region,
                phone=d["phone"],
                address=d["address"],
                actor=request_actor(request),
            )

        done = run_service(
            request,
            register,
            success=lambda person: f"已登记考评人员 {person.name}，请补充证书、职称和工作经历",
            next=_person_url,
            form=form,
        )
        if done is not None:
            return done
    return render(request, "personnel/person_create.html", {"form": form})


# --- the person's page ----------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    person: Person,
    *,
    bound: Mapping[str, NamedErrorsForm] | None = None,
    decision: Any = None,
    verdict: Any = None,
) -> HttpResponse:
    scope = scope_for(request.user)
    own = person.user_id is not None and person.user_id == request.user.pk
    forms = {name: _form(name, scope) for name in SECTION_FORMS}
    forms.update(bound or {})
    return render(
        request,
        "personnel/person_detail.html",
        {
            "person": person,
            "shown": selectors.identity_for(scope=scope, person=person),
            **selectors.person_file(person=person),
            **forms,
            "own": own,
            "may_appoint": not own and (scope.is_officer or scope.is_org_staff),
            "may_suspend": scope.is_officer,
            "may_ban": scope.is_province_officer,
            "may_open_account": not own and person.user_id is None,
            "organizations": _organizations(scope),
            "decision": decision,
            "card_roles": CARD_ROLES,
            "verdict": verdict,
            "qualifications": selectors.current_qualifications(person),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's file, and the "may this person assess ..." check. The check is a POST: a
    candidate's ID number must not land in the URL (access logs, browser history)."""
    scope = scope_for(request.user)
    person = _person(request, pk)
    verdict = None
    org_id = request.POST.get("organization", "") if request.method == "POST" else ""
    if org_id.isdigit():
        organization = get_object_in_scope(organizations_visible(scope=scope), pk=int(org_id))
        try:
            verdict = selectors.may_assess(
                person=person,
                on=timezone.localdate(),
                organization=organization,
                candidate_id_number=request.POST.get("candidate", "").strip()[:18],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return _detail_page(request, person, verdict=verdict)


def _section_form(name: str) -> Callable[[HttpRequest, Person], NamedErrorsForm]:
    """The action's section form, bound to the POST, with its choices for this user."""
    return lambda request, _person: _form(
        name, scope_for(request.user), request.POST, request.FILES
    )


def _without(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The form's data but the named fields (which the view turns into rows first)."""
    return {k: v for k, v in data.items() if k not in names}


def _entry(a: Act[Person], related: str) -> Any:
    """The row of the person's file the URL names (a certificate, title or work entry), 404
    when it is not theirs."""
    return get_object_in_scope(getattr(a.obj, related).all(), pk=a.kwargs["entry"])


# Every action on a person comes back to the person's page; a refused form shows the page
# again with the error beside its field.
PERSON: Actions[Person] = Actions(
    prefix="<int:pk>/",
    load=_person,
    back=_person_url,
    page=lambda r, p, **f: _detail_page(r, p, bound=f),
)


# --- certificates, titles, work -------------------------------------------------------------


@PERSON.post("certificates/", form=_section_form("certificate_form"), success="证书已登记")
def certificate_add(a: Act[Person]) -> object:
    d = a.data
    occupation = _occupation(d["occupation"])
    return services.person_certificate_add(
        person=a.obj,
        occupation=occupation,
        level=d["level"],
        number=d["number"],
        issued_on=d["issued_on"],
        actor=a.actor,
    )


@PERSON.post("titles/", form=_section_form("title_form"), success="职称已登记")
def title_add(a: Act[Person]) -> object:
    return services.person_title_add(person=a.obj, actor=a.actor, **a.data)


@PERSON.post("work/", form=_section_form("work_form"), success="工作经历已登记")
def work_add(a: Act[Person]) -> object:
    d = a.data
    occupation = _occupation(d["occupation"]) if d["occupation"] else None
    return services.person_work_add(
        person=a.obj, occupation=occupation, actor=a.actor, **_without(d, "occupation")
    )


@PERSON.post("certificates/<int:entry>/remove/", success="证书已删除")
def certificate_remove(a: Act[Person]) -> None:
    certificate = _entry(a, "certificates")
    services.person_certificate_remove(certificate=certificate, actor=a.actor)


@PERSON.post("titles/<int:entry>/remove/", success="职称已删除")
def title_remove(a: Act[Person]) -> None:
    services.person_title_remove(title=_entry(a, "titles"), actor=a.actor)


@PERSON.post("work/<int:entry>/remove/", success="工作经历已删除")
def work_remove(a: Act[Person]) -> None:
    services.person_work_remove(work=_entry(a, "work"), actor=a.actor)


# --- qualification and appointment ----------------------------------------------------------


@login_required
@require_POST
def qualification_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide the conditions for the role asked about and show them clause by clause; nothing
    is written."""
    person = _person(request, pk)
    scope = scope_for(request.user)
    form = _form("role_form", scope, request.POST)
    shown: dict[str, Any] | None = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            decision = selectors.qualification_check(
                person=person,
                role=d["role"],
                occupation=_occupation(d["occupation"]),
                level_high=d["level_high"],
                level_low=d["level_low"],
                province_code=_province(person).code,
                as_of=timezone.localdate(),
                organization=_organization(scope, d["organization"]),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            shown = {"result": decision, "role": RoleKind(d["role"]).label}
    return _detail_page(request, person, bound={"role_form": form}, decision=shown)


def _scope_org(a: Act[Person]) -> EvaluationOrg | None:
    return _organization(scope_for(a.request.user), a.data["organization"])


@PERSON.post("roles/", form=_section_form("role_form"), success="已任命")
def role_appoint(a: Act[Person]) -> object:
    d = a.data
    return services.role_appoint(
        person=a.obj,
        occupation=_occupation(d["occupation"]),
        province=_province(a.obj),
        organization=_scope_org(a),
        actor=a.actor,
        **_without(d, "occupation", "organization"),
    )


@PERSON.post("agreements/", form=_section_form("agreement_form"), success="保密协议已登记")
def agreement_sign(a: Act[Person]) -> object:
    organization = _scope_org(a)
    assert organization is not None  # the field is required
    signed_on = a.data["signed_on"]
    return services.confidentiality_sign(
        person=a.obj, organization=organization, signed_on=signed_on, actor=a.actor
    )


@PERSON.post("declarations/", form=_section_form("declaration_form"), success="个人声明已登记")
def declaration_record(a: Act[Person]) -> object:
    """The employer's staff or an officer records that the person signed the declaration,
    with the signed scan (checked by content on the way in)."""
    upload = a.data["scan"]
    return services.declaration_record(
        person=a.obj, signed_on=a.data["signed_on"], upload=upload, actor=a.actor
    )


# --- recusal, suspension, ban, account ------------------------------------------------------


@PERSON.post("relations/", form=_section_form("relation_form"), success="回避关系已申报")
def relation_declare(a: Act[Person]) -> object:
    organization = _scope_org(a)
    return services.relation_declare(
        person=a.obj, organization=organization, actor=a.actor, **_without(a.data, "organization")
    )


# Suspension, reinstatement and ban share the reason form of the status section.
STATUS_FORM: Callable[[HttpRequest, Person], NamedErrorsForm] = _section_form("status_form")


@PERSON.post("suspend/", form=STATUS_FORM, success="已暂停该人员的考评资格")
def person_suspend(a: Act[Person]) -> object:
    return services.person_suspend(person=a.obj, actor=a.actor, **a.data)


@PERSON.post("reinstate/", form=STATUS_FORM, success="已恢复该人员的考评资格")
def person_reinstate(a: Act[Person]) -> object:
    return services.person_reinstate(person=a.obj, actor=a.actor, **a.data)


@PERSON.post("ban/", form=STATUS_FORM, success="已永久取消该人员的考评资格")
def person_ban(a: Act[Person]) -> object:
    return services.person_ban(person=a.obj, actor=a.actor, **a.data)


@PERSON.post(
    "account/",
    form=_section_form("account_form"),
    success="平台账户已开通，请将用户名和初始密码告知本人",
)
def account_create(a: Act[Person]) -> object:
    return services.person_account_create(person=a.obj, actor=a.actor, **a.data)
