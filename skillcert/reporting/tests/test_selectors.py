import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.scope import scope_for
from skillcert.organizations.credit import credit_listing_add
from skillcert.plans.tests.factories import file_org
from skillcert.reporting.charts import chart_for
from skillcert.reporting.selectors import Filters, dashboard
from skillcert.reporting.services import figures_refresh

TODAY = timezone.localdate()
EARLIER = TODAY - dt.timedelta(days=3)


def _tables(user, filters=None):
    user._skillcert_scope = None
    chosen = filters or Filters()
    return {t.key: t for t in dashboard(scope_for(user), chosen, today=TODAY)}


def test_figures_come_from_the_refreshed_summary_and_follow_the_officers_region(personas, live, hr):
    file_org(personas.org_b, [hr], (4,))
    for status in ["org_review", "city_review", "approved", "draft"]:
        live.application(EARLIER, status)
    credit_listing_add(
        org=personas.org_b,
        list_kind="abnormal",
        reason="逾期",
        document_no="苏1",
        starts_on=TODAY,
        actor=personas.province,
    )
    assert _tables(personas.province)["apps_status"].rows == []  # not summarised yet
    figures_refresh(actor=SystemActor("test"))

    province = _tables(personas.province)
    assert province["orgs_status"].rows == [["已备案", 2]]
    assert dict(map(tuple, province["apps_status"].rows)) == {
        "待初审": 1,
        "待复审": 1,
        "审核通过": 1,
    }
    assert dict(map(tuple, province["apps_tier"].rows)) == {"初审": 1, "复审": 1, "不在审核中": 1}
    assert province["credit"].rows == [["异常名录", 1]]
    assert province["regions"].title == "按地市"
    assert province["regions"].rows == [["南京市", 3, 0, 0, "—", 0]]
    assert {r[0] for r in province["orgs_city"].rows} == {"南京市", "苏州市"}
    nanjing = _tables(personas.city_nanjing)
    assert nanjing["regions"].title == "按区县" and nanjing["regions"].rows[0][0] == "玄武区"
    suzhou = _tables(personas.city_suzhou)
    assert suzhou["apps_status"].rows == [] and suzhou["orgs_status"].rows == [["已备案", 1]]
    narrowed = _tables(personas.province, Filters(region="3205"))
    assert narrowed["credit"].total == 1 and narrowed["apps_status"].total == 0
    outside = _tables(personas.province, Filters(date_from=TODAY))
    assert outside["apps_status"].rows == []


def test_the_dashboard_is_a_fixed_number_of_queries_whatever_the_data(personas, live):
    live.application(EARLIER, "org_review")
    figures_refresh(actor=SystemActor("test"))
    with CaptureQueriesContext(connection) as small:
        _tables(personas.province)
    for status in ["org_review", "approved", "rejected", "city_review"] * 3:
        live.application(EARLIER - dt.timedelta(days=40), status)
    figures_refresh(actor=SystemActor("test"), full=True)
    with CaptureQueriesContext(connection) as large:
        _tables(personas.province)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_levels_pass_rates_and_the_high_skill_share(personas, live):
    applications = [live.application(EARLIER, "approved", level=lv) for lv in (3, 4, 4, 4)]
    results = [live.result(a, EARLIER, passed=a.pk != applications[-1].pk) for a in applications]
    for result in results[:3]:
        live.certificate(result, EARLIER)
    figures_refresh(actor=SystemActor("test"))

    province = _tables(personas.province)
    assert province["levels"].rows == [
        ["四级/中级工", 3, 3, 3, 2, "66.7%", 2],
        ["三级/高级工", 1, 1, 1, 1, "100.0%", 1],
    ]
    assert province["high_skill"].rows == [
        ["高级工及以上（三级至一级）", 1],
        ["中级工及以下（五级、四级）", 2],
    ]
    assert "33.3%" in province["high_skill"].title
    assert province["pass_rates"].rows[0] == ["四级/中级工", "66.7%", 2, 3]
    assert province["routes"].rows == [["考试评价", 4, 4, 3, "75.0%", 3]]
    assert province["occupations"].rows == [["4-07-03-02", "企业人力资源管理师", 4, 3, 3]]
    assert province["months"].rows == [[f"{EARLIER:%Y-%m}", 4, 4, 4, 3, "75.0%", 3]]
    headline = dict(map(tuple, province["headline"].rows))
    assert headline["合格率"] == "75.0%" and headline["高技能人才占比"] == "33.3%"
    assert _tables(personas.city_suzhou)["levels"].rows == []


def _chart(table):
    option = chart_for(table)
    assert option is not None, table.key
    return option


def test_every_chart_is_drawn_from_its_table(personas, live):
    result = live.result(live.application(EARLIER, "approved", level=3), EARLIER, passed=True)
    live.certificate(result, EARLIER)
    figures_refresh(actor=SystemActor("test"))
    tables = _tables(personas.province)

    trend = _chart(tables["months"])
    assert trend["xAxis"]["data"] == [f"{EARLIER:%Y-%m}"]
    assert [s["data"] for s in trend["series"]] == [[1], [1], [1], [1]]
    pie = _chart(tables["high_skill"])
    assert pie["series"][0]["data"][0] == {"name": "高级工及以上（三级至一级）", "value": 1}
    assert _chart(tables["pass_rates"])["series"][0]["data"] == [100.0]
    assert _chart(tables["routes"])["series"][2]["data"] == [100.0]
    for key in ("levels", "regions", "org_kinds", "occupations"):
        assert _chart(tables[key])["series"], key
    assert chart_for(tables["apps_status"]) is None  # a table without a chart


def test_empty_tables_get_no_chart(personas):
    tables = _tables(personas.province)
    assert chart_for(tables["months"]) is None and tables["months"].rows == []


def test_supervision_coverage_counts_plans_with_a_visit(personas, plan, hr):
    from skillcert.plans.tests.factories import make_person
    from skillcert.supervision.models import Visit

    assert _tables(personas.province)["supervision_coverage"].rows == [["社会化评价", 0, "0.0%", 1]]
    supervisor = make_person(9, roles=[])
    Visit.objects.create(plan=plan, org=plan.organization, supervisor=supervisor, kind="onsite")
    assert _tables(personas.province)["supervision_coverage"].rows == [
        ["社会化评价", 1, "100.0%", 1]
    ]
    assert _tables(personas.city_suzhou)["supervision_coverage"].rows == []


def test_a_period_adds_whole_months_and_the_days_at_its_edges_once(personas, live):
    for day in ["2026-09-30", "2026-10-01", "2026-10-15", "2026-10-31", "2026-11-02"]:
        live.application(dt.date.fromisoformat(day), "approved")
    figures_refresh(actor=SystemActor("test"))

    def applications(date_from=None, date_to=None):
        filters = Filters(
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
        )
        return dict(map(tuple, _tables(personas.province, filters)["headline"].rows))[
            "申报人次（已提交）"
        ]

    assert applications() == 5
    assert applications("2026-10-01", "2026-10-31") == 3  # one whole month
    assert applications("2026-09-30", "2026-11-02") == 5  # edges by day, October by month
    assert applications("2026-10-02", "2026-10-30") == 1  # inside one month: days only
    assert applications("2026-10-15") == 3
    assert applications(None, "2026-10-14") == 2
