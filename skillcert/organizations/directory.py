"""The public directory of filed organisations (replaces the directories of seed 002's
online service platform): search by name or filing number, region subtree, occupation,
level and type. Anonymous; shows only what a filing makes public."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet

from skillcert.common.errors import DomainError
from skillcert.occupations.selectors import occupation_by_code, occupations_search
from skillcert.organizations.core import LEVEL_NAMES
from skillcert.organizations.credit import listings_in_force
from skillcert.organizations.models import (
    CreditList,
    EvaluationOrg,
    OrgKind,
    OrgScope,
    OrgStatus,
)
from skillcert.regions.choices import RegionLevel
from skillcert.regions.selectors import region_by_code, region_names, regions_of_levels

PUBLIC_STATUSES = (OrgStatus.FILED, OrgStatus.SUSPENDED)
MAX_PAGE_SIZE = 100
_OCCUPATION_CODE = re.compile(r"^[0-9]-[0-9]{2}(-[0-9]{2}){0,2}$")
# GB/T 2260 keeps a placeholder 「市辖区」 under every city; it names no place anyone types.
_PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class DirectoryFilters:
    """What the visitor asked for, as typed: `region` and `occupation` are a code or a name
    (「南京」, 「玄武区」, 「电工」); `directory_search` resolves them."""

    q: str = ""
    region: str = ""  # GB/T 2260 code or a place name in the province; its subtree matches
    occupation: str = ""  # occupation code (4-07-03-02) or a name (电工)
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
    region = (params.get("region") or "").strip()[:40]
    if region.isdigit() and len(region) != 6:
        raise DomainError(
            "directory.region_invalid",
            "地区请填写地名（如 南京、玄武区）或6位行政区划代码（如 320100）",
            field="region",
        )
    return DirectoryFilters(
        q=(params.get("q") or "").strip()[:100],
        region=region,
        occupation=(params.get("occupation") or "").strip()[:40],
        level=level,
        kind=kind,
    )


@dataclass(frozen=True)
class PlaceChoice:
    """A division of the province as the region picker offers it: 「南京市玄武区」 (320102)."""

    code: str
    name: str
    full_name: str
    prefix: str


def directory_places() -> list[PlaceChoice]:
    """The province itself, its cities and their districts and counties, in code order: what
    the region picker suggests and what a typed place name is matched against."""
    province = settings.SKILLCERT_PROVINCE
    rows = [
        r
        for r in regions_of_levels(levels=list(RegionLevel)).filter(
            code__startswith=province, active=True
        )
        if r.name not in _PLACEHOLDER_NAMES
    ]
    names = {r.code: r.name for r in rows}
    places = []
    for r in rows:
        city = names.get(f"{r.code[:4]}00", "") if r.level == RegionLevel.COUNTY else ""
        places.append(PlaceChoice(r.code, r.name, f"{city}{r.name}", r.prefix))
    return places


def _region_prefixes(text: str) -> list[str]:
    """The code prefixes a typed region stands for: a 6-digit code's own subtree, or every
    place of the province whose name (「玄武区」) or full name (「南京市玄武区」) holds the
    text — the exact ones if there are any. 「鼓楼区」 is both Nanjing's and Xuzhou's."""
    if text.isdigit():
        region = region_by_code(code=text)
        if region is None:
            raise DomainError(
                "directory.region_unknown", f"行政区划代码 {text} 不存在", field="region"
            )
        return [region.prefix]
    places = directory_places()
    exact = [p for p in places if text in (p.name, p.full_name)]
    found = exact or [p for p in places if text in p.full_name]
    if not found:
        raise DomainError(
            "directory.region_unknown",
            f"本省没有名称含「{text}」的地区，请从提示中选择或填写行政区划代码",
            field="region",
        )
    prefixes = sorted({p.prefix for p in found})
    # A city that matched already covers its districts.
    return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]


def _occupation_ids(text: str) -> list[int]:
    """The occupations a typed occupation stands for: a code's own, or every occupation whose
    name or specialty (工种) holds the text — the exact names if there are any."""
    if _OCCUPATION_CODE.match(text):
        occupation = occupation_by_code(code=text)
        if occupation is None:
            raise DomainError(
                "directory.occupation_unknown", f"职业编码 {text} 不存在", field="occupation"
            )
        return [occupation.pk]
    found = list(occupations_search(q=text))
    exact = [o.pk for o in found if o.name == text]
    if not found:
        raise DomainError(
            "directory.occupation_unknown",
            f"职业目录中没有名称含「{text}」的职业，请从提示中选择或填写职业编码",
            field="occupation",
        )
    return exact or [o.pk for o in found]


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
        within = Q()
        for prefix in _region_prefixes(filters.region):
            within |= _prefix_range(prefix)
        orgs = orgs.filter(within)
    if filters.occupation or filters.level:
        # Drive the search from the scope index (occupation, level, org): the matching org ids
        # are a few thousand at most, and an IN list over them beats probing per organisation.
        lines = OrgScope.objects.filter(active=True)
        if filters.occupation:
            lines = lines.filter(occupation_id__in=_occupation_ids(filters.occupation))
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


def _place_names(codes: set[str]) -> dict[str, str]:
    """Code → the name a reader places: a district with its city (「南京市玄武区」), a city or
    a province by its own name."""
    cities = {f"{c[:4]}00" for c in codes if not c.endswith("00")}
    names = region_names(codes=codes | cities)
    out = {}
    for code in codes:
        name = names.get(code, code)
        city = "" if code.endswith("00") else names.get(f"{code[:4]}00", "")
        out[code] = f"{city}{name}" if city and city not in _PLACEHOLDER_NAMES else name
    return out


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
    regions = _place_names({o.region_id for o in orgs})
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
