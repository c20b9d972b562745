"""A site's batch steps on exam day: the door scanner's list uploaded when the doors close
(`checkins_record_bulk`, all or none), its template with the site's tickets, and the button
that marks every room's missing candidates absent at once (`absences_mark_site`). Who may:
whoever may open the site's exam-day page (the officers over the district, the staff of the
site in the slot); anyone else gets 404."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from skillcert.accounts.actors import request_actor
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_sheet_upload
from skillcert.exams import examday
from skillcert.exams.examday_views import SlotSite, _slot_site
from skillcert.exams.forms_bulk import TEMPLATE_HEADERS, CheckinSheetForm, checkin_sheet_read
from skillcert.exams.models import AdmissionTicket, Seat


def _site_day_url(at: SlotSite) -> str:
    return reverse("exams:site_day", args=[at.slot.pk, at.site.pk])


def _on_file_line(error: DomainError, lines: list[int]) -> DomainError:
    """The service counts the list's rows from 1 (“第2行”, “与第1行重复”); the file has its
    header and may have blank rows: say the file's lines."""

    def line(found: re.Match[str]) -> str:
        index = int(found.group(1))
        return f"第{lines[index - 1]}行" if 1 <= index <= len(lines) else found.group(0)

    message = re.sub(r"第(\d+)行", line, error.message)
    if message == error.message:
        return error
    return DomainError(error.code, message, field="file")


@login_required
@require_http_methods(["GET", "POST"])
def checkin_sheet(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    at = _slot_site(request, pk, site_pk)
    form = CheckinSheetForm(
        request.POST or None,
        request.FILES or None,
        prefix="sheet",
        checklist=examday.checklist_for(at.slot),
    )
    if request.method == "POST" and form.is_valid():
        checks = dict.fromkeys(form.cleaned_data["checks"], True)
        day = timezone.localtime(at.slot.starts_at).date()
        done = run_sheet_upload(
            request,
            form,
            read=lambda content, filename: checkin_sheet_read(content, filename=filename, day=day),
            apply=lambda sheet: len(
                examday.checkins_record_bulk(
                    slot=at.slot,
                    site=at.site,
                    arrivals=sheet.arrivals,
                    checks=checks,
                    actor=request_actor(request),
                )
            ),
            on_line=lambda exc, sheet: _on_file_line(exc, sheet.lines),
            success=lambda count: f"已按签到名单记录 {count} 名考生签到",
            next=_site_day_url(at),
        )
        if done is not None:
            return done
    return render(
        request, "exams/checkin_sheet.html", {"slot": at.slot, "site": at.site, "form": form}
    )


@login_required
@require_GET
def checkin_sheet_template(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """The site's tickets in the slot, room by room, with the arrival time to fill."""
    slot, site = _slot_site(request, pk, site_pk)
    seats = list(
        Seat.objects.filter(slot=slot, room__site=site)
        .select_related("room")
        .order_by("room__code", "seat_no")
    )
    tickets = dict(
        AdmissionTicket.objects.filter(
            sitting_id=slot.sitting_id, application_id__in=[s.application_id for s in seats]
        ).values_list("application_id", "ticket_no")
    )
    rows = [
        [tickets[s.application_id], None, s.room.code, s.seat_no]
        for s in seats
        if s.application_id in tickets
    ]
    day = timezone.localtime(slot.starts_at)
    return xlsx_response(f"签到名单_{site.name}_{day:%Y%m%d%H%M}.xlsx", TEMPLATE_HEADERS, rows)


# The site's page buttons of this module come back to the site's page.
SITE_BULK: Actions[SlotSite] = Actions(
    prefix="slots/<int:pk>/sites/<int:site_pk>/", load=_slot_site, back=_site_day_url
)


@SITE_BULK.post(
    "absences/", success=lambda a, count: f"{a.obj.site.name}各考场共登记缺考 {count} 人"
)
def absences_mark_site(a: Act[SlotSite]) -> int:
    return examday.absences_mark_site(slot=a.obj.slot, site=a.obj.site, actor=a.actor)
