"""The province settings area's registry: every versioned policy table (`common.policies`),
with the values a province sets, their bounds and how they read on screen. The settings pages,
the service that records a version and the tests all go through this one list.

The tables belong to the apps below; they are named by label and fetched from the app
registry, so the settings area imports no other app's models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.apps import apps

from skillcert.common.errors import DomainError
from skillcert.common.policies import policy_history, policy_in_force, province_value
from skillcert.occupations.choices import LEVEL_CHOICES

if TYPE_CHECKING:
    from skillcert.common.policies import VersionedPolicy

# int: a whole number in [low, high]; rate: a share in [low, high] (entered as a percentage);
# bool: yes/no; levels: a set of levels (1–5); lines: a list of short texts.
FieldKind = Literal["int", "rate", "bool", "levels", "lines"]

LEVEL_NAMES = dict(LEVEL_CHOICES)


@dataclass(frozen=True)
class PolicyField:
    name: str
    kind: FieldKind = "int"
    low: Decimal = Decimal(1)
    high: Decimal = Decimal(365)
    low_open: bool = False  # the share must be above `low` (a sample of nothing draws nothing)
    help: str = ""


@dataclass(frozen=True)
class PolicyKind:
    key: str
    label: str
    model_label: str  # "app_label.ModelName"
    fields: tuple[PolicyField, ...]
    description: str = ""
    # What applies while a province has no version (and no default row exists).
    fallback: str = "未设置时相关业务无法办理"

    @property
    def model(self) -> type[VersionedPolicy]:
        model: type[VersionedPolicy] = apps.get_model(self.model_label)
        return model

    def label_of(self, name: str) -> str:
        return str(getattr(self.model._meta.get_field(name), "verbose_name", name))


def _int(name: str, low: int, high: int, help: str = "") -> PolicyField:
    return PolicyField(name, "int", Decimal(low), Decimal(high), help=help)


def _rate(name: str, *, low_open: bool = False, help: str = "") -> PolicyField:
    return PolicyField(name, "rate", Decimal(0), Decimal(1), low_open=low_open, help=help)


KINDS: tuple[PolicyKind, ...] = (
    PolicyKind(
        key="filing",
        label="机构备案",
        model_label="organizations.FilingPolicy",
        description="备案有效期、延续申请时间、需省级审核的等级、年度报告截止日",
        fields=(
            _int("validity_years", 1, 10),
            _int("renewal_window_days", 1, 365),
            PolicyField("province_review_levels", "levels"),
            _int("annual_report_due_month", 1, 12),
            _int("annual_report_due_day", 1, 31),
        ),
    ),
    PolicyKind(
        key="filing_staffing",
        label="备案人员数量要求",
        model_label="organizations.FilingStaffingPolicy",
        description="各类机构备案时须具备的专职工作人员、技能人员、考评人员、命题人员最少人数",
        fields=(
            _int("social_staff_min", 1, 200),
            _int("school_staff_min", 1, 200),
            _int("association_staff_min", 1, 200),
            _int("employer_skill_staff_min", 1, 100_000),
            _int("examiners_min", 1, 200),
            _int("item_writers_min", 1, 200),
        ),
        fallback="未设置时按各备案条件自带的最少数量审核",
    ),
    PolicyKind(
        key="personnel",
        label="考评人员管理与每月培训",
        model_label="personnel.ProvincePolicy",
        description="每月培训报名期限（每月前N个工作日）、证卡有效期与领取期限、未领卡禁入、轮换",
        fields=(
            _int(
                "registration_workdays_examiner",
                1,
                20,
                "培训计划于每月第一个工作日发布，报名至当月第N个工作日（含发布当日）",
            ),
            _int("registration_workdays_senior", 1, 20, "同上，高级考评员"),
            _int("card_validity_years", 1, 10),
            _int("collection_workdays", 1, 250),
            _int("uncollected_ban_count", 1, 10),
            _int("reminder_days", 1, 365),
            _int("max_consecutive_sittings", 1, 50),
        ),
    ),
    PolicyKind(
        key="sampling",
        label="申报审核抽样比例",
        model_label="plans.ReviewSamplingPolicy",
        description="新建评价计划时采用的复审、终审抽样比例；单个计划可在其抽样设置中调整",
        fields=(
            _rate("city_sample_rate", help="100% 为全部复审"),
            _rate("province_sample_rate", help="100% 为全部终审"),
        ),
        fallback="未设置时全部复审、全部终审",
    ),
    PolicyKind(
        key="logistics",
        label="考务规则",
        model_label="exams.LogisticsPolicy",
        description="监考与考评员配比、迟到与离场限制、入场检查项目",
        fields=(
            _int("invigilator_per", 1, 100),
            _int("min_invigilators_theory", 1, 10),
            _int("examiner_per", 1, 50),
            _int("min_examiners_practical", 1, 15),
            PolicyField("examiners_odd", "bool"),
            _int("supervisors_per_site", 1, 10),
            _int("late_entry_minutes", 0, 120),
            _int("no_leave_minutes", 0, 120),
            PolicyField("entry_checklist", "lines", help="每行一项"),
        ),
    ),
    PolicyKind(
        key="recheck",
        label="成绩复查期限",
        model_label="scoring.RecheckPolicy",
        description="成绩发布后可申请复查的工作日数",
        fields=(_int("workdays", 1, 60),),
        fallback="未设置时按平台默认的15个工作日办理",
    ),
    PolicyKind(
        key="supervision",
        label="质量督导",
        model_label="supervision.SupervisionPolicy",
        description="过程性督导抽查比例、整改期限、投诉办理期限",
        fields=(
            _rate("process_sample_rate", low_open=True),
            _int("corrective_workdays", 1, 120),
            _int("complaint_handling_workdays", 1, 120),
        ),
        fallback="未设置时按平台默认值办理：抽查20%，整改10个工作日，投诉办理15个工作日",
    ),
)

_BY_KEY = {kind.key: kind for kind in KINDS}


def policy_kind(key: str) -> PolicyKind | None:
    return _BY_KEY.get(key)


def policy_kind_of(model: type[VersionedPolicy]) -> PolicyKind:
    label = model._meta.label
    for kind in KINDS:
        if kind.model_label == label:
            return kind
    raise DomainError("policy.unknown_kind", f"“{model._meta.verbose_name}”不是省级设置项目")


# --- values -----------------------------------------------------------------------------------


def _bounded(kind: PolicyKind, spec: PolicyField, value: Any) -> Decimal:
    label = kind.label_of(spec.name)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite():
        raise DomainError("policy.value_invalid", f"{label}应为数字", field=spec.name)
    if spec.kind == "rate":
        if number > spec.high or number < spec.low or (spec.low_open and number == spec.low):
            low = "大于0%" if spec.low_open else "0%"
            raise DomainError(
                "policy.value_out_of_range",
                f"{label}应在{low}到100%之间，填写的是{percent_text(number)}%",
                field=spec.name,
            )
        return number
    if number != number.to_integral_value() or not spec.low <= number <= spec.high:
        raise DomainError(
            "policy.value_out_of_range",
            f"{label}应为{spec.low}到{spec.high}之间的整数，填写的是{number:g}",
            field=spec.name,
        )
    return number


def policy_value_clean(kind: PolicyKind, spec: PolicyField, value: Any) -> Any:
    """One value in the table's own units, or a DomainError naming the field."""
    label = kind.label_of(spec.name)
    if value is None or value == "":
        raise DomainError("policy.value_required", f"请填写{label}", field=spec.name)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise DomainError("policy.value_invalid", f"{label}应为是或否", field=spec.name)
        return value
    if spec.kind == "levels":
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise DomainError("policy.value_invalid", f"{label}应为等级列表", field=spec.name)
        levels = sorted({int(v) for v in value if str(v).isdigit()}, reverse=True)
        if len(levels) != len(set(map(str, value))) or not set(levels) <= set(LEVEL_NAMES):
            raise DomainError("policy.value_invalid", f"{label}只能是一级到五级", field=spec.name)
        return levels
    if spec.kind == "lines":
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise DomainError("policy.value_invalid", f"{label}应为逐行填写的列表", field=spec.name)
        lines = [str(v).strip() for v in value if str(v).strip()]
        if not lines or any(len(v) > 100 for v in lines):
            raise DomainError(
                "policy.value_invalid", f"{label}至少填写一项，每项不超过100字", field=spec.name
            )
        return lines
    number = _bounded(kind, spec, value)
    return number if spec.kind == "rate" else int(number)


