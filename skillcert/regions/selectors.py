from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from skillcert.regions.models import Region, RegionLevel

if TYPE_CHECKING:
    from skillcert.accounts.scope import Scope


def region_subtree(*, region: Region) -> QuerySet[Region]:
    return Region.objects.filter(code__startswith=region.prefix)


def province_prefectures(*, province_code: str) -> QuerySet[Region]:
    return Region.objects.filter(
        code__startswith=province_code[:2], level=RegionLevel.PREFECTURE, active=True
    )


def known_region_codes() -> frozenset[str]:
    return frozenset(Region.objects.values_list("code", flat=True))


def region_level_label(*, level: str) -> str:
    """The Chinese name of a division level ("province" → 省级, "prefecture" → 地市级)."""
    return str(RegionLevel(level).label)


def region_by_code(*, code: str, active_only: bool = False) -> Region | None:
    """The division with this code, or None (an inactive one counts unless `active_only`)."""
    rows = Region.objects.filter(code=code)
    return (rows.filter(active=True) if active_only else rows).first()


def region_names(*, codes: set[str]) -> dict[str, str]:
    """Code → name of the divisions among `codes` (one query)."""
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def regions_of_levels(*, levels: list[str]) -> QuerySet[Region]:
    """Every division of these levels, by code (the divisions are public; a page narrows them
    to the user's area)."""
    return Region.objects.filter(level__in=levels).order_by("code")


def prefectures_visible(*, scope: Scope) -> QuerySet[Region]:
    """The active prefecture-level divisions in the user's area."""
    return Region.objects.filter(
        scope.code_prefix_q("code"), level=RegionLevel.PREFECTURE, active=True
    )


def regions_with_codes(*, codes: list[str]) -> QuerySet[Region]:
    """The divisions among `codes`, by code."""
    return Region.objects.filter(code__in=sorted(codes)).order_by("code")
