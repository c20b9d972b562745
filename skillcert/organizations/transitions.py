"""Allowed status moves. Services move organisations and filing applications through
`ORG_LIFECYCLE` and `FILING_LIFECYCLE`; nothing else assigns `status`."""

from __future__ import annotations

from skillcert.audit.lifecycle import Lifecycle
from skillcert.organizations.models import FilingStatus, OrgStatus

ORG_TRANSITIONS: dict[str, frozenset[str]] = {
    OrgStatus.UNFILED: frozenset({OrgStatus.FILED}),
    OrgStatus.FILED: frozenset({OrgStatus.SUSPENDED, OrgStatus.REVOKED, OrgStatus.EXITED}),
    OrgStatus.SUSPENDED: frozenset({OrgStatus.FILED, OrgStatus.REVOKED, OrgStatus.EXITED}),
    # a revoked or exited organisation may file again (with a new number) unless blacklisted
    OrgStatus.REVOKED: frozenset({OrgStatus.FILED}),
    OrgStatus.EXITED: frozenset({OrgStatus.FILED}),
}

FILING_TRANSITIONS: dict[str, frozenset[str]] = {
    FilingStatus.DRAFT: frozenset({FilingStatus.SUBMITTED, FilingStatus.WITHDRAWN}),
    FilingStatus.SUBMITTED: frozenset(
        {
            FilingStatus.CITY_APPROVED,
            FilingStatus.APPROVED,
            FilingStatus.RETURNED,
            FilingStatus.REJECTED,
            FilingStatus.WITHDRAWN,
        }
    ),
    FilingStatus.CITY_APPROVED: frozenset(
        {FilingStatus.APPROVED, FilingStatus.RETURNED, FilingStatus.REJECTED}
    ),
    FilingStatus.RETURNED: frozenset({FilingStatus.SUBMITTED, FilingStatus.WITHDRAWN}),
    FilingStatus.APPROVED: frozenset(),
    FilingStatus.REJECTED: frozenset(),
    FilingStatus.WITHDRAWN: frozenset(),
}

_ORG_LABELS = {str(k): str(v) for k, v in OrgStatus.choices}
_FILING_LABELS = {str(k): str(v) for k, v in FilingStatus.choices}


# Audit actions are "org.<OrgEventKind>" ("org.suspended", "org.revoked" …).
ORG_LIFECYCLE: Lifecycle[str] = Lifecycle("org", ORG_TRANSITIONS, _ORG_LABELS)


# Audit actions are "filing.<step>" ("filing.submit", "filing.review" …).
FILING_LIFECYCLE: Lifecycle[str] = Lifecycle("filing", FILING_TRANSITIONS, _FILING_LABELS)
