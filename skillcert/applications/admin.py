from django.contrib import admin

from skillcert.applications.models import (
    Application,
    Notification,
    ReviewEvent,
    RosterImport,
    SampleDraw,
)
from skillcert.audit.audited_admin import AuditedModelAdmin


class ReadOnlyAdmin(AuditedModelAdmin):
    """Statuses move only through services; the admin shows, it does not edit."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("id", "plan", "candidate", "occupation", "level", "status", "eligible")
    list_filter = ("status", "level", "source")
    search_fields = ("plan__code", "candidate__full_name", "matched_clause")
    list_select_related = ("plan", "candidate", "occupation")


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "application", "transition", "from_status", "to_status", "actor_ref")


@admin.register(SampleDraw)
class SampleDrawAdmin(ReadOnlyAdmin):
    list_display = ("id", "plan", "tier", "rate", "seed", "created_at")


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ("id", "plan", "file_name", "status", "imported", "error_count", "created_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "candidate", "subject", "created_at", "read_at")
