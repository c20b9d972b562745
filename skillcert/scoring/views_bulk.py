"""The dedicated entry account's score sheet (成绩录入表): its template for one part of the
batch, and its upload, which enters every filled score through `results_score_enter_bulk`
(all or none). A refused file or row is shown on the entry page beside the upload, naming
the line and the column; nothing is entered."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_sheet_upload
from skillcert.scoring import rules, selectors, services
from skillcert.scoring.forms_bulk import (
    TEMPLATE_HEADERS,
    ScoreSheetForm,
    SheetCandidate,
    score_sheet_read,
)
from skillcert.scoring.models import PartState, ResultBatch
from skillcert.scoring.views_actions import ENTRY_ONLY, entry_page, forbidden_page


def _batch(request: HttpRequest, pk: int) -> ResultBatch:
    return get_object_in_scope(selectors.batches_visible(scope=scope_for(request.user)), pk=pk)


def _candidates(request: HttpRequest, batch: ResultBatch) -> dict[str, SheetCandidate]:
    rows = (
        selectors.results_visible(scope=scope_for(request.user))
        .filter(batch=batch)
        .values_list("candidate_ref", "pk", "application__candidate__full_name")
    )
    return {ref: SheetCandidate(pk, name) for ref, pk, name in rows}


def _on_its_line(error: DomainError, lines: dict[str, int]) -> DomainError:
    """The service names the candidate it refuses (“考生 R001 …”); say the sheet's line too."""
    found = re.search(r"考生 (\S+?) ", error.message)
    line = lines.get(found.group(1)) if found else None
    if line is None:
        return error
    return DomainError(error.code, f"第{line}行：{error.message}", field="file")


@login_required
@require_POST
def entry_sheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.entry_account_id != request.user.pk:
        return forbidden_page(request, ENTRY_ONLY)
    form = ScoreSheetForm(request.POST, request.FILES, prefix="sheet")
    if form.is_valid():
        part = form.cleaned_data["part"]
        done = run_sheet_upload(
            request,
            form,
            read=lambda content, filename: score_sheet_read(
                content, filename=filename, candidates=_candidates(request, batch)
            ),
            apply=lambda sheet: services.results_score_enter_bulk(
                batch=batch, part=part, scores=sheet.scores, actor=request_actor(request)
            ),
            on_line=lambda exc, sheet: _on_its_line(exc, sheet.lines),
            success=lambda count: f"已从成绩录入表录入{count}名考生的{rules.PART_NAMES[part]}成绩",
            next=reverse("scoring:entry", args=[batch.pk]),
        )
        if done is not None:
            return done
    return entry_page(request, batch, sheet_form=form)


@login_required
@require_GET
def entry_sheet_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet to fill for one part: every candidate of the batch who sits it."""
    batch = _batch(request, pk)
    if batch.entry_account_id != request.user.pk:
        return forbidden_page(request, ENTRY_ONLY)
    part = request.GET.get("part", "theory")
    if part not in rules.PART_NAMES:
        part = "theory"
    results = (
        selectors.results_visible(scope=scope_for(request.user))
        .filter(batch=batch)
        .exclude(**{f"{part}_state": PartState.NOT_REQUIRED})
        .order_by("candidate_ref")
    )
    rows = [
        [
            r.candidate_ref,
            r.application.candidate.full_name,
            r.occupation.name,
            r.get_level_display(),
            None,
        ]
        for r in results
    ]
    # Candidates' names leave the platform: on the record like every export.
    audit_record(
        actor=request_actor(request),
        action="result.export",
        obj=batch,
        changes={"template": [None, part], "count": [None, len(rows)]},
    )
    return xlsx_response(
        f"成绩录入表_{batch.plan.code}_{rules.PART_NAMES[part]}.xlsx", TEMPLATE_HEADERS, rows
    )
