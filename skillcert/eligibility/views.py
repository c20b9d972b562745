"""The public self-check page (申报条件自测) and the published rule sets. The page builds the
same profile document the `eligibility` command reads and calls the same engine."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.common.throttle import too_many_requests
from skillcert.eligibility.engine import LEVEL_NAMES, PART_NAMES
from skillcert.eligibility.forms import (
    CertificateFormSet,
    CheckForm,
    EducationFormSet,
    TitleFormSet,
    WorkFormSet,
)
from skillcert.eligibility.schema import parse_profile
from skillcert.eligibility.selectors import (
    eligibility_for_occupation,
    rule_set_versions,
    rule_sets_current,
)


def _rows(formset: Any) -> list[dict[str, Any]]:
    return [f.cleaned_data for f in formset.forms if f.has_changed() and f.cleaned_data]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _profile_document(form: CheckForm, sets: dict[str, forms.BaseFormSet]) -> dict[str, Any]:
    """The page's answers as a profile document, the format the `eligibility` command reads."""
    return {
        "as_of": form.cleaned_data["as_of"].isoformat(),
        "work": [
            {"start": _iso(r["start"]), "end": _iso(r.get("end")), "related": r["related"]}
            for r in _rows(sets["work"])
        ],
        "certificates": [
            {"level": r["level"], "date": _iso(r["date"]), "related": r["related"]}
            for r in _rows(sets["certificates"])
        ],
        "education": [
            {
                "kind": r["kind"],
                "major_related": r["major_related"],
                "graduation": _iso(r["graduation"]),
            }
            for r in _rows(sets["education"])
        ],
        "apprenticeship_completed": form.cleaned_data["apprenticeship_completed"],
        "titles": [
            {
                "grade": r["grade"],
                "name": r["name"],
                "related": r["related"],
                "date": _iso(r["date"]),
            }
            for r in _rows(sets["titles"])
        ],
    }


def self_check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        refused = too_many_requests(request, group="eligibility-self-check", rate="30/m")
        if refused is not None:
            return refused
    data = request.POST if request.method == "POST" else None
    form = CheckForm(data, initial={"as_of": timezone.localdate()})
    sets: dict[str, forms.BaseFormSet] = {
        "work": WorkFormSet(data, prefix="work"),
        "certificates": CertificateFormSet(data, prefix="cert"),
        "education": EducationFormSet(data, prefix="edu"),
        "titles": TitleFormSet(data, prefix="title"),
    }
    result = None
    if data is not None and form.is_valid() and all(s.is_valid() for s in sets.values()):
        document = _profile_document(form, sets)
        try:
            profile, as_of = parse_profile(document)
            result = eligibility_for_occupation(
                occupation=form.cleaned_data["occupation"],
                level=form.cleaned_data["level"],
                profile=profile,
                as_of=as_of or timezone.localdate(),
                province=settings.SKILLCERT_PROVINCE,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "eligibility/self_check.html",
        {
            "form": form,
            "sets": sets,
            "result": result,
            "level_name": LEVEL_NAMES.get(form.cleaned_data.get("level", 0), "") if result else "",
            "exempt_names": [PART_NAMES[p] for p in result.decision.exempt] if result else [],
        },
    )


def rule_set_list(request: HttpRequest) -> HttpResponse:
    return render(request, "eligibility/rule_set_list.html", {"rule_sets": rule_sets_current()})


def rule_set_detail(request: HttpRequest, code: str) -> HttpResponse:
    versions = rule_set_versions(code=code)
    if not versions:
        raise Http404("未找到该规则集")
    chosen = versions[0]
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        chosen = next((v for v in versions if v.version == int(wanted)), chosen)
    return render(
        request,
        "eligibility/rule_set_detail.html",
        {
            "rule_set": chosen,
            "versions": versions,
            "clauses": chosen.clauses.order_by("-level", "position"),
            "level_names": LEVEL_NAMES,
        },
    )
