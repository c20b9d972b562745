from __future__ import annotations

from django.db.models import QuerySet

from skillcert.regions.models import Region, RegionLevel


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
