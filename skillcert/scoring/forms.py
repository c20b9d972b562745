"""Input parsing for the scoring pages. Forms check types and ranges only; the rules (who may
act, which status allows what) live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.scoring import rules
from skillcert.scoring.models import PartState

PART_CHOICES = [(part, rules.PART_NAMES[part]) for part in ("theory", "practical", "panel")]
STATE_CHOICES = [
    (state, PartState(state).label)
    for state in (PartState.ABSENT, PartState.VOIDED, PartState.EXEMPT)
]
MAX_SHEET_LINES = 50


def _score_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=4,
        decimal_places=1,
    )


class PublishForm(forms.Form):
    district = forms.CharField(
        label="考区", max_length=60, required=False, help_text="不选为全部尚未发布的考区"
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(forms.Form):
    part = forms.ChoiceField(label="科目", choices=PART_CHOICES)
    score = _score_field("成绩")


class PartStateForm(forms.Form):
    part = forms.ChoiceField(label="科目", choices=PART_CHOICES)
    state = forms.ChoiceField(label="状态", choices=STATE_CHOICES)
    reason = forms.CharField(label="说明", max_length=300, required=False)


class EnterpriseForm(forms.Form):
    """The four dimensions of enterprise self-evaluation (field names are ASCII, labels the
    dimensions' Chinese names)."""

    conduct = _score_field(rules.DIMENSIONS[0])
    ability = _score_field(rules.DIMENSIONS[1])
    performance = _score_field(rules.DIMENSIONS[2])
    contribution = _score_field(rules.DIMENSIONS[3])

    FIELDS = ("conduct", "ability", "performance", "contribution")

    def scores(self) -> dict[str, Decimal]:
        return {
            dim: self.cleaned_data[name]
            for dim, name in zip(rules.DIMENSIONS, self.FIELDS, strict=True)
        }


class RecheckCompleteForm(forms.Form):
    outcome = forms.CharField(
        label="复查结论", max_length=300, required=False, help_text="不填则按是否更正自动填写"
    )


class PracticalSheetForm(forms.Form):
    result = forms.IntegerField(label="考生", widget=forms.HiddenInput)
    items = forms.CharField(
        label="评分表（每行：评分项 满分 得分，如 1 40 36）",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_items(self) -> list[dict[str, Any]]:
        try:
            return parse_sheet_lines(self.cleaned_data["items"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None


class PanelMarkForm(forms.Form):
    result = forms.IntegerField(label="考生", widget=forms.HiddenInput)
    score = _score_field("评分")
    note = forms.CharField(label="评语", max_length=300, required=False)


def parse_sheet_lines(text: str) -> list[dict[str, Any]]:
    """`1 40 36` (item, maximum, score) per line; blank lines ignored. Ranges are checked by
    the service, which knows the rules; here only the shape."""
    rows: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = raw.replace("\u3000", " ").replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        if len(parts) != 3:
            raise DomainError(
                "practical.sheet_line",
                f"第 {number} 行格式不对：应为“评分项 满分 得分”三项，用空格分隔",
                field="items",
            )
        try:
            maximum, score = Decimal(parts[1]), Decimal(parts[2])
        except ArithmeticError:
            raise DomainError(
                "practical.sheet_line", f"第 {number} 行的满分和得分应为数字", field="items"
            ) from None
        if not (maximum.is_finite() and score.is_finite()):
            raise DomainError(
                "practical.sheet_line", f"第 {number} 行的满分和得分应为数字", field="items"
            )
        rows.append({"item": parts[0][:20], "max": str(maximum), "score": str(score)})
    if not rows:
        raise DomainError("practical.sheet_empty", "评分表没有评分项", field="items")
    if len(rows) > MAX_SHEET_LINES:
        raise DomainError(
            "practical.sheet_lines", f"评分表最多 {MAX_SHEET_LINES} 项", field="items"
        )
    return rows


# --- scoring set-up -----------------------------------------------------------------------------


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.employer_name}）" if obj.employer_name else obj.name


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.full_name or obj.username
        return obj.username if name == obj.username else f"{name}（{obj.username}）"


class PaperChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code}（{obj.blueprint.occupation.name} {obj.blueprint.level}级）"


class BatchStaffForm(NamedErrorsForm):
    """The people of one duty; the choices are the batch's (`selectors.staff_choices`). An
    empty choice is passed on: the service says how many the duty needs."""

    people = StaffChoice(
        label="人员", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset("people", people)


class EntryAccountForm(NamedErrorsForm):
    user = AccountChoice(label="成绩录入专用账号", queryset=None, empty_label="请选择")

    def __init__(self, *args: Any, users: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset("user", users)


class PaperForm(NamedErrorsForm):
    paper = PaperChoice(label="试卷", queryset=None, empty_label="请选择")

    def __init__(self, *args: Any, papers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset("paper", papers)


class ResponseUploadForm(PaperForm):
    file = forms.FileField(
        label="作答文件（CSV）",
        help_text="表头 candidate_id,form,1,2,…,N；每行一名考生（见作答文件格式说明）",
    )
