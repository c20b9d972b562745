"""Application pages: the candidate's list and detail, the reviewers' queues with bulk
approval, sample draws, roster upload with its progress bar and error report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.applications import services
from skillcert.applications.forms import BulkApproveForm
from skillcert.applications.models import Application, Attachment, ImportStatus, Tier
from skillcert.applications.permissions import may_review, reviewer_tiers
from skillcert.applications.roster import WARNING, RowError
from skillcert.applications.roster_files import read_roster, roster_error_report, roster_template
from skillcert.applications.selectors import (
    QueueFilters,
    application_events,
    applications_visible,
    attachments_of,
    matched_clause_text,
    may_see_identity,
    notifications_for,
    review_queue,
    review_queue_ticked,
    roster_imports_visible,
    sample_draws_of,
)
from skillcert.applications.transitions import QUEUE_TIER
from skillcert.candidates.selectors import (
    candidate_for_user,
    identity_for_viewer,
    profile_for_review,
)
from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError
from skillcert.common.exports import XLSX, attachment_response, xlsx_response
from skillcert.common.forms import form_valid_or_flash
from skillcert.common.job_pages import job_page
from skillcert.common.service_runner import run_action, run_service
from skillcert.common.uploads import JPEG, PNG, sniff_content_type
from skillcert.occupations.choices import LEVEL_CHOICES
from skillcert.plans.selectors import offerings_open_for_application, plans_visible

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan


# --- candidate ---------------------------------------------------------------------------


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    if candidate is None:
        return redirect("candidates:profile")
    rows = applications_visible(scope=scope_for(request.user)).filter(candidate=candidate)
    return render(
        request,
        "applications/my_list.html",
        {
            "applications": rows.order_by("-id"),
            "notifications": notifications_for(candidate_id=candidate.pk)[:10],
            "candidate": candidate,
        },
    )


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_user(user=request.user)
    if candidate is None:
        return redirect("candidates:profile")
    offerings = offerings_open_for_application(day=timezone.localdate())
    chosen: dict[str, Any] = {
        "offering": request.POST.get("offering", ""),
        "needs_accommodation": request.POST.get("needs_accommodation") == "1",
        "accommodation_note": request.POST.get("accommodation_note", ""),
    }
    if request.method == "POST":
        offering = offerings.filter(pk=request.POST.get("offering") or 0).first()
        if offering is None:
            messages.error(request, "评价计划 · 职业 · 等级：请选择评价计划与申报等级")
        else:
            done = run_service(
                request,
                lambda: services.application_create(
                    candidate=candidate,
                    plan=offering.plan,
                    occupation=offering.occupation,
                    level=offering.level,
                    actor=request_actor(request),
                    needs_accommodation=chosen["needs_accommodation"],
                    accommodation_note=chosen["accommodation_note"],
                ),
                success="",
                next=lambda app: reverse("applications:detail", args=[app.pk]),
                stay=True,
            )
            if done is not None:
                return done
    return render(request, "applications/new.html", {"offerings": offerings, "chosen": chosen})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    app = get_object_in_scope(applications_visible(scope=scope), pk=pk)
    is_owner = app.candidate.user_id == request.user.pk
    org = app.plan.organization
    current_tier = QUEUE_TIER.get(app.status)
    can_review = current_tier is not None and may_review(
        scope=scope, tier=current_tier, organization_id=org.pk, region_code=org.region_id
    )
    can_override = (
        scope.is_officer
        and app.eligible is False
        and app.status in ("draft", "returned")
        and (
            may_review(
                scope=scope, tier=Tier.CITY, organization_id=org.pk, region_code=org.region_id
            )
            or may_review(
                scope=scope, tier=Tier.PROVINCE, organization_id=org.pk, region_code=org.region_id
            )
        )
    )
    return render(
        request,
        "applications/detail.html",
        {
            "app": app,
            "identity": identity_for_viewer(
                candidate=app.candidate, full=may_see_identity(scope=scope, application=app)
            ),
            "events": application_events(application=app),
            "is_owner": is_owner,
            "can_review": can_review,
            "current_tier": current_tier,
            "can_override": can_override,
            "clause_text": matched_clause_text(application=app),
            "materials": profile_for_review(snapshot=app.profile_snapshot or {}),
            "attachments": attachments_of(application=app),
            "has_photo": bool(app.candidate.photo),
        },
    )


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_in_scope(applications_visible(scope=scope_for(request.user)), pk=pk)


# The buttons of an application's page: each comes back to it.
APPLICATION: Actions[Application] = Actions(
    prefix="<int:pk>/",
    load=_application,
    back=lambda app: reverse("applications:detail", args=[app.pk]),
)


@APPLICATION.post("submit/", success="申报已提交", name="submit")
def application_submit(a: Act[Application]) -> object:
    return services.application_submit(application=a.obj, actor=a.actor)


@APPLICATION.post("resubmit/", success="申报已重新提交", name="resubmit")
def application_resubmit(a: Act[Application]) -> object:
    return services.application_resubmit(application=a.obj, actor=a.actor)


@APPLICATION.post("withdraw/", success="申报已撤回", name="withdraw")
def application_withdraw(a: Act[Application]) -> object:
    reason = a.posted("reason")
    return services.application_withdraw(application=a.obj, actor=a.actor, reason=reason)


@APPLICATION.post("attach/", success="材料已上传", name="attach")
def application_attach(a: Act[Application]) -> object:
    upload = a.request.FILES.get("file")
    if upload is None:
        raise DomainError("attachment.file_required", "请选择文件", field="file")
    kind = a.posted("kind")
    return services.attachment_add(application=a.obj, upload=upload, kind=kind, actor=a.actor)


@login_required
def attachment_view(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A supporting document, shown in the browser to whoever may see the application (the
    candidate, its reviewers). Served as the type its content proves, never as HTML; a file
    stored before the content checks that does not prove PDF, PNG or JPEG is not served."""
    app = get_object_in_scope(applications_visible(scope=scope_for(request.user)), pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=app)
    with attachment.file.open("rb") as handle:
        head = handle.read(512)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), content_type=content_type, as_attachment=False
    )
    response["Content-Disposition"] = content_disposition_header(False, attachment.name) or ""
    return _private(response)


