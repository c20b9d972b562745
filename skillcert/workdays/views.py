from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from skillcert.accounts.scope import scope_for
from skillcert.common.errors import DomainError
from skillcert.workdays.models import CalendarDay, CalendarYear, DayKind
from skillcert.workdays.selectors import workdays_add
from skillcert.workdays.services import (
    calendar_day_clear,
    calendar_day_set,
    calendar_notice_import,
    calendar_year_publish,
)


class DayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="名称", max_length=64, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    notice = forms.CharField(label="依据文件（国务院办公厅通知文号）", max_length=200)


class NoticeForm(forms.Form):
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
    start = forms.DateField(label="起始日", widget=forms.DateInput(attrs={"type": "date"}))
    n = forms.IntegerField(label="工作日数", min_value=0, max_value=1000)


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise Http404
    today = dt.date.today()  # noqa: DTZ011
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    can_edit = request.user.has_perm("workdays.edit_calendar")
    day_form = DayForm(prefix="day")
    year_form = YearForm(prefix="year", initial={"year": year})
    add_form = AddForm(request.GET or None, prefix="calc")
    result = None
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            if "day-date" in request.POST:
                day_form = DayForm(request.POST, prefix="day")
                if day_form.is_valid():
                    d = day_form.cleaned_data
                    calendar_day_set(
                        date=d["date"], kind=d["kind"], name=d["name"], actor=request.user
                    )
                    messages.success(request, f"已保存 {d['date']}")
                    return HttpResponseRedirect(
                        f"{reverse('workdays:calendar')}?year={d['date'].year}"
                    )
            elif "clear" in request.POST:
                calendar_day_clear(
                    date=dt.date.fromisoformat(request.POST["clear"]), actor=request.user
                )
                messages.success(request, "已删除")
                return HttpResponseRedirect(f"{reverse('workdays:calendar')}?year={year}")
            else:
                year_form = YearForm(request.POST, prefix="year")
                if year_form.is_valid():
                    y = year_form.cleaned_data
                    calendar_year_publish(year=y["year"], notice=y["notice"], actor=request.user)
                    messages.success(request, f"{y['year']}年日历已发布")
                    return HttpResponseRedirect(f"{reverse('workdays:calendar')}?year={y['year']}")
        except (DomainError, ValueError) as exc:
            messages.error(
                request, exc.message if isinstance(exc, DomainError) else "日期格式不正确"
            )
    elif add_form.is_bound and add_form.is_valid():
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
            "can_edit": can_edit,
            "day_form": day_form,
            "year_form": year_form,
            "add_form": add_form,
            "result": result,
        },
    )


@login_required
def notice_import(request: HttpRequest) -> HttpResponse:
    """Paste the State Council's annual notice, review what was read, then confirm: the year's
    holidays and make-up working days are entered as a whole and the year becomes countable."""
    if not request.user.has_perm("workdays.edit_calendar"):
        raise Http404
    next_year = dt.date.today().year + 1  # noqa: DTZ011 - the officer's calendar year
    form = NoticeForm(request.POST or None, initial={"year": next_year})
    preview = None
    if request.method == "POST" and form.is_valid():
        year, text = form.cleaned_data["year"], form.cleaned_data["text"]
        confirm = "confirm" in request.POST
        try:
            preview = calendar_notice_import(
                year=year, text=text, actor=request.user, dry_run=not confirm
            )
        except DomainError as exc:
            form.add_error("year" if exc.field == "year" else "text", exc.message)
        else:
            if confirm:
                messages.success(
                    request,
                    f"{year}年放假安排已录入：放假 {len(preview.holidays)} 天，"
                    f"调休上班 {len(preview.workdays)} 天",
                )
                return HttpResponseRedirect(f"{reverse('workdays:calendar')}?year={year}")
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
