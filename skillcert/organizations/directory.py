"""The public directory of filed organisations (replaces the directories of seed 002's
online service platform): search by name or filing number, region subtree, occupation,
level and type. Anonymous; shows only what a filing makes public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from skillcert.common.errors import DomainError
from skillcert.occupations.selectors import occupation_by_code
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listings_in_force
from skillcert.organizations.models import (
    CreditList,
    EvaluationOrg,
    OrgKind,
    OrgScope,
    OrgStatus,
)
from skillcert.regions.selectors import region_by_code, region_names

PUBLIC_STATUSES = (OrgStatus.FILED, OrgStatus.SUSPENDED)
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    region: str = ""  # GB/T 2260 code; its whole subtree matches
    occupation: str = ""  # occupation code, e.g. 4-07-03-02
    level: int | None = None
    kind: str = ""

    def as_query(self) -> dict[str, str]:
        values = {
            "q": self.q,
            "region": self.region,
            "occupation": self.occupation,
            "level": str(self.level) if self.level else "",
            "kind": self.kind,
        }
        return {k: v for k, v in values.items() if v}


def directory_filters_parse(params: Mapping[str, str]) -> DirectoryFilters:
    level_raw = (params.get("level") or "").strip()
    level = None
    if level_raw:
        if level_raw not in {"1", "2", "3", "4", "5"}:
            raise DomainError("directory.level_invalid", "等级应为 1 到 5", field="level")
        level = int(level_raw)
    kind = (params.get("kind") or "").strip()
    if kind and kind not in OrgKind.values:
        raise DomainError("directory.kind_invalid", "机构类型无效", field="kind")
    region = (params.get("region") or "").strip()
    if region and not (len(region) == 6 and region.isdigit()):
        raise DomainError(
            "directory.region_invalid", "地区应为6位行政区划代码（如 320100）", field="region"
        )
    return DirectoryFilters(
        q=(params.get("q") or "").strip()[:100],
        region=region,
        occupation=(params.get("occupation") or "").strip()[:20],
        level=level,
        kind=kind,
    )


def _prefix_range(prefix: str) -> Q:
    """Codes starting with `prefix`, as a range so the index on region_id is used (SQLite
    does not use an index for LIKE)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(region_id__gte=prefix, region_id__lt=upper)


def directory_search(filters: DirectoryFilters) -> QuerySet[EvaluationOrg]:
    orgs = EvaluationOrg.objects.filter(status__in=PUBLIC_STATUSES)
    if filters.q:
        orgs = orgs.filter(Q(name__icontains=filters.q) | Q(filing_number=filters.q.upper()))
    if filters.kind:
        orgs = orgs.filter(kind=filters.kind)
    if filters.region:
        region = region_by_code(code=filters.region)
        if region is None:
            raise DomainError(
                "directory.region_unknown", f"行政区划代码 {filters.region} 不存在", field="region"
            )
        orgs = orgs.filter(_prefix_range(region.prefix))
    if filters.occupation or filters.level:
        # Drive the search from the scope index (occupation, level, org): the matching org ids
        # are a few thousand at most, and an IN list over them beats probing per organisation.
        lines = OrgScope.objects.filter(active=True)
        if filters.occupation:
            occupation = occupation_by_code(code=filters.occupation)
            if occupation is None:
                raise DomainError(
                    "directory.occupation_unknown",
                    f"职业编码 {filters.occupation} 不存在",
                    field="occupation",
                )
            lines = lines.filter(occupation_id=occupation.pk)
        if filters.level:
            lines = lines.filter(level=filters.level)
        orgs = orgs.filter(pk__in=lines.values("org_id"))
    return orgs.order_by("filing_number")


@dataclass(frozen=True)
class ScopeSummary:
    occupation_code: str
    occupation_name: str
    levels: list[int]

    @property
    def level_names(self) -> list[str]:
        return [LEVEL_NAMES[level] for level in self.levels]


