from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from skillcert.accounts.models import Role
from skillcert.accounts.scope import scope_for
from skillcert.itembank.selectors import bank_scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in user's roles."""
    user = getattr(request, "user", None)
    scope = scope_for(user)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        items.append(("工作台", reverse("common:dashboard")))
        if scope.is_officer or scope.is_org_staff:
            items.append(("评价机构", reverse("organizations:list")))
        if scope.is_officer:
            items.append(("审计日志", reverse("audit:list")))
            items.append(("工作日历", reverse("workdays:calendar")))
        if scope.is_platform:
            items.append(("系统管理", reverse("admin:index")))
    items.append(("职业目录", reverse("occupations:catalogue")))
    items.append(("机构名录", reverse("directory:list")))
    items.append(("申报条件自测", reverse("eligibility:check")))
    if scope.is_officer or scope.is_org_staff:
        items.append(("考评人员", reverse("personnel:list")))
    elif scope.has_role(Role.EXAMINER) or scope.has_role(Role.SUPERVISOR):
        items.append(("考评员资格", reverse("personnel:me")))
    if scope.is_officer or bank_scope(user).any_role:
        items.append(("题库", reverse("itembank:list")))
    if scope.has_role(Role.CANDIDATE):
        items.append(("我的申报", reverse("applications:mine")))
    if scope.is_officer or scope.is_org_staff:
        items.append(("申报审核", reverse("applications:review")))
    role_labels = [Role(r).label for r in sorted(scope.roles)]
    if scope.is_platform:
        role_labels.insert(0, "平台管理员")
    return {"nav_items": items, "nav_roles": role_labels, "scope": scope}
