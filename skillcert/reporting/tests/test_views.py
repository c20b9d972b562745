import pytest

from skillcert.accounts.scope import scope_for
from skillcert.common.errors import DomainError
from skillcert.reporting.filters import filters_from


def test_statistics_page_export_and_api_for_officers(personas, plan):
    client = personas.client_for(personas.city_nanjing)
    page = client.get("/reporting/")
    assert page.status_code == 200 and "评价机构 · 按备案状态" in page.content.decode()
    export = client.get("/reporting/?export=xlsx&table=orgs_status")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    api = client.get("/api/v1/reporting/summary?kind=S")
    assert api.status_code == 200
    tables = {t["key"]: t for t in api.json()["tables"]}
    assert tables["plans_status"]["total"] == 1


def test_non_officers_do_not_see_statistics(personas):
    for user in (personas.clerk_a, personas.candidate, personas.supervisor):
        client = personas.client_for(user)
        assert client.get("/reporting/").status_code == 404
        assert client.get("/api/v1/reporting/summary").status_code == 404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"date_from": "2026-13-01"}, "reporting.date_invalid"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "reporting.period_invalid"),
        ({"region": "3205"}, "reporting.region_outside_scope"),
        ({"region": "南京"}, "reporting.region_invalid"),
        ({"kind": "bank"}, "reporting.kind_invalid"),
    ],
)
def test_bad_filters_are_refused(personas, params, code):
    with pytest.raises(DomainError) as exc:
        filters_from(params, scope_for(personas.city_nanjing))
    assert exc.value.code == code
    answer = personas.client_for(personas.city_nanjing).get("/api/v1/reporting/summary", params)
    assert answer.status_code == 400 and answer.json()["code"] == code
