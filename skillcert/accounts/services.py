"""Account writes: creating users, granting and revoking roles, API tokens, passwords."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.models import (
    OFFICER_ROLES,
    ORG_ROLES,
    ApiToken,
    Role,
    RoleAssignment,
    User,
)
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import validate_mobile
from skillcert.organizations.models import EvaluationOrg
from skillcert.regions.models import Region, RegionLevel


def user_create(
    *,
    username: str,
    password: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    actor: Any,
    is_superuser: bool = False,
) -> User:
    username = username.strip()
    if not username:
        raise DomainError("user.username_required", "请填写用户名", field="username")
    if phone:
        phone = validate_mobile(phone)
    user = User(
        username=username,
        full_name=full_name.strip(),
        phone=phone,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("user.password_weak", "；".join(exc.messages), field="password") from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit_record(
                actor=actor,
                action="user.create",
                obj=user,
                changes={"username": [None, username], "is_superuser": [None, is_superuser]},
            )
    except IntegrityError:
        raise DomainError(
            "user.username_taken", f"用户名“{username}”已被使用", field="username"
        ) from None
    return user


def role_grant(
    *,
    user: User,
    role: str,
    actor: Any,
    region: Region | None = None,
    organization: EvaluationOrg | None = None,
) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError("role.unknown", f"未知角色“{role}”", field="role")
    if role in OFFICER_ROLES:
        if region is None:
            raise DomainError(
                "role.region_required", "人社部门角色必须指定管辖地区", field="region"
            )
        expected = RegionLevel.PROVINCE if role == Role.PROVINCE_OFFICER else RegionLevel.PREFECTURE
        if region.level != expected:
            raise DomainError(
                "role.region_level",
                f"{Role(role).label}的管辖地区应为{RegionLevel(expected).label}行政区",
                field="region",
            )
    if role in ORG_ROLES and organization is None:
        raise DomainError(
            "role.organization_required", "机构角色必须指定所属机构", field="organization"
        )
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            region=region if role in OFFICER_ROLES else None,
            organization=organization if role in ORG_ROLES else None,
            defaults={"active": True},
        )
        if not created and not assignment.active:
            assignment.active = True
            assignment.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="role.grant",
            obj=assignment,
            changes={"user": [None, user.pk], "role": [None, role]},
        )
    return assignment


def role_revoke(*, assignment: RoleAssignment, actor: Any) -> None:
    with transaction.atomic():
        RoleAssignment.objects.filter(pk=assignment.pk).update(active=False)
        audit_record(
            actor=actor, action="role.revoke", obj=assignment, changes={"active": [True, False]}
        )


def api_token_create(*, user: User, name: str, actor: Any) -> str:
    """Returns the token once; only its digest is stored."""
    token = "sc_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(user=user, name=name[:64], digest=ApiToken.digest_of(token))
        audit_record(actor=actor, action="api_token.create", obj=row)
    return token


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """Changing the password rotates the session hash, which logs out every other session."""
    if not user.check_password(old_password):
        raise DomainError("password.old_wrong", "原密码不正确", field="old_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError("password.weak", "；".join(exc.messages), field="new_password") from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="user.password_change", obj=user)


def totp_device_for(*, user: User) -> TOTPDevice:
    """The user's TOTP device, created unconfirmed on first use (enrolment)."""
    device = TOTPDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="默认身份验证器", confirmed=False)
    return device


def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip()):
        return False
    if not device.confirmed:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=user, action="user.totp_enrol", obj=user)
    return True


def requires_second_factor(user: Any) -> bool:
    from skillcert.accounts.scope import scope_for

    return bool(user.is_authenticated and scope_for(user).is_officer)
