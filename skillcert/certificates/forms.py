"""Input forms of the certificate pages. They check types only; the rules (what may be
corrected, which files count as evidence) live in the services."""

from __future__ import annotations

from django import forms

from skillcert.common.forms import NamedErrorsForm


class QueryForm(NamedErrorsForm):
    number = forms.CharField(label="证书编号", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="证件号码", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class CorrectionRequestForm(NamedErrorsForm):
    holder_name = forms.CharField(
        label="更正后的姓名", max_length=50, required=False, help_text="不更正姓名时留空"
    )
    id_number = forms.CharField(
        label="更正后的证件号码",
        max_length=30,
        required=False,
        help_text="不更正证件号码时留空",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="更正原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label="证明材料",
        required=False,
        help_text="户籍证明、身份证件等，PDF、JPEG 或 PNG 格式，不超过 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class CorrectionDecisionForm(NamedErrorsForm):
    note = forms.CharField(label="审核意见", max_length=500, required=False)
