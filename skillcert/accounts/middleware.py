"""Officer accounts must pass a TOTP second factor before any page but login and logout."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from skillcert.accounts.services import requires_second_factor

# What an officer may open before passing the second factor: logging in and out, the second
# factor itself, and public resources. Not the password change: a stolen password must not be
# enough to lock the officer out by changing it.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/static/",
    "/healthz",
    "/api/docs",
    "/api/openapi.json",
)


class OfficerSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "auth.second_factor_required", "message": "请先完成动态口令验证"},
                    status=403,
                )
            return HttpResponseRedirect(f"{reverse('accounts:otp')}?next={request.path}")
        return self.get_response(request)
