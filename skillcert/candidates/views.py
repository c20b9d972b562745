"""Candidate pages: self-registration, the reusable profile and the certificate photo."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillcert.candidates import services
from skillcert.candidates.models import CertificateKind
from skillcert.candidates.photo import MIN_HEIGHT, MIN_WIDTH
from skillcert.candidates.selectors import candidate_for_user
from skillcert.common.errors import DomainError
from skillcert.common.throttle import too_many_requests
from skillcert.eligibility.engine import EDUCATION_KINDS, TITLE_GRADES
from skillcert.occupations.models import LEVEL_CHOICES


def register(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    if request.method == "POST":
        # Public and answers "this ID number is already registered": counted per visitor.
        refused = too_many_requests(request, group="candidate-register", rate="20/h")
        if refused is not None:
            return refused
        try:
            candidate = services.candidate_register(
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                full_name=request.POST.get("full_name", ""),
                id_number=request.POST.get("id_number", ""),
                phone=request.POST.get("phone", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            assert candidate.user is not None
            login(request, candidate.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功，请完善个人档案并上传证件照")
            return redirect("candidates:profile")
    return render(
        request,
        "candidates/register.html",
        {"error": error, "form": request.POST if request.method == "POST" else {}},
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError("profile.date", f"日期“{value}”格式应为 2020-03-01") from None


def _required_date(value: str, label: str) -> dt.date:
    day = _date(value)
    if day is None:
        raise DomainError("profile.date_required", f"请填写{label}")
    return day


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    if candidate is None:
        raise Http404("当前账户不是考生账户")
    return render(
        request,
        "candidates/profile.html",
        {
            "candidate": candidate,
            "work": candidate.work_periods.all(),
            "certificates": candidate.certificates.all(),
            "education": candidate.education.all(),
            "titles": candidate.titles.all(),
            "education_kinds": EDUCATION_KINDS,
            "title_grades": TITLE_GRADES,
            "levels": LEVEL_CHOICES,
            "certificate_kinds": CertificateKind.choices,
            "min_size": f"{MIN_WIDTH}×{MIN_HEIGHT}",
        },
    )


@login_required
@require_POST
def profile_add(request: HttpRequest, kind: str) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    if candidate is None:
        raise Http404
    p = request.POST
    related = p.get("related") == "1"
    try:
        if kind == "work":
            services.work_period_add(
                candidate=candidate,
                start=_required_date(p.get("start", ""), "开始日期"),
                end=_date(p.get("end", "")),
                employer=p.get("employer", ""),
                occupation_name=p.get("occupation_name", ""),
                related=related,
                actor=request.user,
            )
        elif kind == "certificate":
            services.certificate_add(
                candidate=candidate,
                number=p.get("number", ""),
                occupation_name=p.get("occupation_name", ""),
                level=int(p.get("level", "0") or 0),
                issued_on=_required_date(p.get("issued_on", ""), "发证日期"),
                related=related,
                actor=request.user,
            )
        elif kind == "education":
            services.education_add(
                candidate=candidate,
                kind=p.get("kind", ""),
                school=p.get("school", ""),
                major=p.get("major", ""),
                major_related=related,
                graduation=_required_date(p.get("graduation", ""), "毕业日期"),
                actor=request.user,
            )
        elif kind == "title":
            services.title_add(
                candidate=candidate,
                grade=p.get("grade", ""),
                name=p.get("name", ""),
                date=_required_date(p.get("date", ""), "取得日期"),
                related=related,
                actor=request.user,
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存")
    return redirect("candidates:profile")


@login_required
@require_POST
def profile_remove(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    if candidate is None:
        raise Http404
    try:
        services.profile_item_remove(
            candidate=candidate, kind=kind, item_id=item_id, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("candidates:profile")


@login_required
@require_POST
def photo_upload(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    upload = request.FILES.get("photo")
    if candidate is None:
        raise Http404
    if upload is None:
        messages.error(request, "请选择照片文件")
        return redirect("candidates:profile")
    try:
        services.candidate_photo_upload(candidate=candidate, data=upload.read(), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if candidate.photo_ok:
            messages.success(request, "照片已上传")
        else:
            messages.warning(request, "照片已上传，但" + "；".join(candidate.photo_problems))
    return redirect("candidates:profile")


@login_required
def photo_view(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    if candidate is None or not candidate.photo:
        raise Http404
    candidate.photo.open("rb")
    try:
        data = candidate.photo.read()
    finally:
        candidate.photo.close()
    kind = "image/png" if candidate.photo.name.endswith(".png") else "image/jpeg"
    return HttpResponse(data, content_type=kind)
