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
    """A signed-in user starts at the dashboard; a visitor gets the public landing page: the
    public services (the context processor's `nav_public`), login and candidate registration."""
    if request.user.is_authenticated:
        return redirect("workbench:dashboard")
    return render(request, "workbench/landing.html", {"services": _PUBLIC_SERVICE_NOTES})


# One line under each public service on the landing page, keyed by its menu label.
_PUBLIC_SERVICE_NOTES = {
    "职业目录": "查看可认定的职业（工种）、等级和国家职业技能标准。",
    "机构名录": "按地区、职业和等级查找已备案的评价机构及其状态。",
    "申报条件自测": "填写学历和工作年限，看看可以申报哪个等级。",
    "成绩查询": "凭姓名、身份证号码和准考证号查询已发布的成绩。",
    "证书查询": "核验职业技能等级证书的真伪和状态。",
    "投诉举报": "反映评价机构或认定活动中的问题，并查询办理进度。",
}


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
