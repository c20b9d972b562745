"""Publishing rule-set versions. A published version is never changed; editing a rule set
means publishing the next version, so a stored decision can always be re-explained."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.eligibility import engine
from skillcert.eligibility.models import Clause, RuleSet
from skillcert.eligibility.schema import condition_to_dict, parse_rule_set_document
from skillcert.occupations.selectors import occupation_by_code

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation


def _rule_set_occupation(header: dict[str, Any]) -> Occupation | None:
    """The occupation a rule set is for (None for a generic one); it must be in the catalogue."""
    if not header["occupation"]:
        return None
    occupation = occupation_by_code(code=header["occupation"])
    if occupation is None:
        raise DomainError(
            "rules.occupation_unknown",
            f"职业编码“{header['occupation']}”不在目录中",
            field="occupation",
        )
    return occupation


def _check_extension(header: dict[str, Any], parsed: engine.RuleSet) -> None:
    """A provincial supplement names an existing base, a province, and only base clauses."""
    if not RuleSet.objects.filter(code=header["extends"]).exists():
        raise DomainError(
            "rules.extends_unknown", f"基础规则集“{header['extends']}”不存在", field="extends"
        )
    if not header["province"]:
        raise DomainError("rules.province_required", "省级补充规则需指定省份", field="province")
    base_ids = {
        f"{header['extends']}/{lv}/{letter}"
        for lv, letter in Clause.objects.filter(rule_set__code=header["extends"]).values_list(
            "level", "letter"
        )
    }
    for index, clause in enumerate(parsed.clauses):
        if clause.replaces and clause.replaces not in base_ids:
            raise DomainError(
                "rules.replaces_unknown",
                f"被替换的条款“{clause.replaces}”不在基础规则集中",
                field=f"clauses[{index}].replaces",
            )


def _clauses_store(row: RuleSet, parsed: engine.RuleSet) -> None:
    Clause.objects.bulk_create(
        Clause(
            rule_set=row,
            level=c.level,
            letter=c.id.rsplit("/", 1)[1],
            text=c.text,
            condition=condition_to_dict(c.condition),
            exempt=list(c.exempt),
            replaces=c.replaces,
            position=i,
        )
        for i, c in enumerate(parsed.clauses)
    )


def rule_set_publish(*, document: Any, actor: Actor, note: str = "") -> RuleSet:
    """Publish `document` (the rulesets/*.yaml format) as the next version of its code."""
    header, parsed = parse_rule_set_document(document)
    occupation = _rule_set_occupation(header)
    if header["extends"]:
        _check_extension(header, parsed)
    try:
        with transaction.atomic():
            previous = (
                RuleSet.objects.select_for_update()
                .filter(code=header["code"])
                .order_by("-version")
                .first()
            )
            if previous is not None and (previous.extends, previous.province) != (
                header["extends"],
                header["province"],
            ):
                raise DomainError(
                    "rules.scope_changed",
                    "新版本不能改变规则集的基础规则或适用省份",
                    field="extends",
                )
            row = RuleSet.objects.create(
                code=header["code"],
                version=(previous.version + 1) if previous else 1,
                title=header["title"],
                source=header["source"],
                extends=header["extends"],
                province=header["province"],
                occupation=occupation,
                note=note.strip()[:300],
                published_by=actor_user(actor),
            )
            _clauses_store(row, parsed)
            audit_record(
                actor=actor,
                action="rule_set.publish",
                obj=row,
                changes={
                    "version": [previous.version if previous else None, row.version],
                    "clauses": [None, [c.id for c in parsed.clauses]],
                    "note": [None, row.note],
                },
            )
    except IntegrityError:
        raise DomainError(
            "rules.version_conflict", "他人同时发布了该规则集的新版本，请刷新后重试", field="code"
        ) from None
    return row


def rule_set_document(*, rule_set: RuleSet) -> dict[str, Any]:
    """A published version as a document, the starting point for editing the next one."""
    return {
        "code": rule_set.code,
        "version": rule_set.version,
        "title": rule_set.title,
        "source": rule_set.source,
        **({"extends": rule_set.extends} if rule_set.extends else {}),
        **({"province": rule_set.province} if rule_set.province else {}),
        **({"occupation": rule_set.occupation.code} if rule_set.occupation else {}),
        "clauses": [
            {
                "level": c.level,
                "letter": c.letter,
                "text": c.text,
                "condition": c.condition,
                **({"exempt": c.exempt} if c.exempt else {}),
                **({"replaces": c.replaces} if c.replaces else {}),
            }
            for c in rule_set.clauses.order_by("position", "id")
        ],
    }
