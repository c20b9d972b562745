"""The qualification check that binds: the one requirement cards, appointments, item-bank
commissions and staffing call; the signed declaration and the province's override it reads;
and the practice records staffing an assessment writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.personnel.models import (
    ConductDeclaration,
    Person,
    PracticeDuty,
    PracticeRecord,
    QualificationOverride,
    RoleKind,
)
from skillcert.personnel.selectors import Standing, qualification_standing
from skillcert.personnel.services._access import (
    lock_person,
    require_employer_staff_or_officer,
    require_officer_over,
    today_or,
)
from skillcert.personnel.services._validation import check_levels
from skillcert.regions.choices import RegionLevel

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from skillcert.occupations.models import Occupation
    from skillcert.organizations.models import EvaluationOrg
    from skillcert.regions.models import Region


def qualification_require(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province_code: str,
    as_of: dt.date,
    organization: EvaluationOrg | None = None,
) -> Standing:
    """Refuse unless the person passes the qualification check for the role (the rule's
    clauses or a province override, and the signed declaration); the refusal names the
    failed clause. Cards, appointments and item-bank commissions call this one function."""
    standing = qualification_standing(
        person=person,
        role=role,
        occupation=occupation,
        level_high=level_high,
        level_low=level_low,
        province_code=province_code,
        as_of=as_of,
        organization=organization,
    )
    if not standing.passed:
        field = "occupation" if standing.code == "personnel.rule_missing" else "person"
        raise DomainError(standing.code, standing.message, field=field)
    return standing


def declaration_record(
    *,
    person: Person,
    signed_on: dt.date,
    upload: UploadedFile,
    actor: Actor,
    today: dt.date | None = None,
) -> ConductDeclaration:
    """Record that the person signed the declaration (political and ethical conditions, no
    criminal record) on `signed_on`, with the signed scan. By the employer's staff or an
    officer over the person's region; never by the person alone."""
    require_employer_staff_or_officer(actor, person)
    day = today_or(today)
    if signed_on > day:
        raise DomainError("personnel.declaration_future", "签署日期不能晚于今天", field="signed_on")
    row = ConductDeclaration(person=person, signed_on=signed_on, uploaded_by=actor_user(actor))
    row.store(upload)
    try:
        with transaction.atomic():
            lock_person(person)
            row.save()
            audit_record(
                actor=actor,
                action="personnel.declaration_record",
                obj=row,
                changes={"person": [None, person.pk], "signed_on": [None, signed_on]},
            )
    except Exception:
        row.file.delete(save=False)
        raise
    return row


def _override_input(
    province: Region,
    role: str,
    level_high: int,
    level_low: int,
    reason: str,
    document_number: str,
) -> tuple[str, str]:
    """The override's reason and 文号, stripped, once the province, role and levels are
    valid."""
    if province.level != RegionLevel.PROVINCE:
        raise DomainError("personnel.province_invalid", "请选择省级行政区", field="province")
    if role not in RoleKind.values:
        raise DomainError("personnel.role_invalid", "请选择角色", field="role")
    check_levels(level_high, level_low)
    reason = reason.strip()
    if not reason:
        raise DomainError("personnel.reason_required", "请填写特批理由", field="reason")
    document_number = document_number.strip()
    if len(document_number) > 64:
        raise DomainError(
            "personnel.document_number_invalid", "文号不能超过64个字", field="document_number"
        )
    return reason, document_number


def _override_needed(standing: Standing) -> str:
    """The failed check's explanation; refused when the check does not fail (or an override
    covers it already): nothing to override."""
    if standing.decision is None or standing.decision.qualified or standing.override:
        raise DomainError(
            "personnel.override_needless",
            "该人员的资格条件核对未被拒绝，无需特批",
            field="role",
        )
    return standing.decision.explanation()


def _override_fields(
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province: Region,
    reason: str,
    document_number: str,
    day: dt.date,
    actor: Actor,
) -> dict[str, Any]:
    """An override decision's fields but the person (the single and the batch form)."""
    return {
        "role": role,
        "occupation": occupation,
        "level_high": level_high,
        "level_low": level_low,
        "province": province,
        "reason": reason[:300],
        "document_number": document_number,
        "decided_on": day,
        "decided_by": actor_user(actor),
    }


