from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.exams.models import (
    AdmissionTicket,
    District,
    LogisticsPolicy,
    Room,
    Site,
    Sitting,
    TimeSlot,
)


@admin.register(LogisticsPolicy)
class LogisticsPolicyAdmin(AuditedModelAdmin):
    """The province's exam rules are data: edited here, audited."""

    list_display = ("province", "invigilator_per", "examiner_per", "late_entry_minutes")


@admin.register(Sitting)
class SittingAdmin(AuditedModelAdmin):
    list_display = ("code", "title", "province", "year", "serial")
    search_fields = ("code", "title")


@admin.register(District)
class DistrictAdmin(AuditedModelAdmin):
    list_display = ("name", "sitting", "office_name", "status")
    # Postponement goes through district_postpone (slots, tickets, notices together).
    readonly_fields = ("status", "status_reason")


@admin.register(Site)
class SiteAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "district", "address")


@admin.register(Room)
class RoomAdmin(AuditedModelAdmin):
    list_display = ("code", "site", "kind", "rows", "cols", "door", "accessible")


@admin.register(TimeSlot)
class TimeSlotAdmin(AuditedModelAdmin):
    list_display = ("district", "subject", "starts_at", "ends_at")


@admin.register(AdmissionTicket)
class AdmissionTicketAdmin(AuditedModelAdmin):
    list_display = ("ticket_no", "district", "revision", "issued_at")
    search_fields = ("ticket_no",)
    readonly_fields = ("ticket_no", "token", "application", "sitting", "district", "revision")
