"""Filing application pages: the application with its scope, evidence and reviews, one view
per step (scope, evidence, submit, withdraw, review), the officers' review queue and the
download of an uploaded document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for, scope_or_404
from skillcert.common.actions import Act, Actions
from skillcert.common.file_downloads import stored_file_response
from skillcert.common.forms import form_valid_or_flash
from skillcert.common.lists import list_page
from skillcert.common.service_runner import run_action
from skillcert.common.uploads import MAX_UPLOAD_BYTES
from skillcert.organizations import filing
from skillcert.organizations.forms import EvidenceForm, ReviewForm, ScopeForm, parse_scope_lines
from skillcert.organizations.models import (
    FilingApplication,
    FilingCondition,
    FilingStatus,
    ReviewTier,
)
from skillcert.organizations.permissions import (
    is_officer_over,
    is_province_officer_over,
    is_staff_of,
)
from skillcert.organizations.selectors import (
    files_visible,
    filing_applications_visible,
    filing_review_queue,
)
from skillcert.organizations.uploads import file_store


def _application_for(request: HttpRequest, pk: int) -> tuple[FilingApplication, Scope]:
    scope = scope_for(request.user)
    return get_object_in_scope(filing_applications_visible(scope=scope), pk=pk), scope


def _filing_url(application: FilingApplication) -> str:
    return reverse("organizations:filing", args=[application.pk])


# Each filing step comes back to the application page, success or refused input alike.
FILING: Actions[FilingApplication] = Actions(
    prefix="filings/<int:pk>/",
    load=lambda request, pk: _application_for(request, pk)[0],
    back=_filing_url,
)


@login_required
@require_safe
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application, scope = _application_for(request, pk)
    org = application.org
    lines = application.lines.select_related("occupation", "specialty")
    is_staff = is_staff_of(scope, org)
    can_review = (application.status == FilingStatus.SUBMITTED and is_officer_over(scope, org)) or (
        application.status == FilingStatus.CITY_APPROVED and is_province_officer_over(scope, org)
    )
    return render(
        request,
        "organizations/filing_detail.html",
        {
            "application": application,
            "org": org,
            "lines": lines,
            "checklist": filing.filing_checklist(application=application),
            "reviews": application.reviews.select_related("actor"),
            "editable": application.status in filing.EDITABLE and is_staff,
            "can_withdraw": is_staff
            and application.status
            in (FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED),
            "can_review": can_review and not is_staff,
            "scope_form": ScopeForm(
                initial={
                    "lines": "\n".join(
                        f"{line.occupation.code} {line.level}"
                        + (f" {line.specialty.name}" if line.specialty else "")
                        for line in lines
                    )
                }
            ),
            "review_form": ReviewForm(),
        },
    )


@FILING.post("scope/", form=ScopeForm, success="认定范围已保存", name="filing_scope")
def filing_scope_save(a: Act[FilingApplication]) -> object:
    lines = parse_scope_lines(a.data["lines"])
    return filing.filing_scope_set(application=a.obj, lines=lines, actor=a.actor)


@login_required
@require_POST
def filing_evidence_save(request: HttpRequest, pk: int) -> HttpResponse:
    application, _ = _application_for(request, pk)
    org, user = application.org, request_actor(request)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + 64 * 1024:
        messages.error(request, f"文件超过上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
        return redirect("organizations:filing", application.pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form_valid_or_flash(request, form):
        return redirect("organizations:filing", application.pk)
    d = form.cleaned_data
    item = get_object_in_scope(FilingCondition.objects.filter(kind=org.kind), pk=d["item"])

    def save_evidence() -> None:
        stored = file_store(org=org, upload=d["file"], actor=user) if d["file"] else None
        filing.filing_evidence_set(
            application=application,
            item=item,
            file=stored,
            number_value=d["number_value"],
            text_value=d["text_value"],
            declared=d["declared"],
            actor=user,
        )

    return run_action(
        request, save_evidence, success=f"已保存“{item.title}”的材料", next=_filing_url(application)
    )


@FILING.post("submit/", success="已提交，等待审核")
def filing_submit(a: Act[FilingApplication]) -> object:
    return filing.filing_submit(application=a.obj, actor=a.actor)


@FILING.post("withdraw/", success="已撤回申请")
def filing_withdraw(a: Act[FilingApplication]) -> object:
    return filing.filing_withdraw(application=a.obj, actor=a.actor)


@FILING.post("review/", form=ReviewForm, success="审核意见已保存")
def filing_review(a: Act[FilingApplication]) -> object:
    city = a.obj.status == FilingStatus.SUBMITTED
    tier = ReviewTier.CITY if city else ReviewTier.PROVINCE
    return filing.filing_review(application=a.obj, tier=tier, actor=a.actor, **a.data)


@login_required
def filing_queue(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request.user)
    rows = filing_review_queue(scope=scope)
    return list_page(request, "organizations/filing_queue.html", rows, {})


@login_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """Always an attachment, with the detected type and a sandboxing CSP, so a file can
    never be rendered or run in the platform's origin."""
    stored = get_object_in_scope(files_visible(scope=scope_for(request.user)), pk=pk)
    return stored_file_response(stored)
