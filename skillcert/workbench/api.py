"""/api/v1/me: the signed-in user's own workbench, over the same registry as the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from skillcert.workbench.todo import TodoGroup, todo_for

router = Router(tags=["workbench"])


class DueOut(Schema):
    label: str
    date: dt.date
    workdays_left: int | None
    overdue: bool
    text: str


class TodoItemOut(Schema):
    key: str
    label: str
    count: int
    url: str
    due: DueOut | None


class TodoGroupOut(Schema):
    role: str
    label: str
    items: list[TodoItemOut]


class TodoOut(Schema):
    today: dt.date
    groups: list[TodoGroupOut]


def _group(group: TodoGroup) -> dict[str, Any]:
    return {
        "role": group.role,
        "label": group.label,
        "items": [
            {
                "key": item.key,
                "label": item.label,
                "count": item.count,
                "url": item.url,
                "due": None
                if item.due is None
                else {
                    "label": item.due.label,
                    "date": item.due.day,
                    "workdays_left": item.due.workdays_left,
                    "overdue": item.due.overdue,
                    "text": item.due.text,
                },
            }
            for item in group.items
        ],
    }


@router.get("/todo", response=TodoOut, summary="我的待办事项（按角色分组，含工作日期限）")
def todo(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    return {"today": today, "groups": [_group(g) for g in todo_for(user=request.user, today=today)]}
