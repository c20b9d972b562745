"""Evaluation organisations (评价机构): identity, filing (备案) with its scope and number,
uploaded evidence, lifecycle events, annual reports and the integrity file (诚信档案) with the
abnormal list (异常名录) and blacklist (黑名单).

Statuses move only through the transition tables in `transitions.py`, called by services."""

from skillcert.organizations.models.annual_reports import (
    AnnualReport,
    AnnualReportLine,
    AnnualReportStatus,
)
from skillcert.organizations.models.credit import (
    MANUAL_CREDIT_EVENT_KINDS,
    CreditEvent,
    CreditEventKind,
    CreditList,
    CreditListing,
)
from skillcert.organizations.models.filing import (
    OPEN_FILING_STATUSES,
    EvidenceKind,
    FilingApplication,
    FilingCondition,
    FilingEvidence,
    FilingPurpose,
    FilingReview,
    FilingScopeLine,
    FilingStatus,
    OrgScope,
    ReviewDecision,
    ReviewTier,
    StoredFile,
)
from skillcert.organizations.models.organization import (
    FILING_LETTER,
    STAFFING_MINIMUM_FIELDS,
    EvaluationOrg,
    FilingCounter,
    FilingNumber,
    FilingPolicy,
    FilingStaffingPolicy,
    OrgEvent,
    OrgEventKind,
    OrgKind,
    OrgStatus,
)

__all__ = [
    "FILING_LETTER",
    "MANUAL_CREDIT_EVENT_KINDS",
    "OPEN_FILING_STATUSES",
    "STAFFING_MINIMUM_FIELDS",
    "AnnualReport",
    "AnnualReportLine",
    "AnnualReportStatus",
    "CreditEvent",
    "CreditEventKind",
    "CreditList",
    "CreditListing",
    "EvaluationOrg",
    "EvidenceKind",
    "FilingApplication",
    "FilingCondition",
    "FilingCounter",
    "FilingEvidence",
    "FilingNumber",
    "FilingPolicy",
    "FilingPurpose",
    "FilingReview",
    "FilingScopeLine",
    "FilingStaffingPolicy",
    "FilingStatus",
    "OrgEvent",
    "OrgEventKind",
    "OrgKind",
    "OrgScope",
    "OrgStatus",
    "ReviewDecision",
    "ReviewTier",
    "StoredFile",
]
