"""API endpoints: the scoped organisation list, and the public directory (auth=None)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from skillcert.accounts.scope import scope_for
from skillcert.common.api import ErrorOut
from skillcert.common.errors import DomainError
from skillcert.organizations.directory import (
    MAX_PAGE_SIZE,
    DirectoryRow,
    directory_entry,
    directory_filters_parse,
    directory_rows,
    directory_search,
)
from skillcert.organizations.selectors import organizations_visible

router = Router(tags=["organizations"])
directory_router = Router(tags=["directory"])


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    uscc: str
    region_code: str
    status: str
    filing_number: str | None


@router.get("", response=list[OrganizationOut], summary="评价机构（按权限范围）")
def api_organizations(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    orgs = organizations_visible(scope=scope_for(request.user), q=q[:100])[:500]
    return [
        {
            "id": o.pk,
            "name": o.name,
            "kind": o.kind,
            "uscc": o.uscc,
            "region_code": o.region_id,
            "status": o.status,
            "filing_number": o.filing_number,
        }
        for o in orgs
    ]


class ScopeOut(Schema):
    occupation_code: str
    occupation_name: str
    levels: list[int]


class DirectoryItemOut(Schema):
    filing_number: str
    name: str
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    standing: str
    standing_label: str
    listings: list[str]
    contact_phone: str
    address: str
    scope: list[ScopeOut]


class DirectoryPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[DirectoryItemOut]


def _item(row: DirectoryRow) -> dict[str, Any]:
    org = row.org
    return {
        "filing_number": org.filing_number,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "region_code": org.region_id,
        "region_name": row.region_name,
        "valid_from": org.valid_from,
        "valid_until": org.valid_until,
        "standing": row.standing,
        "standing_label": row.standing_label,
        "listings": row.listing_notes,
        "contact_phone": org.contact_phone,
        "address": org.address,
        "scope": [
            {
                "occupation_code": s.occupation_code,
                "occupation_name": s.occupation_name,
                "levels": s.levels,
            }
            for s in row.scope
        ],
    }


@directory_router.get(
    "",
    auth=None,
    response={200: DirectoryPageOut, 400: ErrorOut},
    summary="公开名录：已备案评价机构（可按名称、地区、职业、等级、类型查询）",
)
def api_directory(
    request: HttpRequest,
    q: str = "",
    region: str = "",
    occupation: str = "",
    level: str = "",
    kind: str = "",
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(
            "directory.page_size", f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", field="page_size"
        )
    if page < 1:
        raise DomainError("directory.page_invalid", "页码应从 1 开始", field="page")
    filters = directory_filters_parse(
        {"q": q, "region": region, "occupation": occupation, "level": level, "kind": kind}
    )
    paginator = Paginator(directory_search(filters), page_size)
    current = paginator.get_page(page)
    rows = directory_rows(list(current.object_list), day=timezone.localdate())
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "results": [_item(row) for row in rows],
    }


@directory_router.get(
    "/{filing_number}",
    auth=None,
    response={200: DirectoryItemOut, 404: ErrorOut},
    summary="公开名录：按备案编号查询",
)
def api_directory_entry(request: HttpRequest, filing_number: str) -> Any:
    row = directory_entry(filing_number=filing_number.strip().upper(), day=timezone.localdate())
    if row is None:
        return Status(
            404,
            {
                "code": "directory.not_found",
                "message": "名录中没有该备案编号",
                "field": None,
            },
        )
    return _item(row)
