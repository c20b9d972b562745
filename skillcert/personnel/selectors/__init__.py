"""Reads for assessment personnel, narrowed to what the user may see, plus the loaders that
turn rows into the pure cores' plain data (qualification, recusal). One module per topic;
every name is re-exported here so `from skillcert.personnel.selectors import X` keeps working."""

from skillcert.personnel.selectors.access import (
    ShownIdentity,
    cards_visible,
    identity_for,
    may_see_full_identity,
    people_visible,
    person_by_id_number,
    person_file,
    person_of,
    plans_visible,
    registrations_visible,
)
from skillcert.personnel.selectors.assessors import assessor_facts, assessor_facts_of, may_assess
from skillcert.personnel.selectors.cards import (
    card_outcomes,
    cards_expiring,
    todo_cards_to_collect,
    uncollected_ban_reason,
)
from skillcert.personnel.selectors.courses import (
    course_completions,
    course_units_for_registration,
    course_units_visible,
    offline_requests_visible,
    todo_offline_sessions_to_decide,
)
from skillcert.personnel.selectors.policy import policy_for
from skillcert.personnel.selectors.qualifications import (
    person_facts,
    qualification_check,
    qualification_rule_for,
)
from skillcert.personnel.selectors.roles import (
    people_active_in_roles,
    people_by_ids,
    people_holding_role,
    people_with_ids,
    person_has_role_on,
    person_roles_in_area,
    relation_digests_of,
    roles_valid_on,
)
from skillcert.personnel.selectors.standing import (
    DECLARATION_CLAUSE,
    DECLARATION_ROLES,
    Standing,
    declaration_signed_on,
    qualification_override_for,
    qualification_standing,
    staffing_refusal,
    staffing_refusals,
)
from skillcert.personnel.selectors.summary import (
    SUMMARY_HEADERS,
    SUMMARY_STATUSES,
    current_qualifications,
    summary_registrations,
    summary_rows,
)

__all__ = [
    "DECLARATION_CLAUSE",
    "DECLARATION_ROLES",
    "SUMMARY_HEADERS",
    "SUMMARY_STATUSES",
    "ShownIdentity",
    "Standing",
    "assessor_facts",
    "assessor_facts_of",
    "card_outcomes",
    "cards_expiring",
    "cards_visible",
    "course_completions",
    "course_units_for_registration",
    "course_units_visible",
    "current_qualifications",
    "declaration_signed_on",
    "identity_for",
    "may_assess",
    "may_see_full_identity",
    "offline_requests_visible",
    "people_active_in_roles",
    "people_by_ids",
    "people_holding_role",
    "people_visible",
    "people_with_ids",
    "person_by_id_number",
    "person_facts",
    "person_file",
    "person_has_role_on",
    "person_of",
    "person_roles_in_area",
    "plans_visible",
    "policy_for",
    "qualification_check",
    "qualification_override_for",
    "qualification_rule_for",
    "qualification_standing",
    "registrations_visible",
    "relation_digests_of",
    "roles_valid_on",
    "staffing_refusal",
    "staffing_refusals",
    "summary_registrations",
    "summary_rows",
    "todo_cards_to_collect",
    "todo_offline_sessions_to_decide",
    "uncollected_ban_reason",
]
