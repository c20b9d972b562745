"""Input parsing for the plan pages. Forms check types only; the rules (the filing scope, the
15-working-day lead, qualified staff) live in plans.services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.plans.models import PlanKind, PlanMethod, Subject

if TYPE_CHECKING:
    from skillcert.personnel.models import Person

_DATE = DateInput()
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def offering_key(occupation_id: int, level: int | None) -> str:
    """ "12:3"; "12:" for an occupation offered without a level (专项职业能力考核)."""
    return f"{occupation_id}:{'' if level is None else level}"


def parse_offering_key(key: str) -> tuple[int, int | None]:
    occupation_id, level = key.split(":")
    return int(occupation_id), int(level) if level else None


class PlanCreateForm(NamedErrorsForm):
    organization = forms.TypedChoiceField(label="评价机构", coerce=int)
    code = forms.CharField(label="计划编号", max_length=40, help_text="如 JS-2026-001")
    title = forms.CharField(label="计划名称", max_length=200)
    window_opens = forms.DateField(label="报名开始日期", widget=_DATE)
    window_closes = forms.DateField(label="报名截止日期", widget=_DATE)
    capacity = forms.IntegerField(label="计划人数", min_value=1, max_value=100_000)
    offerings = forms.MultipleChoiceField(
        label="职业等级", widget=forms.CheckboxSelectMultiple, help_text="只列出本机构备案范围内的"
    )

    def __init__(
        self,
        *args: Any,
        organizations: Sequence[tuple[int, str]],
        offerings: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("organization", list(organizations))
        self.set_choices("offerings", list(offerings))
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0][0]
            self.fields["organization"].widget = forms.HiddenInput()


class PlanDetailsForm(NamedErrorsForm):
    kind = forms.ChoiceField(label="评价类型", choices=PlanKind.choices)
    method = forms.ChoiceField(label="评价方式", choices=PlanMethod.choices)


class SessionForm(NamedErrorsForm):
    """One subject's sitting: the day and the time slot, the site and the expected number."""

    subject = forms.ChoiceField(label="科目", choices=Subject.choices)
    offering = forms.ChoiceField(label="职业等级", required=False)
    day = forms.DateField(label="考核日期", widget=_DATE)
    starts = forms.TimeField(label="开始时间", widget=_TIME)
    ends = forms.TimeField(label="结束时间", widget=_TIME)
    site = forms.CharField(label="考核地点", max_length=200)
    expected = forms.IntegerField(label="预计人数", min_value=1, max_value=100_000)

    def __init__(self, *args: Any, offerings: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("offering", [("", "本计划全部职业等级"), *offerings])

    def starts_at(self) -> dt.datetime:
        return _at(self.cleaned_data["day"], self.cleaned_data["starts"])

    def ends_at(self) -> dt.datetime:
        return _at(self.cleaned_data["day"], self.cleaned_data["ends"])


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.employer_name}）" if obj.employer_name else obj.name


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.employer_name}）" if obj.employer_name else obj.name


class StaffForm(NamedErrorsForm):
    # The choices depend on the plan: __init__ sets both querysets.
    examiners = PeopleChoice(
        label="考评人员",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="须持有本计划职业的有效考评员证卡",
    )
    supervisor = PersonChoice(
        label="质量督导员", queryset=None, required=False, empty_label="请选择"
    )

    def __init__(
        self,
        *args: Any,
        examiners: QuerySet[Person],
        supervisors: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_queryset("examiners", examiners)
        self.set_queryset("supervisor", supervisors)


class ReviewForm(NamedErrorsForm):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "审核通过"), ("return", "退回修改")]
    )
    reason = forms.CharField(
        label="审核意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回时必填：写明需要修改的内容",
    )


class SamplingForm(NamedErrorsForm):
    """Review sampling rates as percentages (the service stores fractions)."""

    city_rate = forms.DecimalField(
        label="复审（地市）抽样比例（%）", min_value=0, max_value=100, decimal_places=1
    )
    province_rate = forms.DecimalField(
        label="终审（省级）抽样比例（%）", min_value=0, max_value=100, decimal_places=1
    )
