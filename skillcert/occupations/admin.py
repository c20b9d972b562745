from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.occupations.models import (
    DirectoryChange,
    DirectoryEntry,
    Element,
    LegacyLevel,
    Occupation,
    Specialty,
    Standard,
    WeightItem,
)


class SpecialtyInline(admin.TabularInline):
    model = Specialty
    extra = 0


@admin.register(Occupation)
class OccupationAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "certification_kind", "code_note"]
    list_filter = ["certification_kind"]
    search_fields = ["code", "name"]
    inlines = [SpecialtyInline]


@admin.register(Standard)
class StandardAdmin(AuditedModelAdmin):
    list_display = ["name", "occupation", "kind", "edition_year", "rule_set_code"]
    list_filter = ["kind", "edition_year"]
    search_fields = ["name", "code", "occupation__code", "occupation__name"]


@admin.register(WeightItem)
class WeightItemAdmin(AuditedModelAdmin):
    list_display = ["standard", "part", "level", "section", "item", "percent"]
    list_filter = ["part", "level"]


@admin.register(Element)
class ElementAdmin(AuditedModelAdmin):
    list_display = ["standard", "code", "name", "importance"]
    search_fields = ["code", "name"]


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(AuditedModelAdmin):
    """Read-only: listing and removal go through the services, which keep the history."""

    list_display = [
        "occupation",
        "level",
        "province",
        "effective_from",
        "effective_to",
        "document_no",
    ]
    list_filter = ["level", "province"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(DirectoryChange)
class DirectoryChangeAdmin(DirectoryEntryAdmin):
    list_display = ["entry", "action", "effective_date", "document_no", "reason", "actor"]
    list_filter = ["action"]


admin.site.register(LegacyLevel, AuditedModelAdmin)
