from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from skillcert.accounts.models import ApiToken, RoleAssignment, User
from skillcert.common.admin import AuditedModelAdmin


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region", "organization"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name"]
    ordering = ["username"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "email", "phone")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at", "revoked"]
    readonly_fields = ["digest"]
