from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from skillcert.common.selectors import dashboard_counts


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("common:dashboard")
    return redirect("accounts:login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "common/dashboard.html", {"cards": dashboard_counts(user=request.user)})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # any failure means "not healthy"; the detail goes to the log
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "error",
            "database": database,
            "vendor": connection.vendor,
        },
        status=status,
    )
