"""Forms of enterprise self-evaluation: the scheme, the four dimensions per candidate, and a
level recognised through a competition or the direct channel. Forms check types only; the
rules (weights summing to 1, the methods allowed, who decides) live in the services, whose
errors land beside the field they name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.plans.choices import PlanMethod
from skillcert.scoring import rules
from skillcert.scoring.choices import Route
from skillcert.scoring.services import CANDIDATE_KINDS, ENTERPRISE_METHODS, EVIDENCE_METHODS

# The four dimensions under ASCII field names, 品德 first.
DIMENSION_KEYS = dict(
    zip(rules.DIMENSIONS, ("conduct", "ability", "performance", "contribution"), strict=True)
)
METHOD_CHOICES = [
    (value, label) for value, label in PlanMethod.choices if value in ENTERPRISE_METHODS
]


def _score_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=5, decimal_places=1, **kwargs)


class SchemeForm(NamedErrorsForm):
    """One occupation's scheme: methods, each dimension's weight and methods of evidence,
    the pass marks (品德 has its own, checked first) and who may be evaluated."""

    methods = forms.MultipleChoiceField(
        label="评价方式",
        choices=METHOD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pass_mark = _score_field("综合合格线", initial=60)
    conduct_pass_mark = _score_field("品德合格线", initial=60, help_text="品德不合格，一票否决")
    candidate_kinds = forms.MultipleChoiceField(
        label="参评人员类别",
        choices=list(CANDIDATE_KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A refusal of the dimensions as a whole (the weights' sum), shown on their table.
        self.group_errors: dict[str, str] = {}
        for dim, key in DIMENSION_KEYS.items():
            self.fields[f"weight_{key}"] = forms.DecimalField(
                label=f"{dim}权重", max_digits=4, decimal_places=3
            )
            self.fields[f"evidence_{key}"] = forms.MultipleChoiceField(
                label=f"{dim}评价方法",
                choices=list(EVIDENCE_METHODS.items()),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    @classmethod
    def initial_from(cls, scheme: Any) -> dict[str, Any]:
        """The form's initial values from a stored scheme (or the defaults without one)."""
        if scheme is None:
            return {"candidate_kinds": ["employee"]}
        initial: dict[str, Any] = {
            "methods": scheme.methods,
            "pass_mark": scheme.pass_mark,
            "conduct_pass_mark": scheme.conduct_pass_mark,
            "candidate_kinds": scheme.candidate_kinds,
        }
        for dim, key in DIMENSION_KEYS.items():
            initial[f"weight_{key}"] = scheme.weights.get(dim)
            initial[f"evidence_{key}"] = scheme.evidence.get(dim, [])
        return initial

    def rows(self) -> list[tuple[str, Any, Any]]:
        """(dimension, weight field, evidence field) for the dimensions' table."""
        return [
            (dim, self[f"weight_{key}"], self[f"evidence_{key}"])
            for dim, key in DIMENSION_KEYS.items()
        ]

    def weights(self) -> dict[str, Decimal]:
        return {dim: self.cleaned_data[f"weight_{key}"] for dim, key in DIMENSION_KEYS.items()}

    def evidence(self) -> dict[str, list[str]]:
        return {dim: self.cleaned_data[f"evidence_{key}"] for dim, key in DIMENSION_KEYS.items()}

    def add_domain_error(self, exc: DomainError) -> None:
        """The service names "weights" or "evidence" and starts its message with the
        dimension at fault: the error goes beside that dimension's input. A fault of the
        four together (their sum) goes on the dimensions' table."""
        if exc.field in ("weights", "evidence"):
            prefix = "weight" if exc.field == "weights" else "evidence"
            dim = next((d for d in rules.DIMENSIONS if exc.message.startswith(d)), None)
            if dim is not None:
                self.add_error(f"{prefix}_{DIMENSION_KEYS[dim]}", exc.message)
                return
            self.group_errors[exc.field] = exc.message
            self.add_error(None, exc.message)
            return
        super().add_domain_error(exc)


class EvaluationForm(NamedErrorsForm):
    """One candidate's four dimension scores (0–100)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dim, key in DIMENSION_KEYS.items():
            self.fields[key] = _score_field(dim)

    def scores(self) -> dict[str, Decimal]:
        return {dim: self.cleaned_data[key] for dim, key in DIMENSION_KEYS.items()}

    def add_domain_error(self, exc: DomainError) -> None:
        # The service names a dimension by its Chinese name.
        if exc.field in DIMENSION_KEYS:
            self.add_error(DIMENSION_KEYS[exc.field], exc.message)
            return
        super().add_domain_error(exc)


RECOGNITION_CHOICES = [
    (Route.COMPETITION.value, Route.COMPETITION.label),
    (Route.DIRECT.value, Route.DIRECT.label),
]


class RecognitionForm(NamedErrorsForm):
    """A level recognised from a competition (the entry account) or by the direct channel
    (the authority): the decision, its basis and the document proving it."""

    route = forms.ChoiceField(label="认定途径", choices=RECOGNITION_CHOICES)
    decision = forms.ChoiceField(
        label="认定结论",
        choices=[("pass", "认定合格"), ("fail", "不予认定")],
        widget=forms.RadioSelect,
        initial="pass",
    )
    note = forms.CharField(
        label="认定依据",
        max_length=200,
        required=False,
        help_text="竞赛名称与名次，或直评决定文号",
    )
    evidence = forms.FileField(
        label="证明材料", required=False, help_text="PDF、PNG 或 JPEG，不超过 10 MB"
    )

    def __init__(self, *args: Any, routes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if routes is not None:
            self.set_choices("route", [c for c in RECOGNITION_CHOICES if c[0] in routes])


class SchemeFilingForm(NamedErrorsForm):
    """Filing the scheme with the province as an enterprise evaluation norm: the posts and
    the companies it applies to, one per line."""

    posts = forms.CharField(
        label="适用岗位", widget=forms.Textarea(attrs={"rows": 3}), help_text="每行一个岗位"
    )
    companies = forms.CharField(
        label="适用企业范围",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个企业或企业类别",
    )

    def lines(self, name: str) -> list[str]:
        return [line for line in self.cleaned_data[name].splitlines() if line.strip()]
