"""Input forms of the personnel registry pages. They check types only; the services decide
(an ID number's checksum, who may act, the qualification conditions) and their errors land
beside the field they name."""

from __future__ import annotations

from django import forms

from skillcert.common.forms import NamedErrorsForm
from skillcert.personnel.choices import RoleKind
from skillcert.personnel.models import LEVEL_CHOICES, EducationLevel, RelationKind, TitleGrade


class DateInput(forms.DateInput):
    """The browser's date picker, which sends ISO dates (2026-03-05)."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _blank(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class PersonRegisterForm(NamedErrorsForm):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="身份证号码", max_length=20)
    education = forms.ChoiceField(
        label="文化程度", choices=_blank("请选择", list(EducationLevel.choices))
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="通讯地址", max_length=200, required=False)
    employer = forms.ChoiceField(label="工作单位（评价机构）", required=False)
    employer_name = forms.CharField(
        label="其他工作单位",
        max_length=200,
        required=False,
        help_text="不属于评价机构时填写",
    )
    region = forms.ChoiceField(
        label="单位所在地区", required=False, help_text="选择评价机构时按机构所在地区登记"
    )


class CertificateForm(NamedErrorsForm):
    occupation = forms.ChoiceField(label="职业")
    level = forms.TypedChoiceField(label="等级", choices=LEVEL_CHOICES, coerce=int)
    number = forms.CharField(label="证书编号", max_length=32)
    issued_on = forms.DateField(label="发证日期", widget=DateInput())


class TitleForm(NamedErrorsForm):
    grade = forms.ChoiceField(label="职称级别", choices=TitleGrade.choices)
    name = forms.CharField(label="职称名称", max_length=64)
    major = forms.CharField(label="专业", max_length=64)
    obtained_on = forms.DateField(label="取得日期", widget=DateInput())


class WorkForm(NamedErrorsForm):
    description = forms.CharField(label="工作内容", max_length=200)
    occupation = forms.ChoiceField(label="从事职业", required=False)
    start = forms.DateField(label="开始日期", widget=DateInput())
    end = forms.DateField(
        label="结束日期", required=False, widget=DateInput(), help_text="至今留空"
    )


class RoleLevelsForm(NamedErrorsForm):
    """A role in an occupation for a range of levels: what a check, an appointment and an
    override are about."""

    role = forms.ChoiceField(label="角色", choices=RoleKind.choices)
    occupation = forms.ChoiceField(label="职业")
    level_high = forms.TypedChoiceField(
        label="最高等级", choices=LEVEL_CHOICES, coerce=int, initial=3
    )
    level_low = forms.TypedChoiceField(
        label="最低等级", choices=LEVEL_CHOICES, coerce=int, initial=5
    )


class RoleForm(RoleLevelsForm):
    """One form for the qualification check and the appointment: the same question."""

    organization = forms.ChoiceField(
        label="评价机构", required=False, help_text="内部质量督导员、保密协议所在机构"
    )


class AgreementForm(NamedErrorsForm):
    organization = forms.ChoiceField(label="签订机构")
    signed_on = forms.DateField(label="签订日期", widget=DateInput())


class DeclarationForm(NamedErrorsForm):
    """The person's signed declaration (political and ethical conditions, no criminal
    record), with its scan."""

    signed_on = forms.DateField(label="签署日期", widget=DateInput())
    scan = forms.FileField(label="签字扫描件（PDF、PNG 或 JPEG）")


class RelationForm(NamedErrorsForm):
    kind = forms.ChoiceField(label="关系", choices=_blank("请选择", list(RelationKind.choices)))
    counterpart_id_number = forms.CharField(label="对方身份证号码", max_length=20, required=False)
    counterpart_name = forms.CharField(label="对方姓名", max_length=64, required=False)
    organization = forms.ChoiceField(label="相关机构", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class ReasonForm(NamedErrorsForm):
    reason = forms.CharField(label="原因", max_length=300)


class AccountForm(NamedErrorsForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput(), help_text="请本人登录后修改"
    )
