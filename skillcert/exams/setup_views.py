"""Sitting set-up pages: the province creates a unified sitting, puts approved plans in it,
adds one district per city and the time slots; the district's officers (and the province)
add its sites and rooms, one by one or from a spreadsheet. Thin: every write is a service
call; outside the user's scope everything is 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_service
from skillcert.exams import room_files, services
from skillcert.exams.forms import (
    DistrictForm,
    RoomForm,
    RoomsUploadForm,
    SiteForm,
    SittingCreateForm,
    SittingPlanForm,
    SlotForm,
    at,
)
from skillcert.exams.models import District, Room, Sitting
from skillcert.exams.selectors import (
    cities_without_district,
    districts_visible,
    plans_without_sitting,
    provinces_run_by,
    sitting_offerings,
    sittings_run_by,
)
from skillcert.occupations.selectors import occupation_by_id

UPLOAD_MAX_BYTES = 5 * 1024 * 1024


# --- the province: sitting, plans, districts, time slots ---------------------------------


@login_required
def sitting_create_view(request: HttpRequest) -> HttpResponse:
    provinces = list(provinces_run_by(scope=scope_for(request.user)))
    if not provinces:
        raise Http404
    form = SittingCreateForm(
        request.POST or None,
        provinces=[(p.code, p.name) for p in provinces],
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            request,
            lambda: services.sitting_create(
                code=data["code"],
                title=data["title"],
                province={p.code: p for p in provinces}[data["province"]],
                year=data["year"],
                serial=data["serial"],
                actor=request_actor(request),
            ),
            success=lambda sitting: f"统一考试 {sitting.code} 已创建，请编入评价计划并设置考区",
            next=lambda sitting: reverse("exams:setup", args=[sitting.pk]),
            form=form,
        )
        if done is not None:
            return done
    return render(request, "exams/sitting_create.html", {"form": form})


def _run_sitting(request: HttpRequest, pk: int) -> Sitting:
    return get_object_in_scope(sittings_run_by(scope=scope_for(request.user)), pk=pk)


def _plan_choices(sitting: Sitting) -> list[tuple[int, str]]:
    return [
        (p.pk, f"{p.code} {p.title}（{p.organization.name}）· {p.get_filing_status_display()}")
        for p in plans_without_sitting(sitting=sitting)[:500]
    ]


def _district_choices(sitting: Sitting) -> list[tuple[int, str]]:
    return [(d.pk, d.name) for d in sitting.districts.order_by("city_id")]


def _offering_choices(sitting: Sitting) -> list[tuple[str, str]]:
    return [(f"{o}:{lv}", label) for o, lv, label in sitting_offerings(sitting=sitting)]


def _setup(
    request: HttpRequest,
    sitting: Sitting,
    *,
    plan_form: SittingPlanForm | None = None,
    district_form: DistrictForm | None = None,
    slot_form: SlotForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "sitting": sitting,
        "plans": sitting.plans.select_related("plan", "plan__organization").order_by("plan__code"),
        "districts": sitting.districts.select_related("city")
        .prefetch_related("sites__rooms", "slots__occupation")
        .order_by("city_id"),
        "plan_form": plan_form or SittingPlanForm(prefix="plan", plans=_plan_choices(sitting)),
        "district_form": district_form
        or DistrictForm(
            prefix="district",
            cities=[(c.code, c.name) for c in cities_without_district(sitting=sitting)],
        ),
        "slot_form": slot_form
        or SlotForm(
            prefix="slot",
            districts=_district_choices(sitting),
            offerings=_offering_choices(sitting),
        ),
    }
    return render(request, "exams/setup.html", context)


@login_required
def sitting_setup_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _setup(request, _run_sitting(request, pk))


@login_required
@require_POST
def sitting_plan_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _run_sitting(request, pk)
    form = SittingPlanForm(request.POST, prefix="plan", plans=_plan_choices(sitting))
    if form.is_valid():
        plan = plans_without_sitting(sitting=sitting).get(pk=form.cleaned_data["plan"])
        done = run_service(
            request,
            lambda: services.sitting_plan_add(
                sitting=sitting, plan=plan, actor=request_actor(request)
            ),
            success=f"评价计划 {plan.code} 已编入统考",
            next=reverse("exams:setup", args=[sitting.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _setup(request, sitting, plan_form=form)


@login_required
@require_POST
def district_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _run_sitting(request, pk)
    cities = {c.code: c for c in cities_without_district(sitting=sitting)}
    form = DistrictForm(
        request.POST, prefix="district", cities=[(c.code, c.name) for c in cities.values()]
    )
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            request,
            lambda: services.district_add(
                sitting=sitting,
                city=cities[data["city"]],
                office_name=data["office_name"],
                office_address=data["office_address"],
                office_phone=data["office_phone"],
                actor=request_actor(request),
            ),
            success=lambda district: f"{district.name}已设置",
            next=reverse("exams:setup", args=[sitting.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _setup(request, sitting, district_form=form)


@login_required
@require_POST
def slots_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _run_sitting(request, pk)
    form = SlotForm(
        request.POST,
        prefix="slot",
        districts=_district_choices(sitting),
        offerings=_offering_choices(sitting),
    )
    if form.is_valid():
        data = form.cleaned_data
        occupation, level = None, None
        if data["offering"]:
            occupation_id, level_text = data["offering"].split(":")
            occupation, level = occupation_by_id(pk=int(occupation_id)), int(level_text)
            if occupation is None:
                raise Http404
        chosen = (
            list(District.objects.filter(sitting=sitting, pk__in=data["districts"]))
            if data["districts"]
            else None
        )
        done = run_service(
            request,
            lambda: services.slots_add(
                sitting=sitting,
                subject=data["subject"],
                starts_at=at(data["day"], data["starts"]),
                ends_at=at(data["day"], data["ends"]),
                districts=chosen,
                occupation=occupation,
                level=level,
                actor=request_actor(request),
            ),
            success=lambda slots: f"已在 {len(slots)} 个考区添加考试时段",
            next=reverse("exams:setup", args=[sitting.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _setup(request, sitting, slot_form=form)


# --- a district: sites and rooms ---------------------------------------------------------


def _district(request: HttpRequest, pk: int) -> District:
    return get_object_in_scope(districts_visible(scope=scope_for(request.user)), pk=pk)


def _site_choices(district: District) -> list[tuple[int, str]]:
    return [(s.pk, f"{s.code} {s.name}") for s in district.sites.order_by("code")]


def _district_page(
    request: HttpRequest,
    district: District,
    *,
    site_form: SiteForm | None = None,
    room_form: RoomForm | None = None,
    upload_form: RoomsUploadForm | None = None,
    upload_errors: list[room_files.RowError] | None = None,
) -> HttpResponse:
    return render(
        request,
        "exams/district.html",
        {
            "district": district,
            "sites": district.sites.prefetch_related("rooms").order_by("code"),
            "site_form": site_form or SiteForm(prefix="site"),
            "room_form": room_form
            or RoomForm(
                prefix="room", sites=_site_choices(district), initial={"rows": 5, "cols": 6}
            ),
            "upload_form": upload_form or RoomsUploadForm(prefix="upload"),
            "upload_errors": upload_errors or [],
            "is_province": scope_for(request.user).is_province_officer,
        },
    )


@login_required
def district_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _district_page(request, _district(request, pk))


@login_required
@require_POST
def site_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    district = _district(request, pk)
    form = SiteForm(request.POST, prefix="site")
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            request,
            lambda: services.site_add(district=district, actor=request_actor(request), **data),
            success=lambda site: f"考点 {site.code} {site.name} 已添加",
            next=reverse("exams:district", args=[district.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _district_page(request, district, site_form=form)


@login_required
@require_POST
def room_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    district = _district(request, pk)
    form = RoomForm(request.POST, prefix="room", sites=_site_choices(district))
    if form.is_valid():
        data = dict(form.cleaned_data)
        site = district.sites.get(pk=data.pop("site"))
        done = run_service(
            request,
            lambda: services.room_add(site=site, actor=request_actor(request), **data),
            success=lambda room: f"{room} 已添加（{room.capacity} 个座位）",
            next=reverse("exams:district", args=[district.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _district_page(request, district, room_form=form)


@login_required
@require_POST
def rooms_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    district = _district(request, pk)
    form = RoomsUploadForm(request.POST, request.FILES, prefix="upload")
    errors: list[room_files.RowError] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]

        def rooms_import() -> list[Room]:
            try:
                if upload.size > UPLOAD_MAX_BYTES:
                    raise room_files.RoomFileError("rooms.too_large", "文件不能超过5MB")
                return services.rooms_import(
                    district=district,
                    content=upload.read(),
                    filename=upload.name or "",
                    actor=request_actor(request),
                )
            except room_files.RoomFileError as exc:
                errors.extend(exc.errors)  # the rows at fault, listed under the form
                raise

        done = run_service(
            request,
            rooms_import,
            success=lambda rooms: f"已导入 {len(rooms)} 个考场",
            next=reverse("exams:district", args=[district.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _district_page(request, district, upload_form=form, upload_errors=errors)


@login_required
def rooms_template_view(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_officer:
        raise Http404
    return xlsx_response(
        "考场导入模板.xlsx", room_files.TEMPLATE_HEADERS, [room_files.TEMPLATE_EXAMPLE]
    )
