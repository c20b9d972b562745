from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import scope_for
from skillcert.common.errors import DomainError
from skillcert.common.forms import DateInput, NamedErrorsForm
from skillcert.common.service_runner import run_form, run_service
from skillcert.workdays.models import CalendarDay, CalendarYear, DayKind
from skillcert.workdays.selectors import workdays_add
from skillcert.workdays.services import (
    calendar_day_clear,
    calendar_day_set,
    calendar_notice_import,
    calendar_year_publish,
)

if TYPE_CHECKING:
    from skillcert.accounts.models import User


class DayForm(NamedErrorsForm):
    date = forms.DateField(label="日期", widget=DateInput())
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="名称", max_length=64, required=False)


class YearForm(NamedErrorsForm):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    notice = forms.CharField(label="依据文件（国务院办公厅通知文号）", max_length=200)


class NoticeForm(NamedErrorsForm):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    text = forms.CharField(
        label="通知全文",
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 14,
                "placeholder": "国务院办公厅关于XXXX年部分节假日安排的通知\n"
                "一、元旦：1月1日（周X）放假1天，不调休。\n二、春节：……",
            }
        ),
    )


class AddForm(forms.Form):
    start = forms.DateField(label="起始日", widget=DateInput())
    n = forms.IntegerField(label="工作日数", min_value=0, max_value=1000)


def _calendar_url(year: int) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _editor(request: HttpRequest) -> User:
    """Only calendar editors (the province) change it; everyone else is told nothing."""
    if not scope_for(request.user).is_officer:
        raise Http404
    if not request.user.has_perm("workdays.edit_calendar"):
        raise Http404
    return request_actor(request)


def _calendar_page(
    request: HttpRequest,
    year: int,
    *,
    day_form: DayForm | None = None,
    year_form: YearForm | None = None,
) -> HttpResponse:
    add_form = AddForm(request.GET or None, prefix="calc")
    result = None
    if add_form.is_bound and add_form.is_valid():
        try:
            result = workdays_add(add_form.cleaned_data["start"], add_form.cleaned_data["n"])
        except DomainError as exc:
            add_form.add_error("start", exc.message)
    return render(
        request,
        "workdays/calendar.html",
        {
            "year": year,
            "covered": CalendarYear.objects.filter(year=year).first(),
            "years": CalendarYear.objects.all(),
            "days": CalendarDay.objects.filter(date__year=year),
            "can_edit": request.user.has_perm("workdays.edit_calendar"),
            "day_form": day_form or DayForm(prefix="day"),
            "year_form": year_form or YearForm(prefix="year", initial={"year": year}),
            "add_form": add_form,
            "result": result,
        },
    )


def _year_shown(request: HttpRequest) -> int:
    today = dt.date.today()  # noqa: DTZ011 - the officer's calendar year
    try:
        return int(request.GET.get("year", today.year))
    except ValueError:
        return today.year


@login_required
@require_safe
def calendar_view(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_officer:
        raise Http404
    return _calendar_page(request, _year_shown(request))


@login_required
@require_POST
def calendar_day_save(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    form = DayForm(request.POST, prefix="day")
    response = run_form(
        request,
        form,
        lambda d: calendar_day_set(date=d["date"], kind=d["kind"], name=d["name"], actor=editor),
        success=lambda day: f"已保存 {day.date}",
        next=lambda day: _calendar_url(day.date.year),
    )
    if response is not None:
        return response
    return _calendar_page(request, _year_shown(request), day_form=form)


@login_required
@require_POST
def calendar_day_delete(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    try:
        day = dt.date.fromisoformat(request.POST.get("clear", ""))
    except ValueError:
        messages.error(request, "日期格式不正确")
        return HttpResponseRedirect(_calendar_url(_year_shown(request)))
    response = run_service(
        request,
        lambda: calendar_day_clear(date=day, actor=editor),
        success="已删除",
        next=_calendar_url(day.year),
    )
    assert response is not None  # without a form, refusals redirect too
    return response


@login_required
@require_POST
def calendar_year_publish_view(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    form = YearForm(request.POST, prefix="year")
    response = run_form(
        request,
        form,
        lambda y: calendar_year_publish(year=y["year"], notice=y["notice"], actor=editor),
        success=lambda row: f"{row.year}年日历已发布",
        next=lambda row: _calendar_url(row.year),
    )
    if response is not None:
        return response
    return _calendar_page(request, _year_shown(request), year_form=form)


@login_required
def notice_import(request: HttpRequest) -> HttpResponse:
    """Paste the State Council's annual notice, review what was read, then confirm: the year's
    holidays and make-up working days are entered as a whole and the year becomes countable."""
    if not request.user.has_perm("workdays.edit_calendar"):
        raise Http404
    user = request_actor(request)
    next_year = dt.date.today().year + 1  # noqa: DTZ011 - the officer's calendar year
    form = NoticeForm(request.POST or None, initial={"year": next_year})
    preview = None
    if request.method == "POST" and form.is_valid():
        year, text = form.cleaned_data["year"], form.cleaned_data["text"]
        confirm = "confirm" in request.POST
        if confirm:
            response = run_service(
                request,
                lambda: calendar_notice_import(year=year, text=text, actor=user),
                success=lambda done: (
                    f"{year}年放假安排已录入：放假 {len(done.holidays)} 天，"
                    f"调休上班 {len(done.workdays)} 天"
                ),
                next=_calendar_url(year),
                form=form,
            )
            if response is not None:
                return response
        else:
            try:
                preview = calendar_notice_import(year=year, text=text, actor=user, dry_run=True)
            except DomainError as exc:
                form.add_error("year" if exc.field == "year" else "text", exc.message)
    replaced = 0
    if preview is not None:
        replaced = CalendarDay.objects.filter(date__year=preview.year).count()
    return render(
        request,
        "workdays/notice.html",
        {
            "form": form,
            "preview": preview,
            "holidays": sorted(preview.holidays.items()) if preview else [],
            "workdays": sorted(preview.workdays.items()) if preview else [],
            "covered": preview and CalendarYear.objects.filter(year=preview.year).first(),
            "replaced": replaced,
        },
    )
