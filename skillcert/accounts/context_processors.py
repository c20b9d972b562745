from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from skillcert.accounts.models import Role
from skillcert.accounts.navigation import nav_visible
from skillcert.accounts.scope import Scope, scope_for


def _certificates_label(scope: Scope) -> str:
    """The certificates list is the province's registry (证书管理); for a candidate it is 我的证书
    (the page's heading) under the menu's short 证书."""
    return "证书管理" if scope.is_province_officer else "证书"


def _menu(user: Any, scope: Scope) -> list[tuple[str, str]]:
    """The header's entries: the work of the user's roles, in the menu's order."""
    signed_in = user is not None and user.is_authenticated
    staff = scope.is_officer or scope.is_org_staff
    items: list[tuple[str, str]] = []
    if signed_in:
        items.append(("工作台", reverse("workbench:dashboard")))
    if staff:
        items.append(("评价机构", reverse("organizations:list")))
        items.append(("考评人员", reverse("personnel:list")))
    elif scope.has_role(Role.EXAMINER) or scope.has_role(Role.SUPERVISOR):
        items.append(("考评员资格", reverse("personnel:me")))
    if scope.has_role(Role.EXAMINER):
        items.append(("评分任务", reverse("scoring:work")))
        items.append(("考务任务", reverse("exams:my_duties")))
    if nav_visible("itembank:list", user):
        items.append(("题库", reverse("itembank:list")))
    if scope.has_role(Role.CANDIDATE):
        items.append(("我的申报", reverse("applications:mine")))
        items.append(("准考证", reverse("exams:my_tickets")))
        items.append(("我的成绩", reverse("scoring:my_results")))
    if staff:
        items.append(("评价计划", reverse("plans:list")))
        items.append(("申报审核", reverse("applications:review")))
        items.append(("考务", reverse("exams:list")))
        # The province registers results (登记备案); organisations and cities follow batches.
        batches = "成绩登记" if scope.is_province_officer else "成绩批次"
        items.append((batches, reverse("scoring:batches")))
    if nav_visible("scoring:enterprise_plans", user):
        items.append(("企业评价", reverse("scoring:enterprise_plans")))
    if scope.is_org_staff or scope.is_platform:
        items.append(("证书签发", reverse("certificates:issue")))
    if signed_in:
        items.append((_certificates_label(scope), reverse("certificates:list")))
    if scope.is_officer:
        items.append(("质量督导", reverse("supervision:home")))
        items.append(("统计", reverse("reporting:statistics")))
    if scope.is_province_officer:
        items.append(("审计日志", reverse("audit:list")))
        items.append(("省级设置", reverse("workbench:settings")))
        items.append(("数据交换", reverse("exchange:overview")))
    if scope.is_officer:
        items.append(("工作日历", reverse("workdays:calendar")))
    if scope.is_platform:
        items.append(("系统管理", reverse("admin:index")))
        items.append(("绑定码", reverse("accounts:totp_codes")))
    return items


def _public_services() -> list[tuple[str, str]]:
    """The strip below the header, the same for everyone."""
    return [
        ("职业目录", reverse("occupations:catalogue")),
        ("机构名录", reverse("directory:list")),
        ("申报条件自测", reverse("eligibility:check")),
        ("成绩查询", reverse("scoring:query")),
        ("证书查询", reverse("certificates:query")),
        ("投诉举报", reverse("supervision:complaint_public")),
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries: the work of the signed-in user's roles in the header, the public
    services (catalogue, directory, self-check, queries, complaints) in the strip below it."""
    user = getattr(request, "user", None)
    scope = scope_for(user)
    role_labels = [Role(r).label for r in sorted(scope.roles)]
    if scope.is_platform:
        role_labels.insert(0, "平台管理员")
    return {
        "nav_items": _menu(user, scope),
        "nav_public": _public_services(),
        "nav_roles": role_labels,
        "scope": scope,
    }