@dataclass(frozen=True)
class DirectoryRow:
    org: EvaluationOrg
    region_name: str
    scope: list[ScopeSummary]
    standing: str  # normal, suspended, expired, abnormal, blacklisted
    standing_label: str
    listing_notes: list[str] = field(default_factory=list)

    @property
    def scope_text(self) -> str:
        return "；".join(
            f"{s.occupation_name}（{s.occupation_code}）{'、'.join(s.level_names)}"
            for s in self.scope
        )


_STANDING_LABELS = {
    "normal": "正常",
    "suspended": "暂停认定",
    "expired": "备案已过期",
    "abnormal": "列入异常名录",
    "blacklisted": "列入黑名单",
}


def directory_rows(orgs: list[EvaluationOrg], *, day: dt.date) -> list[DirectoryRow]:
    """Presentation rows for one page: three queries whatever the page size."""
    ids = [o.pk for o in orgs]
    scope: dict[int, dict[str, tuple[str, list[int]]]] = {}
    for org_id, code, name, level in (
        OrgScope.objects.filter(org_id__in=ids, active=True)
        .order_by("occupation__code", "-level")
        .values_list("org_id", "occupation__code", "occupation__name", "level")
    ):
        entry = scope.setdefault(org_id, {}).setdefault(code, (name, []))
        if level not in entry[1]:
            entry[1].append(level)
    listings: dict[int, list[tuple[str, str]]] = {}
    for org_id, kind, document_no, starts_on, ends_on in listings_in_force(
        org_ids=ids, day=day
    ).values_list("org_id", "list_kind", "document_no", "starts_on", "ends_on"):
        period = f"{starts_on} 至 {ends_on}" if ends_on else f"{starts_on} 起"
        label = CreditList(kind).label
        listings.setdefault(org_id, []).append((kind, f"{label}：{document_no}，{period}"))
    regions = region_names(codes={o.region_id for o in orgs})
    rows = []
    for org in orgs:
        kinds = {kind for kind, _ in listings.get(org.pk, [])}
        if CreditList.BLACKLIST in kinds:
            standing = "blacklisted"
        elif CreditList.ABNORMAL in kinds:
            standing = "abnormal"
        elif org.status == OrgStatus.SUSPENDED:
            standing = "suspended"
        elif org.valid_until is not None and org.valid_until < day:
            standing = "expired"
        else:
            standing = "normal"
        rows.append(
            DirectoryRow(
                org=org,
                region_name=regions.get(org.region_id, org.region_id),
                scope=[
                    ScopeSummary(code, name, levels)
                    for code, (name, levels) in scope.get(org.pk, {}).items()
                ],
                standing=standing,
                standing_label=_STANDING_LABELS[standing],
                listing_notes=[note for _, note in listings.get(org.pk, [])],
            )
        )
    return rows


def directory_entry(*, filing_number: str, day: dt.date) -> DirectoryRow | None:
    org = (
        EvaluationOrg.objects.filter(status__in=PUBLIC_STATUSES, filing_number=filing_number)
        .select_related("region")
        .first()
    )
    if org is None:
        return None
    return directory_rows([org], day=day)[0]


EXPORT_HEADERS = [
    "备案编号",
    "机构名称",
    "机构类型",
    "所在地区",
    "认定职业及等级",
    "有效期起",
    "有效期至",
    "状态",
    "联系电话",
    "地址",
]


def directory_export_rows(
    filters: DirectoryFilters, *, day: dt.date, chunk: int = 2000
) -> Iterator[list[str]]:
    """Every matching row, a chunk of organisations at a time (bounded memory)."""
    orgs = directory_search(filters)
    last = ""
    while True:
        batch = list(orgs.filter(filing_number__gt=last)[:chunk])
        if not batch:
            return
        for row in directory_rows(batch, day=day):
            yield [
                row.org.filing_number or "",
                row.org.name,
                OrgKind(row.org.kind).label,
                row.region_name,
                row.scope_text,
                str(row.org.valid_from or ""),
                str(row.org.valid_until or ""),
                row.standing_label,
                row.org.contact_phone,
                row.org.address,
            ]
        last = batch[-1].filing_number or ""
