"""Account reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.models import OFFICER_ROLES, ApiToken, RoleAssignment, User

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable


def officers_without_authenticator() -> QuerySet[User]:
    """Active people who must pass the second factor (officers and platform administrators)
    and have not bound an authenticator yet, with their live binding code if one was
    issued."""
    bound = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    officers = Q(is_superuser=True) | Q(roles__role__in=sorted(OFFICER_ROLES), roles__active=True)
    return (
        User.objects.filter(officers, is_active=True)
        .exclude(pk__in=bound)
        .distinct()
        .select_related("totp_enrolment")
        .order_by("username")
    )


def officers_over_region(*, region_code: str) -> list[User]:
    """The users holding an active officer role over the division `region_code`, by id."""

    assignments = RoleAssignment.objects.filter(
        active=True, role__in=sorted(OFFICER_ROLES), region__isnull=False
    ).select_related("user", "region")
    officers = {a.user for a in assignments if a.region and region_code.startswith(a.region.prefix)}
    return sorted(officers, key=lambda u: u.pk)


def role_assignments_held(
    *, user: User, roles: list[str]
) -> list[tuple[str, str | None, int | None]]:
    """(role, region code, organisation id) of the user's active assignments among `roles`."""
    return list(
        user.roles.filter(active=True, role__in=roles).values_list(
            "role", "region_id", "organization_id"
        )
    )


def users_all() -> QuerySet[User]:
    """Every account, unscoped (a view fetches one by id through `get_object_in_scope`)."""
    return User.objects.all()


def user_active_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def organization_staff_count(*, organization_ids: Iterable[int]) -> int:
    """How many people hold an active role in these organisations."""

    return (
        RoleAssignment.objects.filter(organization_id__in=organization_ids, active=True)
        .values("user")
        .distinct()
        .count()
    )


def api_token_live(*, token: str, now: dt.datetime) -> ApiToken | None:
    """The unrevoked, unexpired token with this secret, of an active user, or None."""

    return (
        ApiToken.objects.select_related("user")
        .filter(
            digest=ApiToken.digest_of(token),
            revoked=False,
            user__is_active=True,
            expires_at__gt=now,
        )
        .first()
    )


def organization_accounts(*, organization_id: int) -> QuerySet[RoleAssignment]:
    """The organisation's active staff roles with their users, administrators first."""
    return (
        RoleAssignment.objects.filter(organization_id=organization_id, active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )


def organization_account(*, organization_id: int, pk: int) -> RoleAssignment | None:
    return organization_accounts(organization_id=organization_id).filter(pk=pk).first()


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
