"""Input parsing for the organisation pages. Forms check types only; rules live in the
services."""

from __future__ import annotations

from django import forms

from skillcert.common.errors import DomainError
from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.organizations.catalogue import ScopeRequest
from skillcert.organizations.models import (
    MANUAL_CREDIT_EVENT_KINDS,
    CreditEventKind,
    CreditList,
    FilingPurpose,
    OrgKind,
    ReviewDecision,
)

_DATE = DateInput()


class FilingStartForm(forms.Form):
    purpose = forms.ChoiceField(label="申请事项", choices=FilingPurpose.choices)
    service_region = forms.CharField(label="认定区域（行政区划代码）", max_length=6)
    authority_code = forms.CharField(
        label="备案机关代码", max_length=4, initial="0000", help_text="向省级人社部门备案填 0000"
    )
    contact_name = forms.CharField(label="联系人", max_length=64, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=32, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)


class ScopeForm(forms.Form):
    lines = forms.CharField(
        label="认定范围（每行：职业编码 等级 [工种]，如 4-07-03-02 3）",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def parse_scope_lines(text: str) -> list[ScopeRequest]:
    """`4-07-03-02 3` or `6-18-01-01 4 车工`, one per line; blank lines ignored."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = raw.replace("\u3000", " ").split()
        if not parts:
            continue
        if len(parts) < 2 or parts[1] not in {"1", "2", "3", "4", "5"}:
            raise DomainError(
                "filing.scope_line_format",
                f"第 {number} 行格式不对：应为“职业编码 等级 [工种]”，等级为 1 到 5",
                field="lines",
            )
        rows.append(ScopeRequest(parts[0], int(parts[1]), " ".join(parts[2:])))
    return rows


class EvidenceForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label="文件（PDF/PNG/JPEG，不超过10MB）", required=False)
    number_value = forms.IntegerField(label="数量", min_value=0, required=False)
    text_value = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    declared = forms.BooleanField(label="本机构承诺属实", required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=ReviewDecision.choices)
    reason = forms.CharField(
        label="意见/原因", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))
    document_no = forms.CharField(label="文号", max_length=100, required=False)


class ListingForm(forms.Form):
    list_kind = forms.ChoiceField(label="名录", choices=CreditList.choices)
    reason = forms.CharField(label="列入原因", widget=forms.Textarea(attrs={"rows": 2}))
    document_no = forms.CharField(label="文号", max_length=100)
    starts_on = forms.DateField(label="列入日期", widget=_DATE)
    ends_on = forms.DateField(label="期满日期（不填为无固定期限）", widget=_DATE, required=False)


class ListingRemoveForm(forms.Form):
    listing = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="移出原因", widget=forms.Textarea(attrs={"rows": 2}))
    document_no = forms.CharField(label="移出文号", max_length=100)


class CreditEventForm(forms.Form):
    kind = forms.ChoiceField(
        label="事项",
        choices=[(k, CreditEventKind(k).label) for k in MANUAL_CREDIT_EVENT_KINDS],
    )
    occurred_on = forms.DateField(label="发生日期", widget=_DATE)
    description = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 2}))
    document_no = forms.CharField(label="文号", max_length=100, required=False)


class AnnualReportTextForm(forms.Form):
    examiner_changes = forms.CharField(
        label="考评人员变化情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    item_bank_changes = forms.CharField(
        label="题库（卷库）建设更新情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fixes = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrganizationRegisterForm(NamedErrorsForm):
    name = forms.CharField(label="机构名称", max_length=200)
    kind = forms.ChoiceField(label="机构类型", choices=OrgKind.choices)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    region = forms.CharField(label="所在地区（行政区划代码）", max_length=6)
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=64, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=32, required=False)
    admin_username = forms.CharField(label="管理员用户名", max_length=150)
    admin_full_name = forms.CharField(label="管理员姓名", max_length=64)
    admin_phone = forms.CharField(label="管理员手机号", max_length=11, required=False)
    admin_password = forms.CharField(
        label="管理员初始密码",
        widget=forms.PasswordInput,
        help_text="请通过可靠渠道告知本人，首次登录后修改",
    )


class OrgAccountForm(NamedErrorsForm):
    role = forms.ChoiceField(
        label="角色", choices=[("org_clerk", "评价机构经办人"), ("org_admin", "评价机构管理员")]
    )
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="手机号", max_length=11, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput)
