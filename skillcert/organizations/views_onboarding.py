"""Registering a new organisation with its first administrator (province), and the
organisation's staff accounts (its administrator or the province). Thin: one service each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.choices import Role
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.accounts.selectors import organization_accounts
from skillcert.common.service_runner import run_action, run_form, run_service
from skillcert.organizations import onboarding
from skillcert.organizations.forms import OrgAccountForm, OrganizationRegisterForm
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permissions import is_province_officer_over
from skillcert.organizations.selectors import organizations_visible
from skillcert.regions.selectors import region_by_code


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_platform or scope.has_role(Role.PROVINCE_OFFICER)):
        raise PermissionDenied("新评价机构由省级人社部门登记")
    form = OrganizationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = region_by_code(code=data["region"].strip(), active_only=True)
        if region is None:
            form.add_error("region", "行政区划代码不存在或已撤销")
        else:
            done = run_service(
                request,
                lambda: onboarding.organization_register(
                    **{**data, "region": region}, actor=request_actor(request)
                ),
                form=form,
                success=lambda org: f"已登记“{org.name}”，管理员可登录后申请备案",
                next=lambda org: reverse("organizations:detail", args=[org.pk]),
            )
            if done:
                return done
    return render(request, "organizations/org_new.html", {"form": form})


def _managed_org(request: HttpRequest, pk: int) -> EvaluationOrg:
    scope = scope_for(request.user)
    org = get_object_in_scope(organizations_visible(scope=scope), pk=pk)
    manager = is_province_officer_over(scope, org) or (
        org.pk in scope.organization_ids and scope.has_role(Role.ORG_ADMIN)
    )
    if not manager:
        raise PermissionDenied("只有本机构管理员或省级人社部门可以管理机构账号")
    return org


def _accounts_url(org: EvaluationOrg) -> str:
    return reverse("organizations:accounts", args=[org.pk])


@login_required
@require_http_methods(["GET", "POST"])
def org_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed_org(request, pk)
    form = OrgAccountForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda d: onboarding.org_account_add(org=org, **d, actor=request_actor(request)),
        success=lambda user: f"已开通账号 {user.username}",
        next=_accounts_url(org),
    )
    if done:
        return done
    accounts = organization_accounts(organization_id=org.pk)
    return render(
        request, "organizations/org_accounts.html", {"org": org, "accounts": accounts, "form": form}
    )


@login_required
@require_POST
def org_account_close(request: HttpRequest, pk: int, account: int) -> HttpResponse:
    org = _managed_org(request, pk)
    return run_action(
        request,
        lambda: onboarding.org_account_close(
            org=org, assignment_id=account, actor=request_actor(request)
        ),
        success=lambda a: f"已停用 {a.user.username} 的{a.get_role_display()}角色",
        next=_accounts_url(org),
    )
