from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from skillcert.accounts.scope import Scope, scope_for
from skillcert.audit.models import AuditEvent
from skillcert.audit.selectors import audit_events
from skillcert.common.exports import xlsx_response
from skillcert.common.labels import codes_labelled, label_for

CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    """One audit event as a person reads it: names instead of codes; the codes stay in the
    export and in the cells' titles."""

    event: AuditEvent
    actor: str
    action: str
    object_type: str
    changes: list[Change]


def _actor_name(ref: str) -> str:
    """ "12:clerk_a" names the user clerk_a; "system:…" and "command:…" are processes."""
    head, _, name = ref.partition(":")
    if head.isdigit():
        return name
    return "系统" if ref else "—"


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _model_name(model: Any) -> str:
    name = str(model._meta.verbose_name) if model is not None else ""
    return name if CJK.search(name) else "其他对象"


def _value(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if isinstance(value, list):
        return "、".join(_value(field, v) for v in value) or "—"
    return str(choices.get(value, value))


def _changes(model: Any, changes: dict[str, Any]) -> list[Change]:
    rows = []
    for key, pair in (changes or {}).items():
        try:
            field = model._meta.get_field(key) if model is not None else None
        except FieldDoesNotExist:
            field = None
        name = str(getattr(field, "verbose_name", ""))
        if not CJK.search(name):  # a field without a Chinese name (Django's own models)
            name = label_for(key, "field", fallback="其他")
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append(Change(name, _value(field, before), _value(field, after)))
    return rows


def _rows(events: Iterable[AuditEvent]) -> list[EventRow]:
    rows = []
    for e in events:
        model = _model(e.object_type)
        rows.append(
            EventRow(
                event=e,
                actor=_actor_name(e.actor_ref),
                action=label_for(e.action),
                object_type=_model_name(model),
                changes=_changes(model, e.changes),
            )
        )
    return rows


def _object_types() -> list[tuple[str, str]]:
    """Every kind of object the trail may name, by its Chinese name, for the filter."""
    return sorted(
        (
            (m._meta.label_lower, str(m._meta.verbose_name))
            for m in apps.get_models()
            if CJK.search(str(m._meta.verbose_name))
        ),
        key=lambda pair: pair[1],
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


EXPORT_HEADERS = [
    "时间",
    "操作人",
    "操作",
    "操作代码",
    "对象类型",
    "对象编号",
    "对象",
    "变更",
    "请求编号",
    "IP",
]


def _filtered_events(scope: Scope, params: QueryDict) -> QuerySet[AuditEvent]:
    """The events the filter boxes ask for. The action box takes a code ("plan.") or words of
    its Chinese name (抽样比例)."""
    action = params.get("action", "").strip()
    actions = codes_labelled(action) if CJK.search(action) else None
    return audit_events(
        scope=scope,
        action="" if actions is not None else action,
        actions=actions,
        actor=params.get("actor", "").strip(),
        object_type=params.get("object_type", "").strip(),
        q=params.get("q", "").strip(),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
    )


def _export(events: QuerySet[AuditEvent]) -> HttpResponse:
    """The filtered trail as a workbook, codes beside their names (at most 100,000 rows)."""
    rows = (
        (
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_ref,
            label_for(e.action),
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
    return xlsx_response("审计日志.xlsx", EXPORT_HEADERS, rows)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    # The trail names candidates, officers and addresses across the whole installation: only
    # the province (and platform administrators) read it; a city's own view would need each
    # event tagged with a region, which the chain does not hold.
    if not scope.is_province_officer:
        raise Http404
    params = request.GET
    events = _filtered_events(scope, params)
    if params.get("export") == "xlsx":
        return _export(events)
    page = Paginator(events, 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "rows": _rows(page),
            "params": params,
            "object_types": _object_types(),
            "querystring": query.urlencode(),
        },
    )
