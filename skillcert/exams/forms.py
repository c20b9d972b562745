"""Input parsing for the sitting set-up and exam-day pages. Forms check types only; the rules
(one district per city, approved plans only, who may record what) live in the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.exams.models import DoorSide, MisconductDecision, MisconductKind, RoomKind
from skillcert.plans.choices import Subject

_DATE = DateInput()
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class SittingCreateForm(NamedErrorsForm):
    province = forms.ChoiceField(label="省份")
    code = forms.CharField(label="统考编号", max_length=40, help_text="如 JS-2026-02")
    title = forms.CharField(label="名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2099)
    serial = forms.IntegerField(
        label="年度内统考序号", min_value=1, max_value=99, help_text="准考证号中的两位序号"
    )

    def __init__(self, *args: Any, provinces: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("province", list(provinces))
        if len(provinces) == 1:
            self.fields["province"].initial = provinces[0][0]
            self.fields["province"].widget = forms.HiddenInput()


class SittingPlanForm(NamedErrorsForm):
    plan = forms.TypedChoiceField(label="评价计划", coerce=int, help_text="只列出已通过报备审核的")

    def __init__(self, *args: Any, plans: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("plan", [("", "请选择"), *plans])


class DistrictForm(NamedErrorsForm):
    city = forms.ChoiceField(label="城市")
    office_name = forms.CharField(label="考核点办公室", max_length=200)
    office_address = forms.CharField(label="办公室地址", max_length=200, required=False)
    office_phone = forms.CharField(label="联系电话", max_length=40, required=False)

    def __init__(self, *args: Any, cities: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("city", [("", "请选择"), *cities])


class SlotForm(NamedErrorsForm):
    subject = forms.ChoiceField(label="科目", choices=Subject.choices)
    districts = forms.TypedMultipleChoiceField(
        label="考区",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则为全部考区",
    )
    offering = forms.ChoiceField(label="职业等级", required=False)
    day = forms.DateField(label="考试日期", widget=_DATE)
    starts = forms.TimeField(label="开始时间", widget=_TIME)
    ends = forms.TimeField(label="结束时间", widget=_TIME)

    def __init__(
        self,
        *args: Any,
        districts: Sequence[tuple[int, str]],
        offerings: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("districts", list(districts))
        self.set_choices("offering", [("", "全部职业等级"), *offerings])


class SiteForm(NamedErrorsForm):
    code = forms.CharField(label="考点编号", max_length=10)
    name = forms.CharField(label="考点名称", max_length=100)
    address = forms.CharField(label="地址", max_length=200)


class RoomForm(NamedErrorsForm):
    site = forms.TypedChoiceField(label="考点", coerce=int)
    code = forms.CharField(label="考场号", max_length=10)
    kind = forms.ChoiceField(label="类型", choices=RoomKind.choices)
    rows = forms.IntegerField(label="行数", min_value=1, max_value=50)
    cols = forms.IntegerField(label="列数", min_value=1, max_value=50)
    door = forms.ChoiceField(label="门的位置", choices=DoorSide.choices)
    accessible = forms.BooleanField(label="无障碍考场", required=False)
    location = forms.CharField(label="位置（楼层、教室）", max_length=100, required=False)

    def __init__(self, *args: Any, sites: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("site", [("", "请选择"), *sites])


class RoomsUploadForm(NamedErrorsForm):
    file = forms.FileField(label="考场文件（.xlsx、.xls 或 .csv）")


# --- exam day ----------------------------------------------------------------------------


EVIDENCE_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".mp4")
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


class MisconductForm(NamedErrorsForm):
    seat = forms.TypedChoiceField(label="考生（考场·座位）", coerce=int)
    kind = forms.ChoiceField(label="违纪类型", choices=MisconductKind.choices)
    description = forms.CharField(
        label="事实经过", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label="证据（照片、视频截图，可不传）", required=False)

    def __init__(self, *args: Any, seats: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("seat", [("", "请选择"), *seats])

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload is None:
            return None
        name = (upload.name or "").lower()
        if not name.endswith(EVIDENCE_TYPES):
            raise forms.ValidationError("只接受 JPG、PNG、PDF 或 MP4 文件")
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError("文件不能超过20MB")
        return upload


class RoomRecordForm(NamedErrorsForm):
    notes = forms.CharField(
        label="考场情况",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="开考、收卷、异常情况；已填写的内容由后签名者补充",
    )


class IncidentForm(NamedErrorsForm):
    description = forms.CharField(
        label="情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    action_taken = forms.CharField(
        label="处置", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupervisorReportForm(NamedErrorsForm):
    rating = forms.ChoiceField(
        label="总体评价",
        choices=[("good", "规范"), ("minor", "存在一般问题"), ("serious", "存在严重问题")],
    )
    findings = forms.CharField(
        label="督导情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(NamedErrorsForm):
    decision = forms.ChoiceField(
        label="处理决定",
        choices=[c for c in MisconductDecision.choices if c[0] != MisconductDecision.PENDING],
    )
    reason = forms.CharField(
        label="处理依据", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(NamedErrorsForm):
    text = forms.CharField(
        label="申诉理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealDecisionForm(NamedErrorsForm):
    upheld = forms.TypedChoiceField(
        label="复核结论",
        choices=[("1", "维持原处理"), ("0", "撤销原处理")],
        coerce=lambda v: v == "1",
    )
    reply = forms.CharField(
        label="复核意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