def policy_values_clean(kind: PolicyKind, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of the kind checked; unknown names are refused rather than ignored."""
    known = {spec.name for spec in kind.fields}
    for name in values:
        if name not in known:
            raise DomainError(
                "policy.value_unknown", f"“{name}”不是{kind.label}的设置项", field=name
            )
    cleaned = {
        spec.name: policy_value_clean(kind, spec, values.get(spec.name)) for spec in kind.fields
    }
    if kind.key == "filing":
        _check_due_date(kind, cleaned)
    return cleaned


def _check_due_date(kind: PolicyKind, cleaned: Mapping[str, Any]) -> None:
    month, day = cleaned["annual_report_due_month"], cleaned["annual_report_due_day"]
    longest = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
    if day > longest:
        raise DomainError(
            "policy.value_out_of_range",
            f"{kind.label_of('annual_report_due_day')}：{month}月没有{day}日",
            field="annual_report_due_day",
        )


def percent_text(share: Any) -> str:
    """A share (0–1) as a percentage without trailing zeros: 0.200 → "20", 1 → "100"."""
    text = f"{Decimal(share) * 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def policy_value_text(spec: PolicyField, value: Any) -> str:
    """How a value reads on screen."""
    if spec.kind == "rate":
        return f"{percent_text(value)}%"
    if spec.kind == "bool":
        return "是" if value else "否"
    if spec.kind == "levels":
        return "、".join(LEVEL_NAMES.get(int(v), str(v)) for v in value) or "无"
    if spec.kind == "lines":
        return "、".join(str(v) for v in value) or "无"
    return str(value)


# --- what the settings pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class VersionView:
    row: VersionedPolicy
    own: bool  # the province's own version (False: the default rows' for all provinces)
    values: list[tuple[str, str]]  # (label, value as read)


@dataclass(frozen=True)
class KindView:
    kind: PolicyKind
    in_force: VersionView | None
    history: list[VersionView]

    @property
    def pending(self) -> bool:
        return self.in_force is not None and self.in_force.row.needs_verification


def _version_view(kind: PolicyKind, row: VersionedPolicy, own_value: str) -> VersionView:
    attr = "province_id" if kind.model.PROVINCE_IS_REGION else "province"
    return VersionView(
        row=row,
        own=str(getattr(row, attr)) == own_value,
        values=[
            (kind.label_of(spec.name), policy_value_text(spec, getattr(row, spec.name)))
            for spec in kind.fields
        ],
    )


def policy_kind_view(kind: PolicyKind, *, province: str, on: dt.date) -> KindView:
    """The version in force on `on` and every version, newest first, for one province."""
    model = kind.model
    own_value = province_value(model, province)
    in_force = policy_in_force(model, province=province, on=on)
    return KindView(
        kind=kind,
        in_force=_version_view(kind, in_force, own_value) if in_force is not None else None,
        history=[
            _version_view(kind, row, own_value) for row in policy_history(model, province=province)
        ],
    )


def policy_initial(kind: PolicyKind, *, province: str, on: dt.date) -> dict[str, Any]:
    """The values in force, to start the form for the next version from."""
    row = policy_in_force(kind.model, province=province, on=on)
    if row is None:
        return {}
    return {spec.name: getattr(row, spec.name) for spec in kind.fields}
