"""Account reads."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.models import OFFICER_ROLES, User


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