def _private(response: FileResponse) -> FileResponse:
    """A person's document: never rendered as a page of the platform, never kept by a shared
    cache or the browser's disk cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def application_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """The candidate's certificate photo, for whoever may see the application (the candidate,
    its reviewers): addressed by the application's id, never by the file's path."""
    app = get_object_in_scope(applications_visible(scope=scope_for(request.user)), pk=pk)
    photo = app.candidate.photo
    if not photo:
        raise Http404("考生尚未上传证件照")
    with photo.open("rb") as handle:
        head = handle.read(512)
    content_type = sniff_content_type(head, (JPEG, PNG))
    if content_type is None:
        raise Http404("证件照文件无法识别")
    return _private(FileResponse(photo.open("rb"), content_type=content_type))


@APPLICATION.post("accommodation/", success="考场便利需求已保存", name="accommodation")
def application_accommodation(a: Act[Application]) -> object:
    needs, note = a.posted("needs_accommodation") == "1", a.posted("accommodation_note")
    return services.application_accommodation_set(
        application=a.obj, needs=needs, note=note, actor=a.actor
    )


@APPLICATION.post("review/", success="审核结论已保存", name="review_one")
def application_review(a: Act[Application]) -> object:
    tier, decision = a.posted("tier"), a.posted("decision")
    return services.application_review(
        application=a.obj, tier=tier, decision=decision, reason=a.posted("reason"), actor=a.actor
    )


@APPLICATION.post("override/", success="已破格受理", name="override")
def application_override(a: Act[Application]) -> object:
    return services.application_override(
        application=a.obj, reason=a.posted("reason"), actor=a.actor
    )


# --- reviewers ---------------------------------------------------------------------------


def _filters(params: QueryDict, tier: str) -> QueueFilters:
    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() else None

    return QueueFilters(
        tier=tier,
        city=params.get("city", "").strip()[:4],
        organization_id=number("org"),
        occupation_code=params.get("occupation", "").strip()[:11],
        level=number("level"),
        clause=params.get("clause", "").strip()[:80],
        flag=params.get("flag", ""),
        plan_id=number("plan"),
    )


@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    tiers = reviewer_tiers(scope=scope)
    if not tiers:
        raise Http404
    tier = request.GET.get("tier", tiers[0])
    if tier not in tiers:
        tier = tiers[0]
    filters = _filters(request.GET, tier)
    rows = review_queue(scope=scope, filters=filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "申报审核.xlsx",
            [
                "申报编号",
                "姓名",
                "证件号码",
                "评价计划",
                "机构",
                "职业",
                "等级",
                "符合条款",
                "标记",
            ],
            (
                (
                    a.pk,
                    a.candidate.full_name,
                    a.candidate.id_number_masked,
                    a.plan.code,
                    a.plan.organization.name,
                    a.occupation.name,
                    a.level,
                    a.matched_clause or ("破格受理" if a.override_reason else ""),
                    "、".join(_flags(a)),
                )
                for a in rows
            ),
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/review_queue.html",
        {
            "page": page,
            "rows": [(a, _flags(a), matched_clause_text(application=a)) for a in page],
            "tier": tier,
            "tiers": [(t, Tier(t).label) for t in tiers],
            "filters": filters,
            "levels": LEVEL_CHOICES,
            "query": request.GET.urlencode(),
            "plans": plans_visible(scope=scope).order_by("-id")[:50],
        },
    )


def _flags(app: Application) -> list[str]:
    flags = []
    if app.flag_birth_mismatch:
        flags.append("出生日期与身份证不一致")
    if app.flag_photo_failed:
        flags.append("照片未通过检查")
    if app.override_reason:
        flags.append("破格受理")
    if app.needs_accommodation:
        flags.append("需要考场便利")
    return flags


@login_required
@require_POST
def review_bulk_view(request: HttpRequest) -> HttpResponse:
    """Approve the ticked applications of one tier's queue, in two steps: the first post shows
    how many will be approved and asks to confirm; only the confirmed post (`confirm=1`)
    approves. Nothing ticked approves nothing."""
    scope = scope_for(request.user)
    tiers = reviewer_tiers(scope=scope)
    if request.POST.get("tier", "") not in tiers:
        raise Http404
    form = BulkApproveForm(request.POST)
    form.set_choices("tier", [(t, Tier(t).label) for t in tiers])
    # the queue's filters travel in the form, re-encoded so only a query string goes back
    filters = QueryDict(request.POST.get("query", "")[:2000]).urlencode()
    queue_url = f"{reverse('applications:review')}?{filters}"
    if not form_valid_or_flash(request, form):
        return redirect(queue_url)
    tier: str = form.cleaned_data["tier"]
    rows = review_queue_ticked(scope=scope, tier=tier, ids=form.cleaned_data["ids"])
    if not form.cleaned_data["confirm"]:
        waiting = list(rows.select_related("plan__organization", "occupation"))
        if not waiting:
            messages.error(
                request, f"所勾选的申报都不在{Tier(tier).label}待审队列中，未通过任何申报"
            )
            return redirect(queue_url)
        return render(
            request,
            "applications/review_bulk_confirm.html",
            {
                "rows": [(a, matched_clause_text(application=a)) for a in waiting],
                "tier": tier,
                "tier_label": Tier(tier).label,
                "query": form.cleaned_data["query"],
                "reason": form.cleaned_data["reason"],
                "queue_url": queue_url,
            },
        )
    ids = list(rows.values_list("pk", flat=True))
    return run_action(
        request,
        lambda: services.applications_approve_bulk(
            application_ids=ids,
            tier=tier,
            actor=request_actor(request),
            reason=form.cleaned_data["reason"],
        ),
        success=lambda count: f"已批量通过 {count} 件",
        next=queue_url,
    )


@login_required
def plan_review_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    scope = scope_or_404(request.user, org_staff=True)
    plan = get_object_in_scope(plans_visible(scope=scope), pk=plan_pk)
    if request.method == "POST":
        tier = request.POST.get("tier", "")
        seed_text = request.POST.get("seed", "").strip()
        return run_action(
            request,
            lambda: services.sample_draw(
                plan=plan,
                tier=tier,
                actor=request_actor(request),
                seed=int(seed_text) if seed_text.isdigit() else None,
            ),
            success=lambda draw: (
                f"已抽取 {len(draw.sampled)}/{len(draw.population)} 件，种子 {draw.seed}"
            ),
            next=reverse("applications:plan_review", args=[plan.pk]),
        )
    return render(
        request,
        "applications/plan_review.html",
        {
            "plan": plan,
            "draws": sample_draws_of(plan_id=plan.pk),
            "offerings": plan.offerings.select_related("occupation"),
            "imports": roster_imports_visible(scope=scope).filter(plan=plan)[:20],
            "may_upload": scope.is_platform or plan.organization_id in scope.organization_ids,
        },
    )


# --- roster ------------------------------------------------------------------------------


@login_required
def roster_template_view(request: HttpRequest) -> HttpResponse:
    return attachment_response(roster_template(), "花名册模板.xlsx", XLSX)


@login_required
@require_POST
def roster_upload_view(request: HttpRequest, plan_pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    plan: EvaluationPlan = get_object_in_scope(plans_visible(scope=scope), pk=plan_pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择花名册文件")
        return redirect("applications:plan_review", plan_pk=plan.pk)
    return run_action(
        request,
        lambda: services.roster_upload_create(
            plan=plan,
            upload=upload,
            actor=request_actor(request),
            partial=request.POST.get("partial") == "1",
            dry_run=request.POST.get("dry_run") == "1",
        ),
        success="",
        next=lambda job: reverse("applications:roster_status", args=[job.pk]),
        back=reverse("applications:plan_review", args=[plan.pk]),
    )


@login_required
def roster_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_in_scope(roster_imports_visible(scope=scope_for(request.user)), pk=pk)
    return job_page(
        request,
        "applications/roster_status.html",
        "applications/_roster_progress.html",
        {
            "job": job,
            "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "errors": [e for e in job.errors if e.get("severity") != WARNING][:200],
            "warnings": [e for e in job.errors if e.get("severity") == WARNING][:200],
        },
    )


@login_required
def roster_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_in_scope(roster_imports_visible(scope=scope_for(request.user)), pk=pk)
    if not job.file:  # erased with a person's data (retention): nothing to report from
        raise Http404(job.message or "花名册文件已删除")
    job.file.open("rb")
    try:
        sheet = read_roster(job.file.read())
    except DomainError as exc:
        raise Http404(exc.message) from None
    finally:
        job.file.close()
    errors = [RowError(**e) for e in job.errors]
    return attachment_response(
        roster_error_report(sheet, errors), f"花名册错误报告-{job.pk}.xlsx", XLSX
    )
