from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.plans.models import EvaluationPlan, PlanFiling, PlanOffering, PlanSession


class PlanOfferingInline(admin.TabularInline):
    model = PlanOffering
    extra = 0


class PlanSessionInline(admin.TabularInline):
    model = PlanSession
    extra = 0


class PlanFilingInline(admin.TabularInline):
    """Filings are records: read-only here (plan_file / plan_review write them)."""

    model = PlanFiling
    extra = 0
    can_delete = False
    readonly_fields = ("revision", "filed_on", "first_exam_on", "decision", "reason", "reviewed_at")
    exclude = ("snapshot", "filed_by", "reviewed_by")


@admin.register(EvaluationPlan)
class EvaluationPlanAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "title",
        "organization",
        "window_opens",
        "window_closes",
        "status",
        "filing_status",
    )
    list_filter = ("status", "filing_status", "kind")
    search_fields = ("code", "title")
    # The seat counter moves only through plan_seats_reserve/release.
    # The filing status moves only through plan_file/plan_review.
    readonly_fields = ("seats_taken", "status", "filing_status", "revision")
    inlines = [PlanOfferingInline, PlanSessionInline, PlanFilingInline]
