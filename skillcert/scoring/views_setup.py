"""Setting a batch up in the browser, once the plan's exam is over: opening the batch, the
dedicated entry account, the people of each duty, the blind scripts from the sealed paper, and
the answer files scored by a background job with a progress page.

Only the organisation's staff and the officers over it reach these pages (404 for anyone else);
each view parses its form and runs one service. A service's refused input lands beside the
field on the batch page, shown again with what was chosen (status 400)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_or_404
from skillcert.common.job_pages import job_page
from skillcert.common.service_runner import run_action, run_service
from skillcert.plans.selectors import plans_visible
from skillcert.scoring import selectors, services
from skillcert.scoring.forms import BatchStaffForm, EntryAccountForm, PaperForm, ResponseUploadForm
from skillcert.scoring.models import BatchDuty, BatchStatus, ResultBatch
from skillcert.scoring.tasks import response_upload_start

if TYPE_CHECKING:
    from skillcert.common.forms import NamedErrorsForm

DUTY_HELP = {
    BatchDuty.MARKER: "主观题盲评双评，至少 2 人",
    BatchDuty.CHIEF_MARKER: "阅卷组长：分差过大时仲裁，可任成绩录入专用账号",
    BatchDuty.PRACTICAL: "操作技能考评员：不少于 3 人且为单数",
    BatchDuty.PANEL: "二级、一级综合评审专家：不少于 3 人且为单数，至少半数轮换",
}


def _managed_batch(request: HttpRequest, pk: int) -> ResultBatch:
    scope = scope_or_404(request.user, org_staff=True)
    return get_object_in_scope(selectors.batches_visible(scope=scope), pk=pk)


def _batch_page(batch: ResultBatch) -> str:
    return reverse("scoring:batch", args=[batch.pk])


# --- the panel on the batch page ----------------------------------------------------------------


def setup_panel(
    batch: ResultBatch, bound: dict[str, NamedErrorsForm] | None = None
) -> dict[str, Any]:
    """The set-up forms of the batch page (the bound one, with its errors, when a post was
    refused)."""
    bound = bound or {}
    people = selectors.staff_choices(batch=batch)
    duties = []
    for duty, label in BatchDuty.choices:
        current = selectors.staff_of(batch=batch, duty=duty).order_by("person__name")
        form = bound.get(duty) or BatchStaffForm(
            prefix=duty,
            people=people,
            initial={"people": [s.person_id for s in current]},
        )
        duties.append(
            {
                "duty": duty,
                "label": label,
                "help": DUTY_HELP[BatchDuty(duty)],
                "current": [s.person.name for s in current],
                "form": form,
            }
        )
    papers = selectors.batch_papers(batch=batch)
    return {
        "open": batch.status == BatchStatus.ENTERING,
        "entry_form": bound.get("entry")
        or EntryAccountForm(
            prefix="entry",
            users=selectors.entry_account_choices(batch=batch),
            initial={"user": batch.entry_account_id},
        ),
        "entry_account": batch.entry_account,
        "duties": duties,
        "scripts_form": bound.get("scripts") or PaperForm(prefix="scripts", papers=papers),
        "upload_form": bound.get("upload") or ResponseUploadForm(prefix="upload", papers=papers),
        "uploads": batch.uploads.select_related("paper").order_by("-pk")[:20],
    }


def _refused(request: HttpRequest, batch: ResultBatch, key: str, form: Any) -> HttpResponse:
    # Imported here: the batch page's module imports this one for `setup_panel`.
    from skillcert.scoring.views import render_batch_page

    return render_batch_page(request, batch, setup_forms={key: form}, status=400)


# --- opening a batch -----------------------------------------------------------------------------


@login_required
@require_POST
def batch_open(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Open the result batch of a plan whose exam is over (from the batch list)."""
    scope = scope_or_404(request.user, org_staff=True)
    plan = get_object_in_scope(plans_visible(scope=scope), pk=plan_pk)
    user = request_actor(request)
    return run_action(
        request,
        lambda: services.batch_open_after_exam(plan=plan, actor=user, now=timezone.now()),
        success=lambda batch: f"已建立计划 {plan.code} 的成绩批次",
        next=lambda batch: _batch_page(batch),
        back=reverse("scoring:batches"),
    )


# --- the entry account, the staff, the scripts ---------------------------------------------------


@login_required
@require_POST
def batch_entry_account(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _managed_batch(request, pk), request_actor(request)
    form = EntryAccountForm(
        request.POST, prefix="entry", users=selectors.entry_account_choices(batch=batch)
    )
    if not form.is_valid():
        return _refused(request, batch, "entry", form)
    account = form.cleaned_data["user"]
    done = run_service(
        request,
        lambda: services.batch_entry_account_set(batch=batch, user=account, actor=user),
        success=f"已指定 {account.username} 为成绩录入专用账号",
        next=_batch_page(batch),
        form=form,
    )
    return done if done is not None else _refused(request, batch, "entry", form)


@login_required
@require_POST
def batch_staff(request: HttpRequest, pk: int, duty: str) -> HttpResponse:
    batch, user = _managed_batch(request, pk), request_actor(request)
    if duty not in BatchDuty.values:
        raise Http404
    form = BatchStaffForm(request.POST, prefix=duty, people=selectors.staff_choices(batch=batch))
    if not form.is_valid():
        return _refused(request, batch, duty, form)
    people = list(form.cleaned_data["people"])
    done = run_service(
        request,
        lambda: services.staff_set(batch=batch, duty=duty, people=people, actor=user),
        success=f"已安排{BatchDuty(duty).label} {len(people)} 人",
        next=_batch_page(batch),
        form=form,
    )
    return done if done is not None else _refused(request, batch, duty, form)


@login_required
@require_POST
def batch_scripts(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _managed_batch(request, pk), request_actor(request)
    form = PaperForm(request.POST, prefix="scripts", papers=selectors.batch_papers(batch=batch))
    if not form.is_valid():
        return _refused(request, batch, "scripts", form)
    paper = form.cleaned_data["paper"]
    done = run_service(
        request,
        lambda: services.scripts_create(batch=batch, paper=paper, actor=user),
        success=lambda n: f"已按试卷 {paper.code} 分发主观题答卷 {n} 份",
        next=_batch_page(batch),
        form=form,
    )
    return done if done is not None else _refused(request, batch, "scripts", form)


# --- answer files ------------------------------------------------------------------------------


@login_required
@require_POST
def batch_responses(request: HttpRequest, pk: int) -> HttpResponse:
    batch, user = _managed_batch(request, pk), request_actor(request)
    form = ResponseUploadForm(
        request.POST, request.FILES, prefix="upload", papers=selectors.batch_papers(batch=batch)
    )
    if not form.is_valid():
        return _refused(request, batch, "upload", form)
    paper, upload = form.cleaned_data["paper"], form.cleaned_data["file"]
    done = run_service(
        request,
        lambda: response_upload_start(batch=batch, paper=paper, upload=upload, actor=user),
        success="作答文件已上传，正在后台校验和评分",
        next=lambda job: reverse("scoring:response_upload", args=[job.pk]),
        form=form,
    )
    return done if done is not None else _refused(request, batch, "upload", form)


@login_required
@require_GET
def response_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress (the fragment alone for htmx's polling), then its errors per row."""
    scope = scope_or_404(request.user, org_staff=True)
    job = get_object_in_scope(selectors.response_uploads_visible(scope=scope), pk=pk)
    return job_page(
        request,
        "scoring/response_upload.html",
        "scoring/_response_progress.html",
        {"job": job, "errors": job.errors[:500]},
    )