def qualification_override_record(
    *,
    person: Person,
    role: str,
    occupation: Occupation,
    level_high: int,
    level_low: int,
    province: Region,
    reason: str,
    actor: Actor,
    document_number: str = "",
    today: dt.date | None = None,
) -> QualificationOverride:
    """The province accepts the person for the role although the check fails, with the
    reason and the decision's 文号 on record. Refused when the check passes already (nothing
    to override) or when the same decision is on record already."""
    require_officer_over(actor, province.code, province=True)
    reason, document_number = _override_input(
        province, role, level_high, level_low, reason, document_number
    )
    day = today_or(today)
    failed = _override_needed(
        qualification_standing(
            person=person,
            role=role,
            occupation=occupation,
            level_high=level_high,
            level_low=level_low,
            province_code=province.code,
            as_of=day,
        )
    )
    with transaction.atomic():
        lock_person(person)
        fields = _override_fields(
            role, occupation, level_high, level_low, province, reason, document_number, day, actor
        )
        row = QualificationOverride.objects.create(person=person, **fields)
        audit_record(
            actor=actor,
            action="personnel.qualification_override",
            obj=row,
            changes={
                "role": [None, role],
                "levels": [None, [level_high, level_low]],
                "failed": [None, failed],
                "reason": [None, row.reason],
                "document_number": [None, row.document_number],
            },
        )
    return row


# --- practice records written by staffing ---------------------------------------------------


@dataclass(frozen=True)
class Staffed:
    """One person staffing an assessment at an organisation, in one duty."""

    person_id: int
    organization_id: int
    duty: str
    occupation_id: int | None = None
    level: int | None = None
    room: str = ""


def practice_records_sync(
    *, source: str, held_on: dt.date, staffed: Sequence[Staffed], actor: Actor
) -> list[PracticeRecord]:
    """Make the practice records written for `source` (one staffing of one assessment:
    "plans.plan:12", "exams.slot:5", "scoring.batch:3:panel") exactly `staffed`: the same
    call twice writes nothing new, and a person taken off loses the record. Called by the
    services that staff an assessment, inside their transaction, after their own access
    check."""
    source = source.strip()
    if not source or len(source) > 64:
        raise DomainError("personnel.practice_source_invalid", "执业记录来源无效", field="source")
    for entry in staffed:
        if entry.duty not in PracticeDuty.values:
            raise DomainError("personnel.duty_invalid", "请选择承担工作", field="duty")
    wanted = {(s.person_id, s.organization_id): s for s in staffed}
    with transaction.atomic():
        current = {
            (r.person_id, r.organization_id): r
            for r in PracticeRecord.objects.select_for_update().filter(source=source).order_by("id")
        }
        gone = [r for key, r in current.items() if key not in wanted]
        PracticeRecord.objects.filter(pk__in=[r.pk for r in gone]).delete()
        added = PracticeRecord.objects.bulk_create(
            PracticeRecord(
                person_id=s.person_id,
                organization_id=s.organization_id,
                held_on=held_on,
                duty=s.duty,
                room=s.room[:64],
                occupation_id=s.occupation_id,
                level=s.level,
                source=source,
                recorded_by=actor_user(actor),
            )
            for key, s in sorted(wanted.items())
            if key not in current
        )
        moved = [
            r
            for key, r in current.items()
            if key in wanted and (r.held_on != held_on or r.duty != wanted[key].duty)
        ]
        for r in moved:
            r.held_on, r.duty = held_on, wanted[(r.person_id, r.organization_id)].duty
        PracticeRecord.objects.bulk_update(moved, ["held_on", "duty"])
        if gone or added or moved:
            audit_record(
                actor=actor,
                action="personnel.practice_sync",
                object_type="personnel.practicerecord",
                object_id=source,
                changes={
                    "source": source,
                    "held_on": held_on,
                    "added": sorted(s.person_id for s in added),
                    "removed": sorted(r.person_id for r in gone),
                },
            )
    return list(PracticeRecord.objects.filter(source=source).order_by("person_id", "id"))
