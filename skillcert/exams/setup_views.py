"""Sitting set-up pages: the province creates a unified sitting, puts approved plans in it,
adds one district per city and the time slots; the district's officers (and the province)
add its sites and rooms, one by one or from a spreadsheet. Thin: every write is a service
call; outside the user's scope everything is 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.common.actions import Act, Actions
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

if TYPE_CHECKING:
    from skillcert.regions.models import Region

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
    return [
        (f"{o}:{'' if lv is None else lv}", label)
        for o, lv, label in sitting_offerings(sitting=sitting)
    ]


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


# The sitting's set-up page: each form comes back to it, a refused form is shown on it again.
SITTING: Actions[Sitting] = Actions(
    prefix="<int:pk>/setup/",
    load=_run_sitting,
    back=lambda sitting: reverse("exams:setup", args=[sitting.pk]),
    page=_setup,
)


@SITTING.post(
    "plans/",
    form=lambda request, sitting: SittingPlanForm(
        request.POST, prefix="plan", plans=_plan_choices(sitting)
    ),
    success=lambda _a, added: f"评价计划 {added.plan.code} 已编入统考",
)
def sitting_plan_add(a: Act[Sitting]) -> object:
    plan = plans_without_sitting(sitting=a.obj).get(pk=a.data["plan"])
    return services.sitting_plan_add(sitting=a.obj, plan=plan, actor=a.actor)


def _cities(sitting: Sitting) -> dict[str, Region]:
    return {c.code: c for c in cities_without_district(sitting=sitting)}


@SITTING.post(
    "districts/",
    form=lambda request, sitting: DistrictForm(
        request.POST,
        prefix="district",
        cities=[(c.code, c.name) for c in _cities(sitting).values()],
    ),
    success=lambda _a, district: f"{district.name}已设置",
)
def district_add(a: Act[Sitting]) -> object:
    fields = {k: v for k, v in a.data.items() if k != "city"}
    city = _cities(a.obj)[a.data["city"]]
    return services.district_add(sitting=a.obj, city=city, actor=a.actor, **fields)


@SITTING.post(
    "slots/",
    form=lambda request, sitting: SlotForm(
        request.POST,
        prefix="slot",
        districts=_district_choices(sitting),
        offerings=_offering_choices(sitting),
    ),
    success=lambda _a, slots: f"已在 {len(slots)} 个考区添加考试时段",
)
def slots_add(a: Act[Sitting]) -> object:
    data = a.data
    occupation, level = None, None
    if data["offering"]:
        occupation_id, level_text = data["offering"].split(":")
        occupation = occupation_by_id(pk=int(occupation_id))
        level = int(level_text) if level_text else None  # a 专项职业能力 offering has none
        if occupation is None:
            raise Http404
    chosen = (
        list(District.objects.filter(sitting=a.obj, pk__in=data["districts"]))
        if data["districts"]
        else None
    )
    return services.slots_add(
        sitting=a.obj,
        subject=data["subject"],
        starts_at=at(data["day"], data["starts"]),
        ends_at=at(data["day"], data["ends"]),
        districts=chosen,
        occupation=occupation,
        level=level,
        actor=a.actor,
    )


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


# The district's page: its sites and rooms, added one by one.
DISTRICT: Actions[District] = Actions(
    prefix="districts/<int:pk>/",
    load=_district,
    back=lambda district: reverse("exams:district", args=[district.pk]),
    page=_district_page,
)


@DISTRICT.post(
    "sites/",
    form=SiteForm,
    prefix="site",
    success=lambda _a, site: f"考点 {site.code} {site.name} 已添加",
)
def site_add(a: Act[District]) -> object:
    return services.site_add(district=a.obj, actor=a.actor, **a.data)


@DISTRICT.post(
    "rooms/",
    form=lambda request, district: RoomForm(
        request.POST, prefix="room", sites=_site_choices(district)
    ),
    success=lambda _a, room: f"{room} 已添加（{room.capacity} 个座位）",
)
def room_add(a: Act[District]) -> object:
    data = dict(a.data)
    site = a.obj.sites.get(pk=data.pop("site"))
    return services.room_add(site=site, actor=a.actor, **data)


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
