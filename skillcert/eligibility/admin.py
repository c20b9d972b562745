from django.contrib import admin
from django.http import HttpRequest

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.eligibility.models import Clause, RuleSet


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0
    readonly_fields = ["level", "letter", "text", "condition", "exempt", "replaces", "position"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RuleSet)
class RuleSetAdmin(AuditedModelAdmin):
    """Versions are immutable: they are published through `rule_set_publish`, never edited."""

    list_display = ["code", "version", "title", "extends", "province", "published_at"]
    search_fields = ["code", "title"]
    inlines = [ClauseInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
