"""Province data (rates, deadlines, checklist items) is edited in the admin, audited; the
records of draws, visits and complaints are changed only by the services."""

from __future__ import annotations

from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.supervision.models import ChecklistItem, SupervisionPolicy


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(AuditedModelAdmin):
    list_display = (
        "province",
        "process_sample_rate",
        "corrective_workdays",
        "complaint_handling_workdays",
    )


@admin.register(ChecklistItem)
class ChecklistItemAdmin(AuditedModelAdmin):
    list_display = ("kind", "position", "code", "title", "active")
    list_filter = ("kind", "active")
