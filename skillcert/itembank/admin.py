"""Admin for item-bank metadata. Item text is not shown here at all (no field, no export):
content is read only through the pages and API, which log every read."""

from __future__ import annotations

from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.common.readonly_admin import ReadOnlyAdmin
from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemAccessLog,
    ItemAssignment,
    ItemBank,
    ItemBankRole,
    Paper,
    PaperAccessLog,
)


@admin.register(ItemBankRole)
class ItemBankRoleAdmin(AuditedModelAdmin):
    list_display = ["user", "bank", "occupation", "role", "active"]
    list_filter = ["role", "active"]
    raw_id_fields = ["user", "bank", "occupation"]


@admin.register(ItemBank)
class ItemBankAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "province", "organization", "created_at"]


@admin.register(ItemAssignment)
class ItemAssignmentAdmin(ReadOnlyAdmin):
    """Assignments are made and revoked on the item page (audited), not here."""

    list_display = ["item", "user", "reason", "active", "assigned_by", "assigned_at"]
    list_filter = ["active"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "bank",
        "occupation",
        "level",
        "item_type",
        "status",
        "version",
        "difficulty",
        "exposure_count",
    ]
    list_filter = ["status", "item_type", "level"]
    search_fields = ["code"]
    exclude = ["content"]
    readonly_fields = [
        "bank",
        "occupation",
        "level",
        "element",
        "code",
        "item_type",
        "status",
        "score",
        "difficulty",
        "discrimination",
        "exposure_count",
        "enemy_group",
        "author",
        "reviewer",
        "version",
    ]


@admin.register(AssemblyBlueprint)
class BlueprintAdmin(ReadOnlyAdmin):
    list_display = ["name", "bank", "occupation", "level", "difficulty_mean", "max_overlap"]


@admin.register(Paper)
class PaperAdmin(ReadOnlyAdmin):
    list_display = ["code", "bank", "blueprint", "form_number", "status", "release_at"]
    exclude = ["sealed_pdf"]


@admin.register(ItemAccessLog)
class ItemAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "actor_ref", "item", "purpose", "ip"]
    list_filter = ["purpose"]


@admin.register(PaperAccessLog)
class PaperAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "paper", "action"]
