from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from skillcert.accounts.scope import scope_for
from skillcert.applications.models import Application
from skillcert.organizations.credit import credit_listing_add
from skillcert.plans.tests.factories import file_org, make_candidate
from skillcert.reporting.selectors import Filters, dashboard


def _tables(user, filters=None):
    chosen = filters or Filters()
    return {t.key: t for t in dashboard(scope_for(user), chosen, today=timezone.localdate())}


def _apps(plan, hr, statuses, start=0):
    for i, status in enumerate(statuses, start=start):
        Application.objects.create(
            plan=plan,
            candidate=make_candidate(100 + i),
            occupation=hr,
            level=4,
            status=status,
            submitted_at=timezone.now(),
        )


def test_counts_come_from_the_live_data_and_follow_the_officers_region(personas, plan, hr):
    file_org(personas.org_b, [hr], (4,))
    _apps(plan, hr, ["org_review", "city_review", "approved", "draft"])
    credit_listing_add(
        org=personas.org_b,
        list_kind="abnormal",
        reason="逾期",
        document_no="苏1",
        starts_on=timezone.localdate(),
        actor=personas.province,
    )
    province = _tables(personas.province)
    assert province["orgs_status"].rows == [["已备案", 2]]
    assert dict(map(tuple, province["apps_status"].rows)) == {
        "待初审": 1,
        "待复审": 1,
        "审核通过": 1,
    }
    assert dict(map(tuple, province["apps_tier"].rows)) == {"初审": 1, "复审": 1, "不在审核中": 1}
    assert province["credit"].rows == [["异常名录", 1]]
    assert {r[0] for r in province["orgs_city"].rows} == {"南京市", "苏州市"}
    suzhou = _tables(personas.city_suzhou)
    assert suzhou["apps_status"].rows == [] and suzhou["orgs_status"].rows == [["已备案", 1]]
    narrowed = _tables(personas.province, Filters(region="3205"))
    assert narrowed["credit"].total == 1 and narrowed["apps_status"].total == 0


def test_the_dashboard_is_a_fixed_number_of_queries_whatever_the_data(personas, plan, hr):
    _apps(plan, hr, ["org_review"])
    with CaptureQueriesContext(connection) as small:
        _tables(personas.province)
    _apps(plan, hr, ["org_review", "approved", "rejected", "city_review"] * 3, start=1)
    personas.province._skillcert_scope = None
    with CaptureQueriesContext(connection) as large:
        _tables(personas.province)
    assert len(large.captured_queries) <= len(small.captured_queries) + 1


def test_certificates_count_by_level_with_the_high_skill_share(personas, hr):
    from skillcert.certificates.services import Holder, certificate_issue_for

    file_org(personas.org_a, [hr], (4, 3))
    for seq, level in [(1, 3), (2, 4), (3, 4), (4, 4)]:
        certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(seq), hr, "", level),
            actor="system:test",
            issue_date=None,
        )
    province = _tables(personas.province)
    assert province["certificates"].rows == [["四级/中级工", 3], ["三级/高级工", 1]]
    assert "25.0%" in province["certificates"].title
    assert province["certificates_occupation"].rows == [["4-07-03-02", hr.name, 4]]
    assert _tables(personas.city_suzhou)["certificates"].rows == []
