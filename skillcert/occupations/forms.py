from __future__ import annotations

from django import forms

from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.occupations.models import LEVEL_CHOICES, CertificationKind


class DirectoryAddForm(NamedErrorsForm):
    level = forms.TypedChoiceField(label="等级", choices=LEVEL_CHOICES, coerce=int)
    effective_from = forms.DateField(label="生效日期", widget=DateInput())
    document_no = forms.CharField(label="依据文号", max_length=100)
    reason = forms.CharField(label="原因", max_length=300, required=False)
    province = forms.CharField(label="省份代码（空为全国）", max_length=2, required=False)


class DirectoryRemoveForm(NamedErrorsForm):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    effective_to = forms.DateField(label="移出日期", widget=DateInput())
    document_no = forms.CharField(label="依据文号", max_length=100)
    reason = forms.CharField(label="原因", max_length=300)


class OccupationEditForm(NamedErrorsForm):
    code = forms.CharField(label="职业编码", max_length=11)
    name = forms.CharField(label="职业名称", max_length=100)
    certification_kind = forms.ChoiceField(label="认定类别", choices=CertificationKind.choices)
    code_note = forms.CharField(label="编码说明/来源", max_length=200, required=False)


class ImportForm(NamedErrorsForm):
    file = forms.FileField(label="标准文件（.yaml / .json / .xlsx）")


class DirectoryQueryForm(forms.Form):
    day = forms.DateField(label="日期", widget=DateInput())
    code = forms.CharField(label="职业编码", max_length=11, required=False)
    level = forms.TypedChoiceField(
        label="等级",
        choices=[("", "全部"), *LEVEL_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
