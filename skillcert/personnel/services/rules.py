"""Qualification rules: versioned, published by the province (or the platform for national
rules), never edited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from skillcert.accounts.actors import Actor, actor_scope
from skillcert.audit.services import audit_record
from skillcert.personnel import qualification
from skillcert.personnel.models import (
    QualificationClause,
    QualificationRule,
)
from skillcert.personnel.services._access import (
    forbidden,
)


def qualification_rule_publish(*, document: dict[str, Any], actor: Actor) -> QualificationRule:
    """Publish the next version of a rule (province officers; the platform for national
    rules). Versions are never edited."""
    rule = qualification.parse_rule_document(document)
    province = str(document.get("province") or "")
    scope = actor_scope(actor)
    own_province = scope.is_province_officer and scope.covers_region_code(province)
    if not scope.is_platform and not (province and own_province):
        raise forbidden("省级人社部门只能发布本省的资格条件；全国性条件由平台发布")
    with transaction.atomic():
        latest = (
            QualificationRule.objects.select_for_update()
            .filter(code=rule.code)
            .order_by("-version")
            .first()
        )
        version = (latest.version + 1) if latest else 1
        row = QualificationRule.objects.create(
            code=rule.code,
            version=version,
            role=rule.role,
            province=province,
            occupation_code=rule.occupation_code,
            title=str(document["title"]),
            source=str(document["source"]),
            related_occupation_codes=list(rule.related_occupation_codes),
            related_majors=list(rule.related_majors),
        )
        QualificationClause.objects.bulk_create(
            QualificationClause(rule=row, position=i, **_clause_fields(c))
            for i, c in enumerate(rule.clauses)
        )
        audit_record(
            actor=actor,
            action="personnel.qualification_rule_publish",
            obj=row,
            changes={"version": [None, version], "clauses": [None, len(rule.clauses)]},
        )
    return row


def _clause_fields(clause: qualification.QualificationClause) -> dict[str, Any]:
    data = qualification.clause_to_dict(clause)
    data["role_required"] = data["role_required"] or ""
    return data
