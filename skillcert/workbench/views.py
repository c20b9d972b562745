"""The signed-in user's starting page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import scope_for
from skillcert.workbench.selectors import dashboard_counts
from skillcert.workbench.todo import todo_for
from skillcert.workdays.selectors import calendar_missing_years


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("workbench:dashboard")
    return redirect("accounts:login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    warnings = []
    if scope_for(request.user).is_officer:
        for year in calendar_missing_years(today=timezone.localdate()):
            warnings.append(
                f"{year}年的节假日安排尚未录入工作日历：涉及{year}年的备案期限、领卡期限和投诉"
                f"办理期限都无法计算。请省级人社部门在“工作日历”中粘贴国务院办公厅{year}年"
                "放假通知录入。"
            )
    return render(
        request,
        "workbench/dashboard.html",
        {
            "cards": dashboard_counts(user=request_actor(request)),
            "todo": todo_for(user=request.user, today=timezone.localdate()),
            "warnings": warnings,
        },
    )
