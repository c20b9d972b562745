from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.organizations.models import EvaluationOrg


@admin.register(EvaluationOrg)
class EvaluationOrgAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "uscc", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["region"]
