"""L7: the examiner's own page renders with a registration and shows its latest progress."""

from __future__ import annotations

import datetime as dt

from .conftest import registration_through


def test_my_page_renders_with_registrations_and_shows_the_last_event(world, march_plan):
    p = world.personas
    reg = registration_through(world, march_plan, "recommended", today=dt.date(2026, 3, 5))
    response = p.client_for(p.examiner).get("/personnel/me/")
    assert response.status_code == 200
    page = response.content.decode()
    assert march_plan.title in page and "单位已推荐，待市级初审" in page
    last = reg.events.last()
    assert last is not None and last.note == "单位推荐"
    assert "单位推荐" in page.split("我的报名与审核进度", 1)[1]
