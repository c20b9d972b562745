from django.contrib import admin

from skillcert.common.admin import AuditedModelAdmin
from skillcert.plans.models import EvaluationPlan, PlanOffering


class PlanOfferingInline(admin.TabularInline):
    model = PlanOffering
    extra = 0


@admin.register(EvaluationPlan)
class EvaluationPlanAdmin(AuditedModelAdmin):
    list_display = ("code", "title", "organization", "window_opens", "window_closes", "status")
    list_filter = ("status",)
    search_fields = ("code", "title")
    # The seat counter moves only through plan_seats_reserve/release.
    readonly_fields = ("seats_taken", "status")
    inlines = [PlanOfferingInline]
