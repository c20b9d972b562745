"""The application lifecycle as a table of named transitions. Services move an application
only through `transition_apply`; nothing else assigns `status`."""

from __future__ import annotations

from dataclasses import dataclass

from skillcert.applications.models import Status, Tier
from skillcert.common.errors import DomainError
from skillcert.common.transitions import check_transition


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    tier: str = ""  # the review tier that takes it, if any
    label: str = ""


def _t(name: str, sources: set[str], target: str, tier: str = "", label: str = "") -> Transition:
    return Transition(name, frozenset(sources), target, tier, label)


_WITHDRAWABLE: set[str] = {
    Status.DRAFT,
    Status.ORG_REVIEW,
    Status.ORG_PASSED,
    Status.CITY_REVIEW,
    Status.CITY_PASSED,
    Status.RETURNED,
}

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", {Status.DRAFT}, Status.ORG_REVIEW, label="提交申报"),
        _t("resubmit", {Status.RETURNED}, Status.ORG_REVIEW, label="修改后重新提交"),
        _t("withdraw", _WITHDRAWABLE, Status.WITHDRAWN, label="撤回申报"),
        # 初审: every application; then either straight to the city (full review) or into the
        # pool the city samples from.
        _t("org_approve", {Status.ORG_REVIEW}, Status.CITY_REVIEW, Tier.ORG, "初审通过"),
        _t("org_approve_to_pool", {Status.ORG_REVIEW}, Status.ORG_PASSED, Tier.ORG, "初审通过"),
        _t("org_reject", {Status.ORG_REVIEW}, Status.REJECTED, Tier.ORG, "初审不通过"),
        _t("org_return", {Status.ORG_REVIEW}, Status.RETURNED, Tier.ORG, "初审退回"),
        _t("city_sampled", {Status.ORG_PASSED}, Status.CITY_REVIEW, Tier.CITY, "抽中复审"),
        _t("city_not_sampled", {Status.ORG_PASSED}, Status.CITY_PASSED, Tier.CITY, "未抽中复审"),
        _t("city_approve", {Status.CITY_REVIEW}, Status.PROVINCE_REVIEW, Tier.CITY, "复审通过"),
        _t("city_approve_to_pool", {Status.CITY_REVIEW}, Status.CITY_PASSED, Tier.CITY, "复审通过"),
        _t("city_reject", {Status.CITY_REVIEW}, Status.REJECTED, Tier.CITY, "复审不通过"),
        _t("city_return", {Status.CITY_REVIEW}, Status.RETURNED, Tier.CITY, "复审退回"),
        _t(
            "province_sampled",
            {Status.CITY_PASSED},
            Status.PROVINCE_REVIEW,
            Tier.PROVINCE,
            "抽中终审",
        ),
        _t(
            "province_not_sampled",
            {Status.CITY_PASSED},
            Status.APPROVED,
            Tier.PROVINCE,
            "未抽中终审",
        ),
        _t(
            "province_approve", {Status.PROVINCE_REVIEW}, Status.APPROVED, Tier.PROVINCE, "终审通过"
        ),
        _t(
            "province_reject",
            {Status.PROVINCE_REVIEW},
            Status.REJECTED,
            Tier.PROVINCE,
            "终审不通过",
        ),
        _t("province_return", {Status.PROVINCE_REVIEW}, Status.RETURNED, Tier.PROVINCE, "终审退回"),
    )
}

# status -> statuses reachable in one step, for check_transition and the docs
ALLOWED: dict[str, frozenset[str]] = {}
for _transition in TRANSITIONS.values():
    for _source in _transition.sources:
        ALLOWED[_source] = ALLOWED.get(_source, frozenset()) | {_transition.target}

# The status a tier's reviewers act on.
TIER_QUEUE_STATUS: dict[str, str] = {
    Tier.ORG: Status.ORG_REVIEW,
    Tier.CITY: Status.CITY_REVIEW,
    Tier.PROVINCE: Status.PROVINCE_REVIEW,
}


# The tier whose reviewers act on a status.
QUEUE_TIER: dict[str, str] = {status: tier for tier, status in TIER_QUEUE_STATUS.items()}


def transition_target(*, name: str, current: str) -> str:
    """The status `name` leads to from `current`, or DomainError naming both statuses."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise DomainError("application.transition_unknown", f"未知的操作“{name}”")
    labels = dict(Status.choices)
    if current not in transition.sources:
        check_transition(
            allowed={current: frozenset()}, current=current, target=transition.target, labels=labels
        )
    return transition.target
