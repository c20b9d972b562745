"""Reading the statistics filters from a query string, refusing what does not make sense."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from skillcert.accounts.scope import Scope
from skillcert.common.errors import DomainError
from skillcert.organizations.choices import OrgKind
from skillcert.reporting.selectors import Filters


def _date(raw: str, field: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "reporting.date_invalid", "日期格式应为 YYYY-MM-DD", field=field
        ) from None


def filters_from(params: Mapping[str, str], scope: Scope) -> Filters:
    region = (params.get("region") or "").strip()
    if region and not (region.isdigit() and len(region) <= 6):
        raise DomainError(
            "reporting.region_invalid", "地区应为行政区划代码（数字）", field="region"
        )
    if (
        region
        and not scope.is_platform
        and not any(region.startswith(p) or p.startswith(region) for p in scope.region_prefixes)
    ):
        raise DomainError(
            "reporting.region_outside_scope", "所选地区不在您的管辖范围内", field="region"
        )
    kind = (params.get("kind") or "").strip()
    if kind and kind not in OrgKind.values:
        raise DomainError("reporting.kind_invalid", "机构类型无效", field="kind")
    date_from = _date(params.get("date_from", ""), "date_from")
    date_to = _date(params.get("date_to", ""), "date_to")
    if date_from and date_to and date_to < date_from:
        raise DomainError("reporting.period_invalid", "结束日期不能早于开始日期", field="date_to")
    return Filters(region=region, date_from=date_from, date_to=date_to, org_kind=kind)
