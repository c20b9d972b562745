from django.contrib import admin

from skillcert.audit.models import AuditEvent
from skillcert.common.readonly_admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is evidence, nobody edits it through the application."""

    list_display = ["id", "created_at", "actor_ref", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_ref", "object_repr", "object_id", "request_id"]
