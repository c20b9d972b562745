from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from skillcert.accounts.scope import scope_for
from skillcert.audit.selectors import audit_events
from skillcert.common.exports import xlsx_response


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    # The trail names candidates, officers and addresses across the whole installation: only
    # the province (and platform administrators) read it; a city's own view would need each
    # event tagged with a region, which the chain does not hold.
    if not scope.is_province_officer:
        raise Http404
    params = request.GET
    events = audit_events(
        scope=scope,
        action=params.get("action", "").strip(),
        actor=params.get("actor", "").strip(),
        object_type=params.get("object_type", "").strip(),
        q=params.get("q", "").strip(),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
    )
    if params.get("export") == "xlsx":
        rows = (
            (
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_ref,
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                str(e.changes),
                e.request_id,
                e.ip or "",
            )
            for e in events[:100_000].iterator()
        )
        return xlsx_response(
            "审计日志.xlsx",
            ["时间", "操作人", "操作", "对象类型", "对象编号", "对象", "变更", "请求编号", "IP"],
            rows,
        )
    page = Paginator(events, 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "params": params, "querystring": query.urlencode()},
    )
