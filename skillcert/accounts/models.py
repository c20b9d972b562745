from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from skillcert.accounts.choices import OFFICER_ROLES, ORG_ROLES, Role  # noqa: F401
from skillcert.common.fields import ref_fk


class User(AbstractUser):
    """Platform account. Names are single-field (Chinese names are not first/last)."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username


REGION_ROLES = OFFICER_ROLES


class RoleAssignment(models.Model):
    """A role held by a user within a scope: officers over a region, organisation staff
    over one organisation. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    region = ref_fk("regions.Region", "管辖地区", optional=True)
    organization = ref_fk(
        "organizations.EvaluationOrg", "所属机构", optional=True, related_name="staff_roles"
    )
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.CheckConstraint(
                name="officer_role_has_region",
                condition=~Q(role__in=["province_officer", "city_officer"])
                | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="org_role_has_organization",
                condition=~Q(role__in=["org_admin", "org_clerk"]) | Q(organization__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "organization"], name="unique_role_assignment"
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.region or ""
        return f"{self.get_role_display()} {scope}".strip()


class ApiToken(models.Model):
    """Bearer token for the API. Only the SHA-256 of the token is stored; the token itself
    is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Tokens expire: a leaked one stops working on its own (old rows: expired, reissue).
    expires_at = models.DateTimeField("有效期至", null=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} / {self.name}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class TotpEnrolmentCode(models.Model):
    """A one-time code an administrator gives an officer to bind (or re-bind) an
    authenticator: the password alone must not be enough to choose the second factor. Only a
    hash is stored; one live code per user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_enrolment")
    digest = models.CharField(max_length=128)
    issued_by = models.CharField("签发人", max_length=150)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)

    class Meta:
        verbose_name = "身份验证器绑定码"
        verbose_name_plural = "身份验证器绑定码"

    def __str__(self) -> str:
        return f"{self.user} 绑定码"
