from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from skillcert.accounts.forms import ApiTokenForm, LoginForm, OtpForm, PasswordChangeForm
from skillcert.accounts.models import User
from skillcert.accounts.scope import scope_for
from skillcert.accounts.selectors import api_tokens_of, officers_without_authenticator
from skillcert.accounts.services import (
    api_token_create,
    api_token_revoke,
    password_change,
    totp_confirm,
    totp_device_for,
    totp_enrolment_issue,
    totp_enrolment_redeem,
)
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.service_runner import run_action, run_service
from skillcert.common.throttle import THROTTLE, client_ip

# Failed logins per visitor address, across every username (django-axes locks one username
# after 5 failures; this stops one address trying many usernames). Generous enough for an
# office behind one NAT address.
LOGIN_FAILURES_PER_ADDRESS = "30/15m"


class SkillcertLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _login_failures_exceeded(request, count=False):
            return _login_throttled()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if _login_failures_exceeded(self.request, count=True):
            return _login_throttled()
        return super().form_invalid(form)


def _login_failures_exceeded(request: HttpRequest, *, count: bool) -> bool:
    """With `count`, record one more failure; True once the address has used up its
    allowance (checked before the password is, so even the right one is not tried). Counted
    exactly in the shared counters, every process and host together."""
    visitor = client_ip(request)
    if count:
        return THROTTLE.hit(
            group="login-failures",
            visitor=visitor,
            rate=LOGIN_FAILURES_PER_ADDRESS,
            local_share=False,
        )
    return THROTTLE.used_up(
        group="login-failures", visitor=visitor, rate=LOGIN_FAILURES_PER_ADDRESS
    )


def _login_throttled() -> HttpResponse:
    response = HttpResponse(
        "登录失败次数过多：本网络地址 15 分钟内暂停登录，请稍后再试。忘记密码请联系本单位管理员。",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "900"
    return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("workbench:dashboard")


ENROLMENT_SESSION_KEY = "totp_enrolment_redeemed"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second factor. An officer without an authenticator first types the one-time
    binding code an administrator gave them; only then is the new key shown (for this session
    only), so a stolen password is not enough to choose the second factor."""
    user = request.user
    assert isinstance(user, User)
    device = totp_device_for(user=user)
    enrolling = not device.confirmed
    may_enrol = request.session.get(ENROLMENT_SESSION_KEY) == device.persistent_id
    enrolment_error = ""
    form = OtpForm(request.POST or None)
    if request.method == "POST" and enrolling and not may_enrol:
        form = OtpForm()
        try:
            totp_enrolment_redeem(user=user, code=request.POST.get("enrolment_code", ""))
        except DomainError as exc:
            enrolment_error = exc.message
        else:
            request.session[ENROLMENT_SESSION_KEY] = device.persistent_id
            may_enrol = True
    elif request.method == "POST" and form.is_valid():
        if totp_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", "动态口令不正确或已过期，请输入身份验证器上当前显示的 6 位数字")
    qr_data_uri = ""
    secret = ""
    if enrolling and may_enrol:
        qr_data_uri = segno.make(device.config_url, error="m").png_data_uri(scale=5)
        secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp.html",
        {
            "form": form,
            "enrolling": enrolling,
            "needs_enrolment_code": enrolling and not may_enrol,
            "enrolment_error": enrolment_error,
            "qr": qr_data_uri,
            "secret": secret,
            "next": _safe_next(request),
        },
    )


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def change() -> None:
            password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
            update_session_auth_hash(request, user)  # this session stays signed in

        done = run_service(
            request,
            change,
            success="密码已修改，其他设备上的登录已失效。",
            next=reverse("workbench:dashboard"),
            form=form,
        )
        if done is not None:
            return done
    return render(request, "accounts/password_change.html", {"form": form})


# --- binding codes for authenticators (platform administrators) -------------------------------


def _platform_administrator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not scope_for(user).is_platform:
        raise PermissionDenied("只有平台管理员可以签发身份验证器绑定码")
    return user


@login_required
def totp_codes(request: HttpRequest) -> HttpResponse:
    """Officers who have not bound an authenticator yet, each with a button that issues the
    one-time binding code they need for it."""
    _platform_administrator(request)
    return render(request, "accounts/totp_codes.html", {"people": officers_without_authenticator()})


@login_required
@require_POST
def totp_code_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a binding code and show it in this response only: it is not in the URL, not in
    a flash message (kept in the session), not in the audit row, and not cached."""
    administrator = _platform_administrator(request)
    person = get_object_or_404(officers_without_authenticator(), pk=pk)
    try:
        code = totp_enrolment_issue(user=person, actor=administrator)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    response = render(
        request,
        "accounts/totp_codes.html",
        {"people": officers_without_authenticator(), "issued_to": person, "code": code},
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens. A new token is shown in this response only (never stored,
    never in a URL or message); an officer creates one only in a session that passed the
    second factor, since the token will not ask for it."""
    user = request.user
    assert isinstance(user, User)
    form = ApiTokenForm(request.POST or None)
    token = None
    if request.method == "POST" and form.is_valid():
        try:
            token = api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=user,
                # django-otp's middleware gives the request's user `is_verified`.
                second_factor_verified=bool(getattr(user, "is_verified", bool)()),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "token": token, "tokens": api_tokens_of(user=user), "now": timezone.now()},
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = get_object_or_404(api_tokens_of(user=user), pk=pk)
    return run_action(
        request,
        lambda: api_token_revoke(token=token, actor=user),
        success=f"已停用令牌“{token.name}”",
        next=reverse("accounts:api_tokens"),
    )
