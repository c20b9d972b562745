"""Account writes: creating users, granting and revoking roles, API tokens, passwords."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.actors import Actor, SystemActor, actor_ref, actor_scope, actor_user
from skillcert.accounts.models import (
    OFFICER_ROLES,
    ORG_ROLES,
    ApiToken,
    Role,
    RoleAssignment,
    TotpEnrolmentCode,
    User,
)
from skillcert.accounts.scope import scope_for
from skillcert.audit.services import audit_record, audited_create, rows_sha256
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.identifiers import validate_mobile
from skillcert.regions.selectors import region_level_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from skillcert.organizations.models import EvaluationOrg
    from skillcert.regions.models import Region


def user_create(
    *,
    username: str,
    password: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    actor: Actor,
    is_superuser: bool = False,
    password_hash: str = "",
) -> User:
    """An account with `password` (checked against the password rules, then hashed).
    A trusted process creating many accounts that share one password it has checked and
    hashed once (the simulation's printed demo password) may pass `password_hash` instead:
    PBKDF2 costs a quarter of a second or more per hash by design, and is never skipped for
    a password a person types; nobody else may hand in a hash."""
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
    if password_hash:
        user.password = password_hash_check(password_hash, actor=actor)
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(
                "user.password_weak", "；".join(exc.messages), field="password"
            ) from None
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


def password_hash_check(password_hash: str, *, actor: Actor) -> str:
    """`password_hash` when a trusted process hands it in and one of the configured hashers
    made it (a usable password); refused otherwise. Not a service: `user_create` and
    `candidate_register` ask it before storing a hash they did not compute."""
    if not (isinstance(actor, SystemActor) and actor.trusted):
        raise Forbidden("user.password_hash_forbidden", "只有系统进程可以提交已散列的密码")
    try:
        identify_hasher(password_hash)
    except ValueError:
        raise DomainError(
            "user.password_hash_invalid", "密码散列值格式无法识别", field="password"
        ) from None
    return password_hash


@dataclass(frozen=True)
class NewAccount:
    """One row of a roster of accounts to create (`users_create_bulk`)."""

    username: str
    full_name: str
    phone: str = ""


# Django's own limits for a username (AbstractUser: 150, UnicodeUsernameValidator) and the
# model's for a name.
USERNAME_MAX, FULL_NAME_MAX = 150, 64
USERNAME_CHARS = re.compile(r"[\w.@+-]+")


def _roster_user(line: int, row: NewAccount) -> User:
    """One roster row checked (a username within Django's limits, the mobile number, a name
    that fits); the unsaved account, its password unusable."""
    username = row.username.strip()
    if not username:
        raise DomainError(
            "user.username_required", f"第{line}个账户：请填写用户名", field="username"
        )
    try:
        phone = validate_mobile(row.phone) if row.phone else ""
    except DomainError as exc:
        raise DomainError(exc.code, f"用户名“{username}”：{exc.message}", field=exc.field) from None
    full_name = row.full_name.strip()
    if len(username) > USERNAME_MAX or not USERNAME_CHARS.fullmatch(username):
        raise DomainError(
            "user.username_invalid",
            f"第{line}个账户：用户名应为不超过{USERNAME_MAX}个字母、数字或 @.+-_ 字符",
            field="username",
        )
    if len(full_name) > FULL_NAME_MAX:
        raise DomainError(
            "user.full_name_too_long",
            f"用户名“{username}”：姓名不能超过{FULL_NAME_MAX}个字",
            field="full_name",
        )
    user = User(username=username, full_name=full_name, phone=phone)
    user.set_unusable_password()
    return user


def _usernames_free(names: list[str]) -> None:
    """Refuse a username listed twice or taken already."""
    first_line: dict[str, int] = {}
    for line, name in enumerate(names, start=1):
        if name in first_line:
            raise DomainError(
                "user.username_taken",
                f"用户名“{name}”在名单中重复",
                field="username",
            )
        first_line[name] = line
    taken = sorted(User.objects.filter(username__in=names).values_list("username", flat=True))
    if taken:
        raise DomainError(
            "user.username_taken",
            f"用户名“{taken[0]}”已被使用",
            field="username",
        )


def _users_insert(users: list[User], names: list[str], actor: Actor) -> None:
    """One INSERT of the accounts and the audit event committing to every row."""
    try:
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=500)
            if any(u.pk is None for u in users):  # backends that return no ids
                by_name = dict(
                    User.objects.filter(username__in=names).values_list("username", "pk")
                )
                for u in users:
                    u.pk = by_name[u.username]
            rows = [
                {"id": u.pk, "username": u.username, "full_name": u.full_name, "phone": u.phone}
                for u in users
            ]
            audit_record(
                actor=actor,
                action="user.create_bulk",
                object_type="accounts.user",
                object_id=f"{users[0].pk}-{users[-1].pk}",
                object_repr=f"批量创建账户 {len(users)} 个",
                changes={
                    "usernames": [None, names],
                    "count": [None, len(users)],
                    "rows_sha256": [None, rows_sha256(rows)],
                },
            )
    except IntegrityError:
        raise DomainError(
            "user.username_taken", "名单中有用户名已被他人同时使用，请重试", field="username"
        ) from None


def users_create_bulk(*, accounts: Sequence[NewAccount], actor: Actor) -> list[User]:
    """Accounts created from a roster (an organisation's markers, examiners): one INSERT and
    one audit event that commits to every row (the SHA-256 of the rows' canonical JSON).
    Each account gets an unusable password, so none can sign in until its holder sets one
    through the password reset an administrator starts; hashing is never skipped for an
    account that has a password. All or nothing: a taken or blank username refuses the
    whole roster."""
    users = [_roster_user(line, row) for line, row in enumerate(accounts, start=1)]
    names = [u.username for u in users]
    _usernames_free(names)
    if not users:
        return []
    _users_insert(users, names, actor)
    return users


def role_grant(
    *,
    user: User,
    role: str,
    actor: Actor,
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
        # Division levels as stored on regions.Region (GB/T 2260).
        expected = "province" if role == Role.PROVINCE_OFFICER else "prefecture"
        if region.level != expected:
            raise DomainError(
                "role.region_level",
                f"{Role(role).label}的管辖地区应为{region_level_label(level=expected)}行政区",
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


def role_revoke(*, assignment: RoleAssignment, actor: Actor) -> None:
    with transaction.atomic():
        RoleAssignment.objects.filter(pk=assignment.pk).update(active=False)
        audit_record(
            actor=actor, action="role.revoke", obj=assignment, changes={"active": [True, False]}
        )


API_TOKEN_DAYS = 90


def api_token_create(
    *, user: User, name: str, actor: Actor, second_factor_verified: bool, days: int = API_TOKEN_DAYS
) -> str:
    """Returns the token once; only its digest is stored. The token expires after `days`; an
    officer (who needs a second factor to log in) gets one only from a session that passed it,
    since the token will skip it."""
    name = name.strip()
    if not name or len(name) > 64:
        raise DomainError("api_token.name", "请填写令牌用途（不超过64个字）", field="name")
    if not 1 <= days <= 365:
        raise DomainError("api_token.days", "有效期应为 1–365 天", field="days")
    if requires_second_factor(user) and not second_factor_verified:
        raise DomainError(
            "api_token.second_factor_required", "请先完成动态口令验证，再创建 API 令牌"
        )
    token = "sc_" + secrets.token_urlsafe(32)
    audited_create(
        ApiToken,
        actor=actor,
        action="api_token.create",
        changes={"days": [None, days]},
        user=user,
        name=name,
        digest=ApiToken.digest_of(token),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token


def api_token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    """Stop a token at once: its owner, or a platform administrator."""
    user = actor_user(actor)
    if not (actor_scope(actor).is_platform or (user is not None and token.user_id == user.pk)):
        raise Forbidden("api_token.forbidden", "只能停用自己的 API 令牌")
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        audit_record(
            actor=actor, action="api_token.revoke", obj=token, changes={"revoked": [False, True]}
        )
    token.revoked = True
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Record when a token was last used: one column, never the row's other fields, so a
    token revoked or deleted meanwhile stays as it is."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


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


ENROLMENT_CODE_DAYS = 7
ENROLMENT_CODE_ATTEMPTS = 5
_ENROLMENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def totp_enrolment_issue(*, user: User, actor: Actor) -> str:
    """A one-time code with which `user` may bind an authenticator (first time, or after a
    lost phone: the old authenticator stops working at once). Issued by a platform
    administrator or an operator on the server; returned once, only its hash is stored."""
    # A trusted system actor is an operator on the server (the `totp` command, the demo).
    if not actor_scope(actor).is_platform:
        raise Forbidden("totp.enrolment_forbidden", "只有平台管理员可以签发身份验证器绑定码")
    person = actor_user(actor)
    issuer = person.get_username() if person is not None else actor_ref(actor)
    code = "".join(secrets.choice(_ENROLMENT_ALPHABET) for _ in range(12))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TotpEnrolmentCode.objects.update_or_create(
            user=user,
            defaults={
                "digest": make_password(code),
                "issued_by": str(issuer)[:150],
                "expires_at": timezone.now() + dt.timedelta(days=ENROLMENT_CODE_DAYS),
                "attempts": 0,
            },
        )
        audit_record(actor=actor, action="user.totp_enrolment_issue", obj=user)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def totp_enrolment_redeem(*, user: User, code: str) -> None:
    """Spend the user's enrolment code (the view then shows the new authenticator's key).
    Five wrong codes spend it too."""
    typed = code.replace("-", "").replace(" ", "").strip().upper()
    # The counting is committed before the refusal is raised (an exception inside the atomic
    # block would roll the attempt back).
    with transaction.atomic():
        row = TotpEnrolmentCode.objects.select_for_update().filter(user=user).first()
        if row is None or row.expires_at <= timezone.now():
            outcome = "missing"
        elif typed and len(typed) <= 32 and check_password(typed, row.digest):
            row.delete()
            audit_record(actor=user, action="user.totp_enrolment_redeem", obj=user)
            return
        else:
            row.attempts += 1
            if row.attempts >= ENROLMENT_CODE_ATTEMPTS:
                row.delete()
                audit_record(actor=user, action="user.totp_enrolment_locked", obj=user)
                outcome = "locked"
            else:
                row.save(update_fields=["attempts"])
                outcome = "wrong"
    if outcome == "missing":
        raise DomainError(
            "totp.enrolment_missing",
            "没有有效的绑定码：请联系平台管理员签发身份验证器绑定码",
            field="enrolment_code",
        )
    if outcome == "locked":
        raise DomainError(
            "totp.enrolment_locked",
            "绑定码错误次数过多，已作废：请联系平台管理员重新签发",
            field="enrolment_code",
        )
    raise DomainError(
        "totp.enrolment_wrong", "绑定码不正确，请核对后重新输入", field="enrolment_code"
    )


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


def requires_second_factor(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and scope_for(user).is_officer)
