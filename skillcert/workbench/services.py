"""The province settings area's writes: a new version of a province's rule values, the
confirmation of a value flagged 待核实, and the publication of rule documents (application
conditions, examiner qualifications) from the settings pages.

A version is never edited: recording adds a row that takes effect on its date (today at the
earliest, in Beijing time), and the rules already applied keep the version they were applied
with (`common.policies.policy_in_force`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml
from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.policies import (
    document_no_check,
    effective_date_check,
    policy_in_force,
    province_value,
)
from skillcert.eligibility.services import rule_set_publish
from skillcert.personnel.services import qualification_rule_publish
from skillcert.workbench.policy_kinds import policy_kind_of, policy_values_clean

if TYPE_CHECKING:
    from skillcert.common.policies import VersionedPolicy
    from skillcert.eligibility.models import RuleSet
    from skillcert.personnel.models import QualificationRule

# The columns every version carries; the rest are the rule values (shown or copied forward).
_VERSION_COLUMNS = {
    "id",
    "province",
    "effective_from",
    "document_no",
    "needs_verification",
    "confirmed_by",
    "confirmed_at",
    "recorded_by",
    "recorded_at",
}


def _province_code(province: str) -> str:
    code = (province or "").strip()[:2]
    if not (len(code) == 2 and code.isdigit()):
        raise DomainError("policy.province_invalid", "请选择省份", field="province")
    return code


def _require_editor(actor: Actor, province: str) -> None:
    """The province's officers set its rules; the default rows (no province) are the
    platform's."""
    scope = actor_scope(actor)
    if scope.is_platform:
        return
    if not (province and scope.is_province_officer and scope.covers_region_code(province)):
        raise Forbidden("policy.forbidden", "只有本省人社部门可以设置本省的规则")


def policy_version_record(
    *,
    model: type[VersionedPolicy],
    province: str,
    values: Mapping[str, Any],
    effective_from: dt.date | None,
    document_no: str,
    actor: Actor,
    needs_verification: bool = False,
    today: dt.date | None = None,
) -> VersionedPolicy:
    """A new version of the province's values of `model`, in force from `effective_from`."""
    kind = policy_kind_of(model)
    code = _province_code(province)
    _require_editor(actor, code)
    day = today or timezone.localdate()
    start = effective_date_check(effective_from=effective_from, today=day)
    number = document_no_check(document_no)
    cleaned = policy_values_clean(kind, values)
    with transaction.atomic():
        current = policy_in_force(model, province=code, on=start)
        carried: dict[str, Any] = {}
        if current is not None:
            for field in model._meta.concrete_fields:
                if field.name not in _VERSION_COLUMNS and field.name not in cleaned:
                    carried[field.attname] = getattr(current, field.attname)
        row = model(
            **carried,
            **cleaned,
            effective_from=start,
            document_no=number,
            needs_verification=needs_verification,
            recorded_by=actor_user(actor),
            recorded_at=timezone.now(),
        )
        if model.PROVINCE_IS_REGION:
            row.province_id = province_value(model, code)  # type: ignore[attr-defined]
        else:
            row.province = code  # type: ignore[attr-defined]
        row.save()
        audit_record(
            actor=actor,
            action="policy.version_record",
            obj=row,
            changes={
                "kind": [None, kind.key],
                "province": [None, code],
                "effective_from": [None, start],
                "document_no": [None, number],
                "needs_verification": [None, needs_verification],
                **{
                    name: [getattr(current, name) if current is not None else None, value]
                    for name, value in cleaned.items()
                },
            },
        )
    return row


def policy_version_confirm(
    *, model: type[VersionedPolicy], version_id: int, actor: Actor
) -> VersionedPolicy:
    """An officer confirms a value flagged 待核实 against the province's own document."""
    kind = policy_kind_of(model)
    with transaction.atomic():
        row = model._default_manager.select_for_update().filter(pk=version_id).first()
        if row is None:
            raise DomainError("policy.not_found", f"{kind.label}的该版本不存在", field="version")
        province = str(getattr(row, "province_id" if model.PROVINCE_IS_REGION else "province"))
        _require_editor(actor, province[:2])
        if not row.needs_verification:
            raise DomainError(
                "policy.not_pending", f"{kind.label}的该版本无需核实（已核实或非待核实）"
            )
        row.needs_verification = False
        row.confirmed_by = actor_user(actor)
        row.confirmed_at = timezone.now()
        row.save(update_fields=["needs_verification", "confirmed_by", "confirmed_at"])
        audit_record(
            actor=actor,
            action="policy.version_confirm",
            obj=row,
            changes={"kind": [None, kind.key], "needs_verification": [True, False]},
        )
    return row


# --- rule documents ---------------------------------------------------------------------------


def _document(text: str) -> Any:
    if not (text or "").strip():
        raise DomainError("rules.document_required", "请填写规则文件内容", field="document")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise DomainError(
            "rules.document_unreadable", f"规则文件{where}格式有误，无法读取", field="document"
        ) from None


def rule_set_document_publish(*, text: str, note: str, actor: Actor) -> RuleSet:
    """A new version of a rule set of application conditions, from its YAML document. A
    province officer publishes only rules for the own province; national rules are the
    platform's."""
    document = _document(text)
    province = str(document.get("province") or "") if isinstance(document, dict) else ""
    scope = actor_scope(actor)
    if not scope.is_platform and not (
        province and scope.is_province_officer and scope.covers_region_code(province)
    ):
        raise Forbidden(
            "policy.forbidden", "省级人社部门只能发布本省的申报条件（province 填本省代码）"
        )
    return rule_set_publish(document=document, actor=actor, note=note)


def qualification_rule_document_publish(*, text: str, actor: Actor) -> QualificationRule:
    """A new version of an examiner qualification rule, from its YAML document."""
    document = _document(text)
    if not isinstance(document, dict):
        raise DomainError("rules.document_unreadable", "规则文件应为键值结构", field="document")
    return qualification_rule_publish(document=document, actor=actor)
