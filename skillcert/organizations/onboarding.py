"""Bringing an organisation onto the platform: the province registers it together with its
first administrator account, and the organisation's administrator (or the province) opens and
closes its staff accounts. Each account is an accounts.User with an organisation role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.accounts.choices import ORG_ROLES, Role
from skillcert.accounts.selectors import organization_account, organization_accounts
from skillcert.accounts.services import role_grant, role_revoke, user_create
from skillcert.common.errors import DomainError, Forbidden
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.permissions import is_province_officer_over
from skillcert.organizations.services import organization_create

if TYPE_CHECKING:
    from skillcert.accounts.models import RoleAssignment, User
    from skillcert.regions.models import Region


def _require_province_over_region(actor: Actor, region: Region) -> None:
    scope = actor_scope(actor)
    if not (
        scope.is_platform
        or (scope.has_role(Role.PROVINCE_OFFICER) and scope.covers_region_code(region.code))
    ):
        raise Forbidden("org.register_forbidden", "新评价机构由所在省的省级人社部门登记")


def _require_account_manager(actor: Actor, org: EvaluationOrg) -> None:
    """The organisation's own administrator, or the province over it."""
    scope = actor_scope(actor)
    if is_province_officer_over(scope, org):
        return
    user = actor_user(actor)
    if user is not None and org.pk in scope.organization_ids and scope.has_role(Role.ORG_ADMIN):
        return
    raise Forbidden("org.accounts_forbidden", "只有本机构管理员或省级人社部门可以管理机构账号")


def _role_checked(role: str) -> str:
    if role not in ORG_ROLES:
        raise DomainError("org.account_role", "机构账号的角色应为管理员或经办人", field="role")
    return role


def organization_register(
    *,
    name: str,
    kind: str,
    uscc: str,
    region: Region,
    admin_username: str,
    admin_full_name: str,
    admin_password: str,
    actor: Actor,
    admin_phone: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> EvaluationOrg:
    """A new organisation and its first administrator, both or neither. It is not filed yet:
    the administrator logs in and applies for filing (备案) with its scope."""
    _require_province_over_region(actor, region)
    if not admin_full_name.strip():
        raise DomainError("user.full_name_required", "请填写管理员姓名", field="admin_full_name")
    with transaction.atomic():
        org = organization_create(
            name=name,
            kind=kind,
            uscc=uscc,
            region=region,
            actor=actor,
            contact_name=contact_name,
            contact_phone=contact_phone,
            address=address,
        )
        _account_open(
            org=org,
            username=admin_username,
            full_name=admin_full_name,
            password=admin_password,
            phone=admin_phone,
            role=Role.ORG_ADMIN,
            actor=actor,
            field_prefix="admin_",
        )
    return org


def _account_open(
    *,
    org: EvaluationOrg,
    username: str,
    full_name: str,
    password: str,
    phone: str,
    role: str,
    actor: Actor,
    field_prefix: str = "",
) -> User:
    try:
        user = user_create(
            username=username, password=password, full_name=full_name, phone=phone, actor=actor
        )
    except DomainError as exc:
        field = f"{field_prefix}{exc.field}" if exc.field else None
        raise DomainError(exc.code, exc.message, field=field) from None
    role_grant(user=user, role=role, organization=org, actor=actor)
    return user


def org_account_add(
    *,
    org: EvaluationOrg,
    username: str,
    full_name: str,
    password: str,
    role: str,
    actor: Actor,
    phone: str = "",
) -> User:
    """A staff account of the organisation (经办人 or another administrator)."""
    _require_account_manager(actor, org)
    role = _role_checked(role)
    if not full_name.strip():
        raise DomainError("user.full_name_required", "请填写姓名", field="full_name")
    with transaction.atomic():
        return _account_open(
            org=org,
            username=username,
            full_name=full_name,
            password=password,
            phone=phone,
            role=role,
            actor=actor,
        )


def org_account_close(*, org: EvaluationOrg, assignment_id: int, actor: Actor) -> RoleAssignment:
    """End one staff role of the organisation. Nobody closes their own role (an organisation
    cannot lock itself out by accident), and the last administrator stays."""
    _require_account_manager(actor, org)
    assignment = organization_account(organization_id=org.pk, pk=assignment_id)
    if assignment is None:
        raise DomainError("org.account_missing", "该账号不属于本机构或已停用", field="account")
    user = actor_user(actor)
    if user is not None and assignment.user_id == user.pk:
        raise DomainError("org.account_self", "不能停用自己的账号角色", field="account")
    if assignment.role == Role.ORG_ADMIN:
        others = organization_accounts(organization_id=org.pk).filter(role=Role.ORG_ADMIN)
        if not others.exclude(pk=assignment.pk).exists():
            raise DomainError("org.account_last_admin", "机构至少保留一名管理员", field="account")
    role_revoke(assignment=assignment, actor=actor)
    return assignment
