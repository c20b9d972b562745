"""Candidate pages: self-registration, the identity claim, the reusable profile and the
certificate photo; for organisation staff and officers, activation codes."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.choices import Role
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.candidates import services
from skillcert.candidates.core import activation_code_display
from skillcert.candidates.models import CLAIM_MAX_ATTEMPTS, Candidate, CertificateKind
from skillcert.candidates.photo import MIN_HEIGHT, MIN_WIDTH
from skillcert.candidates.selectors import (
    activation_code_of,
    candidate_for_user,
    candidates_staff_visible,
    identity_claim_for_user,
)
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_action
from skillcert.common.throttle import too_many_requests
from skillcert.eligibility.engine import EDUCATION_KINDS, TITLE_GRADES
from skillcert.occupations.choices import LEVEL_CHOICES
from skillcert.plans.selectors import plans_visible

# The same words whether the ID number was new, on a roster or already registered.
REGISTERED = "注册成功，请按“我的档案”页面的提示继续"
HAND_OVER = "请将激活码当面或通过报名登记的手机号告知考生本人"


def register(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    if request.method == "POST":
        # Public, and each account made tells its maker whether the ID number was already
        # known (a claim instead of a profile): counted per visitor.
        refused = too_many_requests(request, group="candidate-register", rate="20/h")
        if refused is not None:
            return refused
        try:
            registration = services.candidate_register(
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                full_name=request.POST.get("full_name", ""),
                id_number=request.POST.get("id_number", ""),
                phone=request.POST.get("phone", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            login(request, registration.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, REGISTERED)
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
        claim = identity_claim_for_user(user=request.user)
        if claim is None:
            if not scope_for(request.user).has_role(Role.CANDIDATE):
                raise Http404("当前账户不是考生账户")
            # A candidate account with no person behind it (opened outside registration):
            # say what to do instead of a dead end.
            return render(request, "candidates/no_profile.html")
        # Worded alike for a roster person and an already-registered one: this account must
        # not learn which it ran into.
        return render(
            request,
            "candidates/claim.html",
            {
                "claim": claim,
                "attempts_left": CLAIM_MAX_ATTEMPTS - claim.attempts,
                "max_attempts": CLAIM_MAX_ATTEMPTS,
            },
        )
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
def claim(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    if identity_claim_for_user(user=user) is None:
        raise Http404
    return run_action(
        request,
        lambda: services.candidate_claim(user=user, code=request.POST.get("code", "")),
        success="身份已确认，账户已关联您的报名信息，请核对个人档案",
        next=reverse("candidates:profile"),
    )


@login_required
@never_cache
def activation(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisation staff and officers issue a candidate's activation code; the code is in
    this one response only."""
    user = request_actor(request)
    candidate = get_object_in_scope(candidates_staff_visible(scope=scope_for(user)), pk=pk)
    code = ""
    if request.method == "POST":
        try:
            code = activation_code_display(
                services.candidate_activation_issue(candidate=candidate, actor=user)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "candidates/activation.html",
        {
            "candidate": candidate,
            "code": code,
            "current": activation_code_of(candidate=candidate),
            "now": timezone.now(),
            "valid_days": services.ACTIVATION_VALID_FOR.days,
        },
    )


@login_required
@require_POST
def plan_activations(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Codes for every candidate of the plan without an account, as a spreadsheet for the
    organisation to hand out one by one."""
    user = request_actor(request)
    scope = scope_for(user)
    if not (scope.is_org_staff or scope.is_officer):
        raise Http404
    plan = get_object_in_scope(plans_visible(scope=scope), pk=plan_pk)
    issued = services.activation_codes_issue_for_plan(plan=plan, actor=user)
    if not issued:
        messages.info(request, "本计划的考生均已注册账户，无需签发激活码")
        return redirect("applications:plan_review", plan_pk=plan.pk)
    until = timezone.localdate() + services.ACTIVATION_VALID_FOR
    response = xlsx_response(
        f"{plan.code}-考生激活码.xlsx",
        ["姓名", "证件号码", "激活码", "有效期至", "告知方式"],
        [(r.full_name, r.id_number_masked, r.code, until.isoformat(), HAND_OVER) for r in issued],
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _own_candidate(request: HttpRequest) -> Candidate:
    candidate = candidate_for_user(user=request.user)
    if candidate is None:
        raise Http404
    return candidate


# Changes to the signed-in candidate's own profile: each returns to the profile.
PROFILE: Actions[Candidate] = Actions(
    prefix="profile/", load=_own_candidate, back=lambda _c: reverse("candidates:profile")
)


@PROFILE.post("work/add/", success="已保存")
def profile_work_add(a: Act[Candidate]) -> object:
    return services.work_period_add(
        candidate=a.obj,
        start=_required_date(a.posted("start"), "开始日期"),
        end=_date(a.posted("end")),
        employer=a.posted("employer"),
        occupation_name=a.posted("occupation_name"),
        related=a.posted("related") == "1",
        actor=a.actor,
    )


@PROFILE.post("certificate/add/", success="已保存")
def profile_certificate_add(a: Act[Candidate]) -> object:
    return services.certificate_add(
        candidate=a.obj,
        number=a.posted("number"),
        occupation_name=a.posted("occupation_name"),
        level=int(a.posted("level") or 0),
        issued_on=_required_date(a.posted("issued_on"), "发证日期"),
        related=a.posted("related") == "1",
        actor=a.actor,
    )


@PROFILE.post("education/add/", success="已保存")
def profile_education_add(a: Act[Candidate]) -> object:
    graduation = _required_date(a.posted("graduation"), "毕业日期")
    return services.education_add(
        candidate=a.obj,
        kind=a.posted("kind"),
        school=a.posted("school"),
        major=a.posted("major"),
        major_related=a.posted("related") == "1",
        graduation=graduation,
        actor=a.actor,
    )


@PROFILE.post("title/add/", success="已保存")
def profile_title_add(a: Act[Candidate]) -> object:
    day = _required_date(a.posted("date"), "取得日期")
    related = a.posted("related") == "1"
    return services.title_add(
        candidate=a.obj,
        grade=a.posted("grade"),
        name=a.posted("name"),
        date=day,
        related=related,
        actor=a.actor,
    )


@PROFILE.post("<str:kind>/<int:item_id>/remove/", success="")
def profile_remove(a: Act[Candidate]) -> None:
    kind, item_id = a.kwargs["kind"], a.kwargs["item_id"]
    services.profile_item_remove(candidate=a.obj, kind=kind, item_id=item_id, actor=a.actor)


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
        services.candidate_photo_upload(
            candidate=candidate, data=upload.read(), actor=request_actor(request)
        )
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
