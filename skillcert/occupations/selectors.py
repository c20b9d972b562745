"""Catalogue reads. The catalogue and the directory are public, so nothing here is scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from skillcert.occupations.formats import ElementRow, OccupationDoc, StandardDoc, WeightRow
from skillcert.occupations.models import (
    DirectoryChange,
    DirectoryEntry,
    Element,
    LegacyLevel,
    Occupation,
    Specialty,
    Standard,
    WeightItem,
)


def occupations_search(*, q: str = "", kind: str = "") -> QuerySet[Occupation]:
    rows = Occupation.objects.all()
    if q:
        rows = rows.filter(
            Q(code__startswith=q) | Q(name__icontains=q) | Q(specialties__name__icontains=q)
        )
    if kind:
        rows = rows.filter(certification_kind=kind)
    return rows.distinct().order_by("code")


def occupation_by_code(*, code: str) -> Occupation | None:
    return Occupation.objects.filter(code=code).first()


def standards_of(*, occupation: Occupation) -> QuerySet[Standard]:
    return occupation.standards.order_by("-edition_year", "kind")


def standard_current(*, occupation: Occupation) -> Standard | None:
    """The standard applications follow: the newest national edition, else the newest of any
    kind."""
    rows = standards_of(occupation=occupation)
    return rows.filter(kind="national").first() or rows.first()


@dataclass(frozen=True)
class WeightTable:
    part: str
    part_label: str
    levels: list[int]
    rows: list[tuple[str, str, list[int | None]]]  # section, item, percent per level
    totals: list[int]


def weight_tables(*, standard: Standard) -> list[WeightTable]:
    """The weight table laid out as published: one column per level."""
    levels = standard.level_list
    tables = []
    items = list(standard.weights.order_by("position", "id"))
    for part, label in (("theory", "理论知识"), ("practical", "操作技能")):
        mine = [w for w in items if w.part == part]
        if not mine:
            continue
        keys: list[tuple[str, str]] = []
        for w in mine:
            if (w.section, w.item) not in keys:
                keys.append((w.section, w.item))
        cells = {(w.section, w.item, w.level): w.percent for w in mine}
        rows = [(s, i, [cells.get((s, i, lv)) for lv in levels]) for s, i in keys]
        totals = [sum(w.percent for w in mine if w.level == lv) for lv in levels]
        tables.append(WeightTable(part, label, levels, rows, totals))
    return tables


@dataclass(frozen=True)
class ElementNode:
    element: Element
    depth: int


def element_tree(*, standard: Standard) -> list[ElementNode]:
    """Depth-first, in file order (one query)."""
    elements = list(standard.elements.order_by("position", "id"))
    children: dict[int | None, list[Element]] = {}
    for e in elements:
        children.setdefault(e.parent_id, []).append(e)
    out: list[ElementNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for e in children.get(parent, []):
            out.append(ElementNode(e, depth))
            walk(e.pk, depth + 1)

    walk(None, 0)
    return out


def directory_on(*, day: dt.date, province: str = "") -> QuerySet[DirectoryEntry]:
    """Entries in force on `day`: the national list plus the province's own."""
    return (
        DirectoryEntry.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .filter(province__in=["", province] if province else [""])
        .select_related("occupation", "specialty")
        .order_by("occupation__code", "-level")
    )


def directory_certifiable(
    *, occupation_code: str, level: int | None, day: dt.date, province: str = ""
) -> bool:
    """Was occupation × level on the directory on `day`? ("was 4-07-03-02 三级 certifiable on
    2025-03-01?") `level` None, for an occupation without levels (专项职业能力考核): was the
    occupation on it at all?"""
    lines = directory_on(day=day, province=province).filter(occupation__code=occupation_code)
    return (lines if level is None else lines.filter(level=level)).exists()


def directory_lines_removed(
    *, occupation_ids: set[int], day: dt.date, province: str = ""
) -> set[tuple[int, int]]:
    """The (occupation id, level) lines among `occupation_ids` that the directory listed
    before `day` and no longer lists on it: taken off the directory (移出目录)."""
    provinces = ["", province] if province else [""]
    listed_before = set(
        DirectoryEntry.objects.filter(
            occupation_id__in=occupation_ids, effective_from__lte=day, province__in=provinces
        ).values_list("occupation_id", "level")
    )
    if not listed_before:
        return set()
    in_force = set(
        directory_on(day=day, province=province)
        .filter(occupation_id__in=occupation_ids)
        .values_list("occupation_id", "level")
    )
    return listed_before - in_force


