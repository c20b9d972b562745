"""Roster upload (the web path; the command calls importing.roster_import directly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from skillcert.accounts.actors import Actor, actor_user
from skillcert.accounts.scope import scope_for
from skillcert.applications.models import (
    RosterImport,
)
from skillcert.audit.services import audited_create
from skillcert.common.errors import DomainError, Forbidden

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan

# --- roster upload (the web path; the command calls importing.roster_import directly) ----

ROSTER_MAX_BYTES = 50 * 1024 * 1024


def roster_upload_create(
    *, plan: EvaluationPlan, upload: UploadedFile, actor: Actor, partial: bool, dry_run: bool
) -> RosterImport:
    """Store the file and queue the import as a background task (after commit, so the
    worker finds the row)."""
    from skillcert.applications.tasks import roster_import_run

    scope = scope_for(actor)
    if not (scope.is_platform or plan.organization_id in scope.organization_ids):
        raise Forbidden("roster.forbidden", "只有本评价机构的工作人员可以导入花名册")
    name = upload.name or "roster.xlsx"
    if not name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise DomainError("roster.file_type", "请上传 Excel 文件（.xlsx 或 .xls）", field="file")
    if (upload.size or 0) > ROSTER_MAX_BYTES:
        raise DomainError("roster.too_large", "文件不能超过50MB", field="file")
    with transaction.atomic():
        job = audited_create(
            RosterImport,
            actor=actor,
            action="roster.upload",
            changes={"plan": plan.code, "partial": partial, "dry_run": dry_run},
            plan=plan,
            file=upload,
            file_name=name[:200],
            partial=partial,
            dry_run=dry_run,
            created_by=actor_user(actor),
        )
        transaction.on_commit(lambda: roster_import_run.enqueue(job.pk))
    return job
