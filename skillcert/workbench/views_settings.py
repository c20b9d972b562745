"""The province settings area (/settings/): every rule value the province keeps as data, in
force today with its source document (文号) and effective date, flagged 待核实 until an officer
confirms it, with the history of versions; a form to record the next version; and the rule
documents (application conditions, examiner qualifications). Province officers edit; city
officers read their province's values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, scope_for
from skillcert.common.errors import DomainError
from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.common.service_runner import run_action, run_service
from skillcert.eligibility.selectors import rule_set_versions, rule_sets_current
from skillcert.eligibility.services import rule_set_document
from skillcert.occupations.choices import LEVEL_CHOICES
from skillcert.personnel.selectors.rule_documents import (
    qualification_rule_document,
    qualification_rules_current,
)
from skillcert.regions.selectors import region_by_code
from skillcert.workbench.policy_kinds import (
    KINDS,
    PolicyKind,
    percent_text,
    policy_initial,
    policy_kind,
    policy_kind_view,
)
from skillcert.workbench.services import (
    policy_version_confirm,
    policy_version_record,
    qualification_rule_document_publish,
    rule_set_document_publish,
)

# --- who sees what ------------------------------------------------------------------------------


def _province(scope: Scope) -> str:
    """The province whose settings the officer sees: the own (a city officer's too)."""
    if not scope.is_officer:
        raise Http404
    if scope.is_platform:
        return str(settings.SKILLCERT_PROVINCE)
    codes = sorted({prefix[:2] for prefix in scope.region_prefixes})
    if not codes:
        raise Http404
    return codes[0]


def _may_edit(scope: Scope, province: str) -> bool:
    return scope.is_platform or (scope.is_province_officer and scope.covers_region_code(province))


def _kind(key: str) -> PolicyKind:
    kind = policy_kind(key)
    if kind is None:
        raise Http404
    return kind


def _frame(request: HttpRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    province = _province(scope)
    region = region_by_code(code=f"{province}0000")
    return {
        "province": province,
        "province_name": region.name if region is not None else province,
        "may_edit": _may_edit(scope, province),
        "today": timezone.localdate(),
    }


# --- forms --------------------------------------------------------------------------------------


class PolicyVersionForm(NamedErrorsForm):
    """The next version: every value of the kind (started from the values in force), the date
    it takes effect and its source document. Shares are entered as percentages."""

    def __init__(self, kind: PolicyKind, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for spec in kind.fields:
            label = kind.label_of(spec.name)
            field: forms.Field
            if spec.kind == "int":
                field = forms.IntegerField(
                    label=label, min_value=int(spec.low), max_value=int(spec.high)
                )
            elif spec.kind == "rate":
                field = forms.DecimalField(
                    label=f"{label}（%）",
                    min_value=Decimal(0),
                    max_value=Decimal(100),
                    decimal_places=1,
                )
            elif spec.kind == "bool":
                field = forms.BooleanField(label=label, required=False)
            elif spec.kind == "levels":
                field = forms.TypedMultipleChoiceField(
                    label=label,
                    choices=LEVEL_CHOICES,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.CharField(
                    label=label, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
                )
            field.help_text = spec.help
            self.fields[spec.name] = field
        self.fields["effective_from"] = forms.DateField(label="生效日期", widget=DateInput())
        self.fields["document_no"] = forms.CharField(
            label="依据文号",
            max_length=200,
            help_text="发布该规则的文件文号，如 苏人社规〔2025〕3号",
        )
        self.fields["needs_verification"] = forms.BooleanField(
            label="待核实（暂参照他省或转载文件，尚未见本省文件）", required=False
        )

    @classmethod
    def initial_for(cls, kind: PolicyKind, values: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for spec in kind.fields:
            if spec.name not in values:
                continue
            value = values[spec.name]
            if spec.kind == "rate":
                value = percent_text(value)
            elif spec.kind == "lines":
                value = "\n".join(str(v) for v in value)
            initial[spec.name] = value
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for spec in self.kind.fields:
            value = data.get(spec.name)
            if spec.kind == "rate" and value is not None:
                value = Decimal(value) / 100
            elif spec.kind == "lines":
                value = [line for line in str(value or "").splitlines() if line.strip()]
            out[spec.name] = value
        return out


class RuleDocumentForm(NamedErrorsForm):
    document = forms.CharField(
        label="规则文件（YAML）",
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
    )

    def add_domain_error(self, exc: DomainError) -> None:
        # A rule document's errors name a place inside it ("clauses[0].level"): they belong
        # beside the document.
        if exc.field not in self.fields:
            self.add_error("document", exc.message)
            return
        super().add_domain_error(exc)


class RuleSetForm(RuleDocumentForm):
    note = forms.CharField(label="发布说明", max_length=300, required=False)


# --- pages --------------------------------------------------------------------------------------


@login_required
@require_safe
def settings_home(request: HttpRequest) -> HttpResponse:
    frame = _frame(request)
    kinds = [
        policy_kind_view(kind, province=frame["province"], on=frame["today"]) for kind in KINDS
    ]
    return render(
        request,
        "workbench/settings_home.html",
        {
            **frame,
            "kinds": kinds,
            "pending": sum(1 for k in kinds if k.pending),
            "rule_sets": rule_sets_current(),
            "qualification_rules": qualification_rules_current(),
        },
    )


def _kind_page(
    request: HttpRequest, kind: PolicyKind, form: PolicyVersionForm | None = None
) -> HttpResponse:
    frame = _frame(request)
    if form is None and frame["may_edit"]:
        values = policy_initial(kind, province=frame["province"], on=frame["today"])
        form = PolicyVersionForm(
            kind,
            initial={
                **PolicyVersionForm.initial_for(kind, values),
                "effective_from": frame["today"],
            },
        )
    view = policy_kind_view(kind, province=frame["province"], on=frame["today"])
    return render(
        request,
        "workbench/settings_kind.html",
        {**frame, "kind": kind, "view": view, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_safe
def settings_kind(request: HttpRequest, key: str) -> HttpResponse:
    return _kind_page(request, _kind(key))


@login_required
@require_POST
def settings_version_record(request: HttpRequest, key: str) -> HttpResponse:
    kind = _kind(key)
    frame = _frame(request)
    form = PolicyVersionForm(kind, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        response = run_service(
            request,
            lambda: policy_version_record(
                model=kind.model,
                province=frame["province"],
                values=form.values(),
                effective_from=data["effective_from"],
                document_no=data["document_no"],
                needs_verification=data["needs_verification"],
                actor=request_actor(request),
            ),
            success=lambda row: (
                f"已录入{kind.label}新版本，自 {row.effective_from.isoformat()} 起施行"
            ),
            next=reverse("workbench:settings_kind", args=[kind.key]),
            form=form,
        )
        if response is not None:
            return response
    return _kind_page(request, kind, form)


@login_required
@require_POST
def settings_version_confirm(request: HttpRequest, key: str, version_id: int) -> HttpResponse:
    kind = _kind(key)
    _frame(request)
    return run_action(
        request,
        lambda: policy_version_confirm(
            model=kind.model, version_id=version_id, actor=request_actor(request)
        ),
        success=f"已核实{kind.label}，不再标记为待核实",
        next=reverse("workbench:settings_kind", args=[kind.key]),
    )


# --- rule documents -----------------------------------------------------------------------------


def _yaml(document: dict[str, Any] | None) -> str:
    if document is None:
        return ""
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _rules_page(
    request: HttpRequest,
    *,
    rule_set_form: RuleSetForm | None = None,
    qualification_form: RuleDocumentForm | None = None,
) -> HttpResponse:
    frame = _frame(request)
    rule_sets = rule_sets_current()
    chosen_set = next((r for r in rule_sets if r.code == request.GET.get("rule_set")), None)
    qualification_rules = qualification_rules_current()
    chosen_rule = request.GET.get("qualification", "")
    if frame["may_edit"]:
        if rule_set_form is None:
            initial = _yaml(rule_set_document(rule_set=chosen_set)) if chosen_set else ""
            rule_set_form = RuleSetForm(initial={"document": initial})
        if qualification_form is None:
            document = qualification_rule_document(code=chosen_rule) if chosen_rule else None
            qualification_form = RuleDocumentForm(prefix="q", initial={"document": _yaml(document)})
    bound = any(f is not None and f.is_bound for f in (rule_set_form, qualification_form))
    return render(
        request,
        "workbench/settings_rules.html",
        {
            **frame,
            "rule_sets": rule_sets,
            "chosen_set": chosen_set,
            "chosen_versions": rule_set_versions(code=chosen_set.code) if chosen_set else [],
            "qualification_rules": qualification_rules,
            "rule_set_form": rule_set_form,
            "qualification_form": qualification_form,
        },
        status=400 if bound else 200,
    )


@login_required
@require_safe
def settings_rules(request: HttpRequest) -> HttpResponse:
    return _rules_page(request)


@login_required
@require_POST
def settings_rule_set_publish(request: HttpRequest) -> HttpResponse:
    _frame(request)
    form = RuleSetForm(request.POST)
    if form.is_valid():
        response = run_service(
            request,
            lambda: rule_set_document_publish(
                text=form.cleaned_data["document"],
                note=form.cleaned_data["note"],
                actor=request_actor(request),
            ),
            success=lambda row: f"已发布申报条件 {row.code} 第{row.version}版",
            next=lambda row: f"{reverse('workbench:settings_rules')}?rule_set={row.code}",
            form=form,
        )
        if response is not None:
            return response
    return _rules_page(request, rule_set_form=form)


@login_required
@require_POST
def settings_qualification_rule_publish(request: HttpRequest) -> HttpResponse:
    _frame(request)
    form = RuleDocumentForm(request.POST, prefix="q")
    if form.is_valid():
        response = run_service(
            request,
            lambda: qualification_rule_document_publish(
                text=form.cleaned_data["document"], actor=request_actor(request)
            ),
            success=lambda row: f"已发布考评人员资格条件 {row.code} 第{row.version}版",
            next=reverse("workbench:settings_rules"),
            form=form,
        )
        if response is not None:
            return response
    return _rules_page(request, qualification_form=form)