def directory_history(*, occupation: Occupation) -> QuerySet[DirectoryChange]:
    return (
        DirectoryChange.objects.filter(entry__occupation=occupation)
        .select_related("entry", "actor")
        .order_by("-effective_date", "-id")
    )


def legacy_level_map() -> dict[str, int]:
    return dict(LegacyLevel.objects.values_list("name", "level"))


def standards_export_docs(*, occupations: QuerySet[Occupation]) -> list[OccupationDoc]:
    """The catalogue as exchange documents (what export writes and import reads)."""
    rows = occupations.prefetch_related(
        "specialties",
        Prefetch("standards", queryset=Standard.objects.order_by("-edition_year", "kind")),
        Prefetch("standards__weights", queryset=WeightItem.objects.order_by("position", "id")),
        Prefetch(
            "standards__elements",
            queryset=Element.objects.select_related("parent").order_by("position", "id"),
        ),
    )
    docs = []
    for o in rows:
        docs.append(
            OccupationDoc(
                code=o.code,
                name=o.name,
                certification_kind=o.certification_kind,
                description=o.description,
                code_note=o.code_note,
                specialties=[(s.name, s.code) for s in o.specialties.all()],
                standards=[
                    StandardDoc(
                        kind=s.kind,
                        code=s.code,
                        name=s.name,
                        edition_year=s.edition_year,
                        levels=s.level_list,
                        rule_set=s.rule_set_code,
                        note=s.note,
                        weights=[
                            WeightRow(w.part, w.level, w.section, w.item, w.percent)
                            for w in s.weights.all()
                        ],
                        elements=[
                            ElementRow(
                                e.code,
                                e.name,
                                e.parent.code if e.parent else "",
                                e.importance,
                                sorted(e.levels, reverse=True),
                            )
                            for e in s.elements.all()
                        ],
                    )
                    for s in o.standards.all()
                ],
            )
        )
    return docs


def elements_of_occupation(*, occupation_id: int) -> QuerySet[Element]:
    """Every element of the occupation's standards (all editions), for the item bank."""
    return Element.objects.filter(standard__occupation_id=occupation_id)


def occupation_by_id(*, pk: int) -> Occupation | None:
    return Occupation.objects.filter(pk=pk).first()


def occupations_by_code(*, codes: set[str]) -> dict[str, Occupation]:
    """The occupations among `codes`, keyed by code, with their specialties (two queries)."""
    rows = Occupation.objects.filter(code__in=codes).prefetch_related("specialties")
    return {o.code: o for o in rows}


def occupation_choices() -> list[tuple[str, str]]:
    """(code, name) of every occupation, by code, for a pick list."""
    return list(Occupation.objects.order_by("code").values_list("code", "name"))


def standards_of_occupation(*, occupation_id: int) -> QuerySet[Standard]:
    """The occupation's standards, newest edition first."""
    return Standard.objects.filter(occupation_id=occupation_id).order_by("-edition_year")


def occupations_by_ids(*, ids: list[int]) -> dict[int, Occupation]:
    """The occupations among `ids`, keyed by id (one query)."""
    return Occupation.objects.in_bulk(ids)


def occupations_with_standard() -> QuerySet[Occupation]:
    """The occupations that have at least one standard (what the self-check can evaluate)."""
    return Occupation.objects.filter(standards__isnull=False).distinct().order_by("code")


def standards_current_by_occupation() -> dict[int, Standard]:
    """Occupation id → its current standard as `standard_current` picks it (the newest
    national edition, else the newest of any kind), for the whole catalogue in one query."""
    standards: dict[int, Standard] = {}
    for standard in Standard.objects.order_by("occupation_id", "-edition_year", "kind"):
        current = standards.get(standard.occupation_id)
        if current is None or (current.kind != "national" and standard.kind == "national"):
            standards[standard.occupation_id] = standard
    return standards


def specialty_ids_by_name(*, occupation_ids: set[int]) -> dict[int, dict[str, int]]:
    """Occupation id → {specialty name: specialty id} for these occupations (one query)."""

    specialties: dict[int, dict[str, int]] = {}
    for specialty in Specialty.objects.filter(occupation_id__in=occupation_ids):
        specialties.setdefault(specialty.occupation_id, {})[specialty.name] = specialty.pk
    return specialties
