from django.contrib import admin

from skillcert.audit.audited_admin import AuditedModelAdmin
from skillcert.personnel.models import (
    Card,
    IntegrityEntry,
    Person,
    PersonRole,
    ProvincePolicy,
    QualificationClause,
    QualificationRule,
    Registration,
    TrainingPlan,
)


@admin.register(ProvincePolicy)
class ProvincePolicyAdmin(AuditedModelAdmin):
    list_display = [
        "province",
        "registration_workdays_examiner",
        "registration_workdays_senior",
        "card_validity_years",
        "collection_workdays",
        "max_consecutive_sittings",
    ]


class ClauseInline(admin.TabularInline):
    model = QualificationClause
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # versions are never edited: publish the next one


@admin.register(QualificationRule)
class QualificationRuleAdmin(AuditedModelAdmin):
    list_display = ["code", "version", "role", "province", "occupation_code", "title"]
    list_filter = ["role"]
    inlines = [ClauseInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["name", "id_number_masked", "employer_name", "region", "status"]
    search_fields = ["name"]  # the ID number is encrypted: find people on /personnel/
    list_filter = ["status"]
    # ID number and phone are encrypted and have digests; they are not edited or shown here.
    exclude = ["id_number", "id_number_digest", "phone", "phone_digest"]
    readonly_fields = ["id_number_masked", "gender", "birth_date", "status", "status_reason"]


@admin.register(PersonRole)
class PersonRoleAdmin(AuditedModelAdmin):
    list_display = [
        "person",
        "role",
        "occupation",
        "level_high",
        "level_low",
        "status",
        "valid_until",
    ]
    list_filter = ["role", "status"]
    readonly_fields = ["status"]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(AuditedModelAdmin):
    list_display = ["title", "published_on", "registration_closes_on", "exam_on"]
    readonly_fields = ["published_on", "registration_closes_on", "exam_on"]


@admin.register(Registration)
class RegistrationAdmin(AuditedModelAdmin):
    list_display = ["plan", "person", "occupation", "status", "learned_minutes", "exam_score"]
    list_filter = ["status"]
    readonly_fields = ["status", "learned_minutes", "exam_score", "pledge_signed_at"]


@admin.register(Card)
class CardAdmin(AuditedModelAdmin):
    list_display = ["number", "person", "occupation", "issued_on", "valid_until", "status"]
    list_filter = ["status"]
    readonly_fields = ["status", "collected_on", "valid_until", "collection_deadline"]


@admin.register(IntegrityEntry)
class IntegrityEntryAdmin(AuditedModelAdmin):
    list_display = ["person", "kind", "occurred_on", "summary"]
