from __future__ import annotations

from typing import Any

from django import forms

from skillcert.common.forms import DateInput
from skillcert.eligibility.engine import EDUCATION_KINDS, TITLE_GRADES
from skillcert.occupations.choices import LEVEL_CHOICES
from skillcert.occupations.selectors import occupations_with_standard

DATE = DateInput()


class CheckForm(forms.Form):
    occupation = forms.ModelChoiceField(
        label="职业",
        queryset=occupations_with_standard(),
        to_field_name="code",
    )
    level = forms.TypedChoiceField(label="申报等级", choices=LEVEL_CHOICES, coerce=int)
    as_of = forms.DateField(label="计算截止日期", widget=DATE)
    apprenticeship_completed = forms.BooleanField(label="学徒期满", required=False)


class _RowForm(forms.Form):
    """A repeatable row. An extra row counts as filled in only when its date is: the
    checkboxes and selects have defaults that would otherwise make every blank row 'changed'."""

    key_field = ""

    def has_changed(self) -> bool:
        return bool(self.data.get(self.add_prefix(self.key_field), "").strip())


class WorkForm(_RowForm):
    key_field = "start"
    start = forms.DateField(label="工作开始", widget=DATE)
    end = forms.DateField(label="工作结束（在职留空）", widget=DATE, required=False)
    related = forms.BooleanField(label="本职业或相关职业", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期早于开始日期")
        return data


class CertificateForm(_RowForm):
    key_field = "date"
    level = forms.TypedChoiceField(label="已有证书等级", choices=LEVEL_CHOICES, coerce=int)
    date = forms.DateField(label="发证日期", widget=DATE)
    related = forms.BooleanField(label="本职业或相关职业", required=False, initial=True)


class EducationForm(_RowForm):
    key_field = "graduation"
    kind = forms.ChoiceField(label="学历/毕业学校", choices=[(k, k) for k in EDUCATION_KINDS])
    major_related = forms.BooleanField(label="本专业或相关专业", required=False)
    graduation = forms.DateField(label="毕业（预计毕业）日期", widget=DATE)


class TitleForm(_RowForm):
    key_field = "date"
    grade = forms.ChoiceField(label="职称级别", choices=[(g, g) for g in TITLE_GRADES])
    name = forms.CharField(label="职称名称（如 经济师）", max_length=40, required=False)
    related = forms.BooleanField(label="相关专业", required=False, initial=True)
    date = forms.DateField(label="取得日期", widget=DATE)


WorkFormSet = forms.formset_factory(WorkForm, extra=3, max_num=10, validate_max=True)
CertificateFormSet = forms.formset_factory(CertificateForm, extra=2, max_num=5, validate_max=True)
EducationFormSet = forms.formset_factory(EducationForm, extra=2, max_num=5, validate_max=True)
TitleFormSet = forms.formset_factory(TitleForm, extra=1, max_num=3, validate_max=True)
