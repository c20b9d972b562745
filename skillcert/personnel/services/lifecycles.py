"""The allowed status moves of persons, roles, registrations and cards. Every status change
in this package goes through one of these tables."""

from __future__ import annotations

from skillcert.audit.lifecycle import Lifecycle
from skillcert.personnel.models import (
    CardStatus,
    PersonRoleStatus,
    PersonStatus,
    RegistrationStatus,
)

PERSON_TRANSITIONS: dict[str, frozenset[str]] = {
    PersonStatus.ACTIVE: frozenset({PersonStatus.SUSPENDED, PersonStatus.BANNED}),
    PersonStatus.SUSPENDED: frozenset({PersonStatus.ACTIVE, PersonStatus.BANNED}),
    PersonStatus.BANNED: frozenset(),
}
ROLE_TRANSITIONS: dict[str, frozenset[str]] = {
    PersonRoleStatus.ACTIVE: frozenset(
        {PersonRoleStatus.SUSPENDED, PersonRoleStatus.EXPIRED, PersonRoleStatus.REVOKED}
    ),
    PersonRoleStatus.SUSPENDED: frozenset({PersonRoleStatus.ACTIVE, PersonRoleStatus.REVOKED}),
    PersonRoleStatus.EXPIRED: frozenset({PersonRoleStatus.ACTIVE, PersonRoleStatus.REVOKED}),
    PersonRoleStatus.REVOKED: frozenset(),
}
REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RegistrationStatus.SUBMITTED: frozenset(
        {RegistrationStatus.RECOMMENDED, RegistrationStatus.WITHDRAWN}
    ),
    RegistrationStatus.RECOMMENDED: frozenset(
        {
            RegistrationStatus.CITY_APPROVED,
            RegistrationStatus.CITY_REJECTED,
            RegistrationStatus.WITHDRAWN,
        }
    ),
    RegistrationStatus.CITY_APPROVED: frozenset(
        {RegistrationStatus.PROVINCE_APPROVED, RegistrationStatus.PROVINCE_REJECTED}
    ),
    RegistrationStatus.CITY_REJECTED: frozenset(),
    RegistrationStatus.PROVINCE_APPROVED: frozenset(),
    RegistrationStatus.PROVINCE_REJECTED: frozenset(),
    RegistrationStatus.WITHDRAWN: frozenset(),
}
CARD_TRANSITIONS: dict[str, frozenset[str]] = {
    CardStatus.PENDING: frozenset({CardStatus.COLLECTED, CardStatus.VOID, CardStatus.REVOKED}),
    CardStatus.COLLECTED: frozenset({CardStatus.SUPERSEDED, CardStatus.REVOKED}),
    CardStatus.VOID: frozenset(),
    CardStatus.SUPERSEDED: frozenset(),
    CardStatus.REVOKED: frozenset(),
}
# Registrations that no longer lead to a card: training and exam steps are refused.
INACTIVE_REGISTRATION = frozenset(
    {
        RegistrationStatus.WITHDRAWN,
        RegistrationStatus.CITY_REJECTED,
        RegistrationStatus.PROVINCE_REJECTED,
    }
)

# Audit actions are "personnel.<action>" (e.g. "personnel.role_suspend").
PERSON_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "personnel", PERSON_TRANSITIONS, dict(PersonStatus.choices)
)
ROLE_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "personnel", ROLE_TRANSITIONS, dict(PersonRoleStatus.choices)
)
REGISTRATION_LIFECYCLE: Lifecycle[str] = Lifecycle(
    "personnel", REGISTRATION_TRANSITIONS, dict(RegistrationStatus.choices)
)
CARD_LIFECYCLE: Lifecycle[str] = Lifecycle("personnel", CARD_TRANSITIONS, dict(CardStatus.choices))
