"""Batch form of the province's qualification override: one decision (one reason, one 文号)
naming many people, as the province's notices do. The same checks as
`qualification_override_record` for every person, all or nothing, one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record_batch
from skillcert.common.batch_input import require_once
from skillcert.common.errors import DomainError
from skillcert.personnel.models import Person, QualificationOverride
from skillcert.personnel.selectors import Standings
from skillcert.personnel.services._access import require_officer_over, today_or
from skillcert.personnel.services._batch import check_length, lock_people
from skillcert.personnel.services.standing import (
    _override_fields,
    _override_input,
    _override_needed,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.regions.models import Region


def _override_rows(
    seen: set[int], locked: dict[int, Person], standings: Standings, fields: dict[str, Any]
) -> tuple[list[QualificationOverride], list[str]]:
    """The unsaved override of each person, in primary-key order, with the explanation of the
    check it overrides; refused, naming the person, when the check does not fail."""
    rows, failures = [], []
    for pk in sorted(seen):
        person = locked[pk]
        try:
            failed = _override_needed(
                standings.standing(
                    person_id=pk,
                    role=fields["role"],
                    occupation=fields["occupation"],
                    level_high=fields["level_high"],
                    level_low=fields["level_low"],
                    province_code=fields["province"].code,
                )
            )
        except DomainError as error:
            raise DomainError(
                error.code, f"{person.name}：{error.message}", field="people"
            ) from None
        failures.append(failed)
        rows.append(QualificationOverride(person=person, **fields))
    return rows, failures


def _overrides_audit(
    made: list[QualificationOverride], failures: list[str], fields: dict[str, Any], actor: Actor
) -> None:
    """The one audit event: the decision once, and each row's override and failed check."""
    audit_record_batch(
        actor=actor,
        action="personnel.qualification_override_bulk",
        object_type="personnel.qualificationoverride",
        object_id=f"{made[0].pk}-{made[-1].pk}",
        object_repr=f"资格条件特批 {len(made)} 人",
        rows=[
            {"override": o.pk, "person": o.person_id, "failed": failed}
            for o, failed in zip(made, failures, strict=True)
        ],
        role=fields["role"],
        occupation=fields["occupation"].pk,
        levels=[fields["level_high"], fields["level_low"]],
        province=fields["province"].code,
        reason=fields["reason"],
        document_number=fields["document_number"],
        decided_on=fields["decided_on"].isoformat(),
    )


def qualification_overrides_record_bulk(
    *,
    people: Sequence[Person],
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province: Region,
    reason: str,
    actor: Actor,
    document_number: str = "",
    today: dt.date | None = None,
) -> list[QualificationOverride]:
    """The province accepts every one of `people` for the role although their check fails,
    under one decision (reason and 文号). Refused whole, naming the person, when anyone's
    check passes already or the same decision is on record for them, or anyone is listed
    twice."""
    require_officer_over(actor, province.code, province=True)
    reason, document_number = _override_input(
        province, role, level_high, level_low, reason, document_number
    )
    check_length(len(people), "people")
    require_once(
        people,
        lambda person: DomainError(
            "personnel.person_repeated",
            f"{person.name} 在名单中出现了两次，请核对后重新提交",
            field="people",
        ),
    )
    seen = {person.pk for person in people}
    if not people:
        return []
    day = today_or(today)
    with transaction.atomic():
        locked = lock_people(seen)
        standings = Standings(person_ids=seen, occupation_ids=[occupation.pk], on=day)
        # The decision's fields but the person, which the checks and the audit event reuse.
        fields = _override_fields(
            role, occupation, level_high, level_low, province, reason, document_number, day, actor
        )
        rows, failures = _override_rows(seen, locked, standings, fields)
        made = QualificationOverride.objects.bulk_create(rows, batch_size=500)
        _overrides_audit(made, failures, fields, actor)
    return made
