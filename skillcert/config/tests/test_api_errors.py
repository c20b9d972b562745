"""API errors speak like the pages: {code, message, field} in Chinese, never a 500 or
pydantic's English `detail`."""

import pytest


@pytest.fixture
def api(personas):
    return personas.client_for(personas.clerk_a)


def test_a_date_past_the_calendar_is_a_400_not_a_500(api):
    response = api.get("/api/v1/workdays/add?start=9999-12-31&n=1")
    assert response.status_code == 400
    assert response.json()["code"] == "workdays.date_range"


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("start=2026-13-01&n=1", "start", "日期格式应为 YYYY-MM-DD"),
        ("start=2026-09-25&n=5000", "n", "不能大于 1000"),
        ("start=2026-09-25&n=x", "n", "应为整数"),
        ("n=3", "start", "必填"),
    ],
)
def test_input_the_schema_refuses_names_the_field_in_chinese(api, query, field, words):
    response = api.get(f"/api/v1/workdays/add?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and body["field"] == field
    assert body["message"] == f"{field}：{words}"
    assert "detail" not in body


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/personnel/card-collections", {"on": None, "cards": [10**40, -314]}),
        ("/api/v1/applications/approve-bulk", {"ids": [10**40], "tier": "org"}),
    ],
)
def test_an_id_larger_than_the_database_holds_is_refused_not_a_500(api, path, body):
    response = api.post(path, body, content_type="application/json")
    # SQLite cannot hold the number (422); PostgreSQL compares it and finds no row.
    assert response.status_code in (200, 400, 404, 422), response.content[:300]
    if response.status_code == 422:
        assert response.json()["code"] == "invalid_input"
    else:
        assert response.json().get("approved", 0) == 0
