import pytest
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
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


def test_dashboard_draws_charts_with_their_tables_from_the_summary(personas, live):
    from skillcert.reporting.services import figures_refresh

    live.application(timezone.localdate(), "approved", level=3)
    figures_refresh(actor=SystemActor("test"))
    page = personas.client_for(personas.province).get("/reporting/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="chart-months"' in html and 'id="chart-months"' in html
    assert "echarts.min.js" in html and "<script>" not in html  # no inline script (CSP)
    assert "按月趋势" in html and "更新于" in html
    export = personas.client_for(personas.province).get("/reporting/?export=xlsx&table=levels")
    assert export.status_code == 200


def test_province_officers_queue_a_refresh_city_officers_cannot(personas, live):
    from skillcert.reporting.models import RefreshRun

    live.application(timezone.localdate(), "org_review")
    city = personas.client_for(personas.city_nanjing)
    assert city.post("/reporting/refresh/").status_code == 404
    assert not RefreshRun.objects.exists()
    answer = personas.client_for(personas.province).post("/reporting/refresh/")
    assert answer.status_code == 302 and RefreshRun.objects.count() == 1
