"""The practice record (sittings served) and declared relations requiring recusal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audited_create
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import parse_id_number
from skillcert.personnel.models import (
    Person,
    PracticeDuty,
    PracticeRecord,
    RecusalRelation,
    RelationKind,
)
from skillcert.personnel.services._access import (
    require_org_staff_or_officer,
    require_record_keeper,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg


def sitting_record(
    *,
    person: Person,
    organization: EvaluationOrg,
    held_on: dt.date,
    duty: str,
    actor: Actor,
    room: str = "",
    occupation: Occupation | None = None,
    level: int | None = None,
) -> PracticeRecord:
    """Record a sitting the person served at (the organisation's staff or an officer)."""
    require_org_staff_or_officer(actor, organization)
    if duty not in PracticeDuty.values:
        raise DomainError("personnel.duty_invalid", "请选择承担工作", field="duty")
    if level is not None and level not in (1, 2, 3, 4, 5):
        raise DomainError("personnel.level_invalid", "等级应为一级至五级", field="level")
    return audited_create(
        PracticeRecord,
        actor=actor,
        action="personnel.sitting_record",
        changes={
            "person": [None, person.pk],
            "organization": [None, organization.pk],
            "held_on": [None, held_on],
        },
        clash=DomainError("personnel.sitting_duplicate", "该场考评记录已存在", field="held_on"),
        person=person,
        organization=organization,
        held_on=held_on,
        duty=duty,
        room=room.strip(),
        occupation=occupation,
        level=level,
        recorded_by=actor_user(actor),
    )


def relation_declare(
    *,
    person: Person,
    kind: str,
    actor: Actor,
    counterpart_id_number: str = "",
    counterpart_name: str = "",
    organization: EvaluationOrg | None = None,
    note: str = "",
) -> RecusalRelation:
    """Declare a relation requiring recusal (by the person, their employer's staff, or an
    officer)."""
    require_record_keeper(actor, person)
    if kind not in RelationKind.values:
        raise DomainError("personnel.relation_kind_invalid", "请选择关系类型", field="kind")
    number = ""
    if counterpart_id_number.strip():
        number = parse_id_number(counterpart_id_number).value
    if not number and organization is None:
        raise DomainError(
            "personnel.relation_counterpart_required",
            "请填写对方身份证号码或相关机构",
            field="counterpart_id_number",
        )
    if number == person.id_number:
        raise DomainError(
            "personnel.relation_self", "不能与本人建立回避关系", field="counterpart_id_number"
        )
    return audited_create(
        RecusalRelation,
        actor=actor,
        action="personnel.relation_declare",
        changes={"person": [None, person.pk], "kind": [None, kind]},
        person=person,
        kind=kind,
        counterpart_id_number=number,
        counterpart_name=counterpart_name.strip(),
        organization=organization,
        note=note.strip(),
        declared_by=actor_user(actor),
    )
