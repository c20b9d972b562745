from django.contrib import admin

from skillcert.candidates.models import Candidate, Education, HeldCertificate, Title, WorkPeriod
from skillcert.common.admin import AuditedModelAdmin


@admin.register(Candidate)
class CandidateAdmin(AuditedModelAdmin):
    list_display = ("id", "full_name", "id_number_masked", "birth_date", "photo_ok", "user")
    search_fields = ("full_name",)
    # ID number and phone are encrypted and have digests; they are not edited here.
    exclude = ("id_number", "id_number_digest", "phone", "phone_digest")
    readonly_fields = ("birth_date", "gender", "photo_ok", "photo_problems")


for model in (WorkPeriod, HeldCertificate, Education, Title):
    admin.site.register(model, AuditedModelAdmin)
