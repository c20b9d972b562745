"""Catalogue writes: importing standards, editing occupations, and listing or removing
directory entries. Every service is atomic and leaves an audit event naming the actor."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record, audited_create, audited_update
from skillcert.common.errors import DomainError
from skillcert.occupations.formats import OccupationDoc, StandardDoc
from skillcert.occupations.models import (
    LEVEL_CHOICES,
    OCCUPATION_CODE_REGEX,
    CertificationKind,
    DirectoryAction,
    DirectoryChange,
    DirectoryEntry,
    Element,
    Occupation,
    Specialty,
    Standard,
    WeightItem,
)

LEVEL_LABELS = dict(LEVEL_CHOICES)


@dataclass(frozen=True)
class ImportReport:
    occupations_created: int
    occupations_updated: int
    standards_written: int
    weight_rows: int
    elements: int


def _lock_occupation(occupation: Occupation) -> Occupation:
    """The one lock helper of the catalogue aggregate: directory changes and standard
    replacements for an occupation serialise on its row."""
    return Occupation.objects.select_for_update().get(pk=occupation.pk)


def standards_import(*, occupations: list[OccupationDoc], actor: Actor) -> ImportReport:
    """Upsert occupations by code and standards by (kind, code, edition year). A standard's
    weight table and element tree are replaced as a whole by the imported ones."""
    created = updated = standards = weights = elements = 0
    with transaction.atomic():
        for doc in sorted(occupations, key=lambda o: o.code):
            occupation, is_new = _occupation_upsert(doc, actor)
            created += is_new
            updated += not is_new
            for name, code in doc.specialties:
                Specialty.objects.update_or_create(
                    occupation=occupation, name=name, defaults={"code": code}
                )
            for st in doc.standards:
                _standard_replace(occupation, st, actor)
                standards += 1
                weights += len(st.weights)
                elements += len(st.elements)
    return ImportReport(created, updated, standards, weights, elements)


def _occupation_upsert(doc: OccupationDoc, actor: Actor) -> tuple[Occupation, bool]:
    """The occupation of `doc`, created or brought up to date (audited either way when it
    changes). Returns (occupation, created)."""
    occupation = Occupation.objects.select_for_update().filter(code=doc.code).first()
    fields: dict[str, Any] = {
        "name": doc.name,
        "certification_kind": doc.certification_kind,
        "description": doc.description,
        "code_note": doc.code_note,
    }
    if occupation is None:
        changes = {k: [None, v] for k, v in {"code": doc.code, **fields}.items()}
        occupation = audited_create(
            Occupation,
            actor=actor,
            action="occupation.create",
            changes=changes,
            code=doc.code,
            **fields,
        )
        return occupation, True
    audited_update(occupation, fields, actor=actor, action="occupation.update")
    return occupation, False


def _standard_replace(occupation: Occupation, st: StandardDoc, actor: Actor) -> None:
    """Upsert the standard and replace its weight table and element tree as a whole."""
    standard, is_new = Standard.objects.update_or_create(
        occupation=occupation,
        kind=st.kind,
        code=st.code,
        edition_year=st.edition_year,
        defaults={
            "name": st.name,
            "levels": st.levels,
            "rule_set_code": st.rule_set,
            "note": st.note,
        },
    )
    standard.weights.all().delete()
    WeightItem.objects.bulk_create(
        WeightItem(
            standard=standard,
            part=w.part,
            level=w.level,
            section=w.section,
            item=w.item,
            percent=w.percent,
            position=i,
        )
        for i, w in enumerate(st.weights)
    )
    # Children cascade; the tree is rebuilt parents first.
    standard.elements.filter(parent__isnull=True).delete()
    by_code: dict[str, Element] = {}
    for i, e in enumerate(st.elements):
        by_code[e.code] = Element.objects.create(
            standard=standard,
            parent=by_code.get(e.parent),
            code=e.code,
            name=e.name,
            importance=e.importance,
            levels=e.levels,
            position=i,
        )
    audit_record(
        actor=actor,
        action="standard.import",
        obj=standard,
        changes={
            "created": [None, is_new],
            "levels": [None, st.levels],
            "weights": [None, len(st.weights)],
            "elements": [None, len(st.elements)],
            "rule_set": [None, st.rule_set],
        },
    )


def occupation_update(
    *,
    occupation: Occupation,
    actor: Actor,
    code: str | None = None,
    name: str | None = None,
    certification_kind: str | None = None,
    description: str | None = None,
    code_note: str | None = None,
) -> Occupation:
    """Edit an occupation. The code is editable: classification editions renumber, and some
    codes are known only from reposts until verified."""
    changes: dict[str, Any] = {}
    if code is not None:
        code = code.strip()
        if not re.fullmatch(OCCUPATION_CODE_REGEX, code):
            raise DomainError(
                "occupation.code_invalid",
                f"职业编码“{code}”格式应为 大类-中类-小类-细类，如 4-07-03-02",
                field="code",
            )
        changes["code"] = code
    if name is not None:
        if not name.strip():
            raise DomainError("occupation.name_required", "请填写职业名称", field="name")
        changes["name"] = name.strip()
    if certification_kind is not None:
        if certification_kind not in CertificationKind.values:
            raise DomainError("occupation.kind_invalid", "认定类别无效", field="certification_kind")
        changes["certification_kind"] = certification_kind
    if description is not None:
        changes["description"] = description.strip()
    if code_note is not None:
        changes["code_note"] = code_note.strip()[:200]
    with transaction.atomic():
        row = _lock_occupation(occupation)
        if (
            "code" in changes
            and Occupation.objects.filter(code=changes["code"]).exclude(pk=row.pk).exists()
        ):
            raise DomainError(
                "occupation.code_taken", f"职业编码“{changes['code']}”已存在", field="code"
            )
        audited_update(row, changes, actor=actor, action="occupation.update", always=True)
    return row


DIRECTORY_AUDIT_ACTIONS = {
    DirectoryAction.ADDED: "directory.add",
    DirectoryAction.REMOVED: "directory.remove",
}


def _directory_change(
    entry: DirectoryEntry,
    kind: DirectoryAction,
    *,
    day: dt.date,
    document_no: str,
    reason: str,
    actor: Actor,
    changes: dict[str, Any],
) -> None:
    """The directory's own history row for an entry listed or removed, and its audit event."""
    DirectoryChange.objects.create(
        entry=entry,
        action=kind,
        effective_date=day,
        document_no=document_no,
        reason=reason.strip(),
        actor=actor_user(actor),
    )
    audit_record(actor=actor, action=DIRECTORY_AUDIT_ACTIONS[kind], obj=entry, changes=changes)


