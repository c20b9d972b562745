"""Who may do what in a unified sitting: the province runs the sitting; a city officer runs
its own district (sites, rooms, seating, tickets, exam day); staff assigned to a site record
exam-day events there."""

from __future__ import annotations

from skillcert.accounts.actors import Actor, actor_scope
from skillcert.common.errors import Forbidden
from skillcert.exams.models import District, Sitting


def require_province(actor: Actor, sitting_province_code: str) -> None:
    scope = actor_scope(actor)
    if not (scope.is_province_officer and scope.covers_region_code(sitting_province_code)):
        raise Forbidden("exams.forbidden", "只有省级人社部门（鉴定中心）可以进行此项操作")


def may_run_district(actor: Actor, district: District) -> bool:
    scope = actor_scope(actor)
    return scope.is_officer and scope.covers_region_code(district.city_id)


def require_district(actor: Actor, district: District) -> None:
    if not may_run_district(actor, district):
        raise Forbidden("exams.forbidden", f"无权管理{district.name}的考务")


def may_see_sitting(actor: Actor, sitting: Sitting) -> bool:
    scope = actor_scope(actor)
    if scope.is_platform:
        return True
    if scope.is_officer:
        return any(
            scope.covers_region_code(code)
            for code in sitting.districts.values_list("city_id", flat=True)
        ) or scope.covers_region_code(sitting.province_id)
    return False
