"""The qualification rules as published: the newest version of each, and any version as the
document it was published from (the starting point for the next), for the settings pages."""

from __future__ import annotations

from typing import Any

from skillcert.personnel.models import QualificationRule
from skillcert.personnel.selectors.qualifications import _clause_row


def qualification_rules_current() -> list[QualificationRule]:
    """The newest version of every rule code, by code."""
    latest: dict[str, QualificationRule] = {}
    for row in QualificationRule.objects.order_by("code", "-version"):
        latest.setdefault(row.code, row)
    return list(latest.values())


def qualification_rule_document(*, code: str) -> dict[str, Any] | None:
    """The newest version of `code` as a rule document (personnel/rulesets/*.yaml format)."""
    row = QualificationRule.objects.filter(code=code).order_by("-version").first()
    if row is None:
        return None
    return {
        "code": row.code,
        "role": row.role,
        **({"province": row.province} if row.province else {}),
        **({"occupation_code": row.occupation_code} if row.occupation_code else {}),
        "title": row.title,
        "source": row.source,
        **(
            {"related_occupation_codes": list(row.related_occupation_codes)}
            if row.related_occupation_codes
            else {}
        ),
        **({"related_majors": list(row.related_majors)} if row.related_majors else {}),
        "clauses": [
            {k: v for k, v in _clause_row(c).items() if v not in (None, "", {})}
            for c in row.clauses.order_by("position", "letter")
        ],
    }
