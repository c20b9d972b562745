"""Writes for assessment personnel. Every service is keyword-only, atomic, checks who may act,
moves statuses only through the tables in `lifecycles`, and records an audit event (plus a
history row for roles and registrations). Dates come from the working-day calendar, never
from input. Import from this package; the modules are its sections."""

from skillcert.personnel.services._batch import BULK_ROWS
from skillcert.personnel.services.bulk import (
    Completion,
    cards_issue_bulk,
    course_completions_record_bulk,
    exam_results_record_bulk,
    registrations_recommend_bulk,
    registrations_review_bulk,
)
from skillcert.personnel.services.bulk_cards import cards_collect_bulk
from skillcert.personnel.services.bulk_registry import (
    CertificateEntry,
    PersonEntry,
    TitleEntry,
    WorkEntry,
    people_register_bulk,
)
from skillcert.personnel.services.bulk_standing import qualification_overrides_record_bulk
from skillcert.personnel.services.bulk_submit import Application, registrations_submit_bulk
from skillcert.personnel.services.cards import (
    CARD_PREFIX,
    card_collect,
    card_issue,
    card_reminders_send,
    cards_void_uncollected,
)
from skillcert.personnel.services.courses import (
    course_completion_record,
    course_unit_create,
    course_unit_update,
)
from skillcert.personnel.services.learning import exam_result_record, pledge_sign
from skillcert.personnel.services.lifecycles import (
    CARD_TRANSITIONS,
    INACTIVE_REGISTRATION,
    PERSON_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    ROLE_TRANSITIONS,
)
from skillcert.personnel.services.offline import offline_session_decide, offline_session_request
from skillcert.personnel.services.practice import relation_declare, sitting_record
from skillcert.personnel.services.registry import (
    confidentiality_sign,
    integrity_record,
    person_account_create,
    person_ban,
    person_certificate_add,
    person_certificate_remove,
    person_register,
    person_reinstate,
    person_suspend,
    person_title_add,
    person_title_remove,
    person_work_add,
    person_work_remove,
)
from skillcert.personnel.services.roles import (
    role_appoint,
    role_reinstate,
    role_revoke,
    role_suspend,
    roles_expire,
)
from skillcert.personnel.services.rules import qualification_rule_publish
from skillcert.personnel.services.standing import (
    Staffed,
    declaration_record,
    practice_records_sync,
    qualification_override_record,
    qualification_require,
)
from skillcert.personnel.services.training import (
    registration_city_review,
    registration_province_review,
    registration_recommend,
    registration_submit,
    registration_withdraw,
    training_plan_publish,
)

__all__ = [
    "BULK_ROWS",
    "CARD_PREFIX",
    "CARD_TRANSITIONS",
    "INACTIVE_REGISTRATION",
    "PERSON_TRANSITIONS",
    "REGISTRATION_TRANSITIONS",
    "ROLE_TRANSITIONS",
    "Application",
    "CertificateEntry",
    "Completion",
    "PersonEntry",
    "Staffed",
    "TitleEntry",
    "WorkEntry",
    "card_collect",
    "card_issue",
    "card_reminders_send",
    "cards_collect_bulk",
    "cards_issue_bulk",
    "cards_void_uncollected",
    "confidentiality_sign",
    "course_completion_record",
    "course_completions_record_bulk",
    "course_unit_create",
    "course_unit_update",
    "declaration_record",
    "exam_result_record",
    "exam_results_record_bulk",
    "integrity_record",
    "offline_session_decide",
    "offline_session_request",
    "people_register_bulk",
    "person_account_create",
    "person_ban",
    "person_certificate_add",
    "person_certificate_remove",
    "person_register",
    "person_reinstate",
    "person_suspend",
    "person_title_add",
    "person_title_remove",
    "person_work_add",
    "person_work_remove",
    "pledge_sign",
    "practice_records_sync",
    "qualification_override_record",
    "qualification_overrides_record_bulk",
    "qualification_require",
    "qualification_rule_publish",
    "registration_city_review",
    "registration_province_review",
    "registration_recommend",
    "registration_submit",
    "registration_withdraw",
    "registrations_recommend_bulk",
    "registrations_review_bulk",
    "registrations_submit_bulk",
    "relation_declare",
    "role_appoint",
    "role_reinstate",
    "role_revoke",
    "role_suspend",
    "roles_expire",
    "sitting_record",
    "training_plan_publish",
]
