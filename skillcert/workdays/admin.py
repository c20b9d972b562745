from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.workdays.models import CalendarDay, CalendarYear

admin.site.register(CalendarYear, AuditedModelAdmin)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
