from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.candidates.models import (
    Candidate,
    Education,
    HeldCertificate,
    IdentityClaim,
    Title,
    WorkPeriod,
)
from skillcert.common.readonly_admin import ReadOnlyAdmin


@admin.register(Candidate)
class CandidateAdmin(AuditedModelAdmin):
    list_display = ("id", "full_name", "id_number_masked", "birth_date", "photo_ok", "user")
    search_fields = ("full_name",)
    # ID number and phone are encrypted and have digests; they are not edited here.
    exclude = ("id_number", "id_number_digest", "phone", "phone_digest")
    readonly_fields = ("birth_date", "gender", "photo_ok", "photo_problems")


@admin.register(IdentityClaim)
class IdentityClaimAdmin(ReadOnlyAdmin):
    """To look at only: a claim is settled by an activation code, never by hand."""

    list_display = ("id", "user", "status", "attempts", "created_at", "claimed_at")
    list_filter = ("status",)
    exclude = ("id_number_digest",)


for model in (WorkPeriod, HeldCertificate, Education, Title):
    admin.site.register(model, AuditedModelAdmin)