def _check_level(level: int, occupation: Occupation) -> None:
    if level not in LEVEL_LABELS:
        raise DomainError(
            "directory.level_invalid", f"等级应为 1 到 5，收到 {level}", field="level"
        )


def _check_listing(
    occupation: Occupation,
    document_no: str,
    province: str,
    specialty: Specialty | None,
    certification_kind: str,
) -> None:
    if not document_no.strip():
        raise DomainError("directory.document_required", "请填写依据文号", field="document_no")
    if province and not re.fullmatch(r"\d{2}", province):
        raise DomainError("directory.province_invalid", "省份代码应为两位数字", field="province")
    if specialty is not None and specialty.occupation_id != occupation.pk:
        raise DomainError("directory.specialty_mismatch", "工种不属于该职业", field="specialty")
    if certification_kind not in CertificationKind.values:
        raise DomainError("directory.kind_invalid", "认定类别无效", field="certification_kind")


def directory_entry_add(
    *,
    occupation: Occupation,
    level: int,
    effective_from: dt.date,
    document_no: str,
    actor: Actor,
    reason: str = "",
    specialty: Specialty | None = None,
    province: str = "",
    certification_kind: str = CertificationKind.SKILL_LEVEL,
) -> DirectoryEntry:
    """List occupation × level in the directory from `effective_from`."""
    _check_level(level, occupation)
    _check_listing(occupation, document_no, province, specialty, certification_kind)
    with transaction.atomic():
        _lock_occupation(occupation)
        overlapping = DirectoryEntry.objects.filter(
            occupation=occupation, specialty=specialty, level=level, province=province
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=effective_from))
        if overlapping.exists():
            raise DomainError(
                "directory.overlap",
                f"{occupation.name}{LEVEL_LABELS[level]}在 {effective_from} 已在目录中，"
                "无需重复列入",
                field="effective_from",
            )
        entry = DirectoryEntry.objects.create(
            occupation=occupation,
            specialty=specialty,
            level=level,
            province=province,
            certification_kind=certification_kind,
            effective_from=effective_from,
            document_no=document_no.strip(),
        )
        _directory_change(
            entry,
            DirectoryAction.ADDED,
            day=effective_from,
            document_no=entry.document_no,
            reason=reason,
            actor=actor,
            changes={
                "occupation": [None, occupation.code],
                "level": [None, level],
                "effective_from": [None, effective_from],
                "document_no": [None, entry.document_no],
                "province": [None, province],
            },
        )
    return entry


def directory_entry_remove(
    *,
    entry: DirectoryEntry,
    effective_to: dt.date,
    document_no: str,
    reason: str,
    actor: Actor,
) -> DirectoryEntry:
    """Take an entry off the directory from `effective_to` (certifiable up to the day before)."""
    if not document_no.strip():
        raise DomainError("directory.document_required", "请填写依据文号", field="document_no")
    if not reason.strip():
        raise DomainError("directory.reason_required", "请填写移出原因", field="reason")
    with transaction.atomic():
        _lock_occupation(entry.occupation)
        row = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
        if row.effective_to is not None:
            raise DomainError(
                "directory.already_removed",
                f"该条目已于 {row.effective_to} 移出目录",
                field="effective_to",
            )
        if effective_to <= row.effective_from:
            raise DomainError(
                "directory.removal_before_listing",
                f"移出日期应晚于列入日期 {row.effective_from}",
                field="effective_to",
            )
        row.effective_to = effective_to
        row.save(update_fields=["effective_to"])
        _directory_change(
            row,
            DirectoryAction.REMOVED,
            day=effective_to,
            document_no=document_no.strip(),
            reason=reason,
            actor=actor,
            changes={
                "effective_to": [None, effective_to],
                "document_no": [None, document_no.strip()],
                "reason": [None, reason.strip()],
            },
        )
    return row
