import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from skillcert.audit.models import AuditEvent
from skillcert.exams.tests.factories import EXAM_DAY, FILED_ON, approve, ready_to_file
from skillcert.personnel.models import PersonRole
from skillcert.plans.models import (
    EvaluationPlan,
    FilingStatus,
    PlanExaminer,
    PlanFiling,
    PlanKind,
    PlanSession,
)
from skillcert.plans.services import (
    plan_details_set,
    plan_file,
    plan_review,
)
from skillcert.plans.tests.factories import draft_plan, file_org, make_candidate, make_person


@pytest.fixture
def draft(personas, hr):
    """A draft enterprise plan of org A; the filing dates are fixed in 2026 (the working-day
    calendar's data) whatever the clock says."""
    plan = draft_plan(personas, hr, code="V-1", title="页面测试计划")
    plan_details_set(plan=plan, kind=PlanKind.ENTERPRISE, method="exam", actor=personas.clerk_a)
    return plan


def _complete(plan, personas, hr, *, day=EXAM_DAY):
    ready_to_file(plan, personas, hr, day=day)


def _on(day):
    """The clock's date for the filing rule (the working-day calendar covers 2026)."""
    return mock.patch.object(timezone, "localdate", return_value=day)


# --- creating ----------------------------------------------------------------------------


def _create_data(personas, hr, **changes):
    today = timezone.localdate()
    data = {
        "organization": personas.org_a.pk,
        "code": "nj-2026-9",
        "title": "2026年第九批认定",
        "window_opens": today.isoformat(),
        "window_closes": (today + dt.timedelta(days=20)).isoformat(),
        "capacity": "30",
        "offerings": [f"{hr.pk}:4", f"{hr.pk}:3"],
    }
    data.update(changes)
    return data


def test_clerk_creates_a_plan_from_the_filed_scope(personas, hr):
    file_org(personas.org_a, [hr], (4, 3))
    client = personas.client_for(personas.clerk_a)
    form = client.get(reverse("plans:create")).content.decode()
    assert f'value="{hr.pk}:4"' in form and "企业人力资源管理师" in form
    response = client.post(reverse("plans:create"), _create_data(personas, hr))
    plan = EvaluationPlan.objects.get()
    assert response.url == reverse("plans:detail", args=[plan.pk])
    assert plan.code == "NJ-2026-9" and plan.organization == personas.org_a
    assert set(plan.offerings.values_list("level", flat=True)) == {3, 4}


def test_create_with_closing_before_opening_names_the_field_and_creates_nothing(personas, hr):
    file_org(personas.org_a, [hr], (4, 3))
    today = timezone.localdate()
    page = (
        personas.client_for(personas.clerk_a)
        .post(
            reverse("plans:create"),
            _create_data(personas, hr, window_closes=(today - dt.timedelta(days=1)).isoformat()),
        )
        .content.decode()
    )
    assert "报名截止日期不能早于开始日期" in page
    assert not EvaluationPlan.objects.exists()


def test_create_with_bad_number_and_no_offering_names_each_field(personas, hr):
    file_org(personas.org_a, [hr], (4,))
    page = (
        personas.client_for(personas.clerk_a)
        .post(reverse("plans:create"), _create_data(personas, hr, capacity="多", offerings=[]))
        .content.decode()
    )
    assert "计划人数：" in page and "职业等级：" in page
    assert not EvaluationPlan.objects.exists()


def test_only_organisation_staff_create_plans(personas):
    for user in (personas.city_nanjing, personas.province, personas.candidate):
        assert personas.client_for(user).get(reverse("plans:create")).status_code == 404


# --- the plan page: details, sessions, staff ---------------------------------------------


def test_clerk_sets_method_sessions_and_staff(draft, personas, hr):
    client = personas.client_for(personas.clerk_a)
    page = client.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert "尚未填写考核场次" in page and "须在首场考核前至少15个工作日报备" in page
    client.post(
        reverse("plans:details", args=[draft.pk]),
        {"details-kind": "enterprise", "details-method": "performance"},
    )
    draft.refresh_from_db()
    assert draft.method == "performance"
    response = client.post(
        reverse("plans:session_add", args=[draft.pk]),
        {
            "session-subject": "practical",
            "session-offering": f"{hr.pk}:4",
            "session-day": "2026-06-13",
            "session-starts": "14:00",
            "session-ends": "16:30",
            "session-site": "南京市实操考点",
            "session-expected": "12",
        },
    )
    assert response.status_code == 302
    session = PlanSession.objects.get(plan=draft)
    assert session.level == 4 and timezone.localtime(session.starts_at).hour == 14
    examiner = make_person(3, roles=[("examiner", hr, 1, 5)], name="王考评")
    supervisor = make_person(4, roles=[("supervisor_external", hr, 1, 5)], name="李督导")
    client.post(
        reverse("plans:staff", args=[draft.pk]),
        {"staff-examiners": [examiner.pk], "staff-supervisor": supervisor.pk},
    )
    draft.refresh_from_db()
    assert draft.supervisor == supervisor
    assert list(PlanExaminer.objects.values_list("person_id", flat=True)) == [examiner.pk]
    page = client.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert "王考评" in page and "南京市实操考点" in page
    client.post(reverse("plans:session_remove", args=[draft.pk, session.pk]))
    assert not PlanSession.objects.exists()


def test_social_plan_staff_form_leaves_the_supervisor_to_the_authority(draft, personas, hr):
    plan_details_set(plan=draft, kind=PlanKind.SOCIAL, method="exam", actor=personas.clerk_a)
    clerk = personas.client_for(personas.clerk_a)
    onsite = reverse("supervision:onsite", args=[draft.pk])
    examiner = make_person(3, roles=[("examiner", hr, 1, 5)], name="王考评")
    supervisor = make_person(4, roles=[("supervisor_external", hr, 1, 5)], name="李督导")
    page = clerk.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert 'name="staff-examiners"' in page and 'name="staff-supervisor"' not in page
    assert "由人社部门派遣外部质量督导员" in page and onsite not in page
    refused = clerk.post(
        reverse("plans:staff", args=[draft.pk]),
        {"staff-examiners": [examiner.pk], "staff-supervisor": supervisor.pk},
        follow=True,
    )
    assert "现场质量督导员由人社部门派遣" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.supervisor_id is None and not PlanExaminer.objects.exists()
    clerk.post(reverse("plans:staff", args=[draft.pk]), {"staff-examiners": [examiner.pk]})
    assert list(PlanExaminer.objects.values_list("person_id", flat=True)) == [examiner.pk]
    city = personas.client_for(personas.city_nanjing)
    assert onsite in city.get(reverse("plans:detail", args=[draft.pk])).content.decode()


def test_session_ending_before_it_starts_names_the_field_and_adds_nothing(draft, personas):
    page = (
        personas.client_for(personas.clerk_a)
        .post(
            reverse("plans:session_add", args=[draft.pk]),
            {
                "session-subject": "theory",
                "session-day": "2026-06-13",
                "session-starts": "10:00",
                "session-ends": "09:00",
                "session-site": "考点",
                "session-expected": "3",
            },
        )
        .content.decode()
    )
    assert "场次结束时间应晚于开始时间" in page
    assert 'value="考点"' in page  # the input is kept
    assert not PlanSession.objects.exists()


def test_session_without_site_or_number_names_the_fields(draft, personas):
    page = (
        personas.client_for(personas.clerk_a)
        .post(
            reverse("plans:session_add", args=[draft.pk]),
            {"session-subject": "theory", "session-day": "2026-06-13", "session-expected": "0"},
        )
        .content.decode()
    )
    assert "考核地点：" in page and "预计人数：" in page and "开始时间：" in page
    assert not PlanSession.objects.exists()


def test_examiner_without_a_valid_card_is_refused_by_name(draft, personas, hr):
    lapsed = make_person(5, roles=[("examiner", hr, 1, 5)], name="赵过期")
    PersonRole.objects.filter(person=lapsed).update(status="expired")
    page = (
        personas.client_for(personas.clerk_a)
        .post(reverse("plans:staff", args=[draft.pk]), {"staff-examiners": [lapsed.pk]})
        .content.decode()
    )
    assert "考评人员：赵过期没有本计划职业的有效考评员资格" in page
    assert not PlanExaminer.objects.exists()


# --- filing and review -------------------------------------------------------------------


def test_filing_too_late_shows_the_15_working_day_rule_and_files_nothing(draft, personas, hr):
    # From 2026-05-06 the 15th working day is 2026-05-26 (Saturday 05-09 is a make-up day).
    _complete(draft, personas, hr, day=dt.date(2026, 5, 25))
    with _on(FILED_ON):
        page = (
            personas.client_for(personas.clerk_a)
            .post(reverse("plans:file", args=[draft.pk]))
            .content.decode()
        )
    assert "报备未成功" in page and "至少15个工作日报备" in page
    assert "首场考核最早可安排在2026-05-26" in page
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.UNFILED and not PlanFiling.objects.exists()


def test_filed_plan_is_approved_by_the_city_on_the_review_page(draft, personas, hr):
    _complete(draft, personas, hr)
    clerk = personas.client_for(personas.clerk_a)
    with _on(FILED_ON):
        response = clerk.post(reverse("plans:file", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.FILED
    url = reverse("plans:review", args=[draft.pk])
    # Only the authority over Nanjing reviews: the clerk and Suzhou's officer get 404.
    assert clerk.get(url).status_code == 404
    assert personas.client_for(personas.city_suzhou).get(url).status_code == 404
    city = personas.client_for(personas.city_nanjing)
    page = city.get(url).content.decode()
    assert "南京市第一考点" in page and "审核结论" in page
    city.post(url, {"decision": "approve"})
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.APPROVED
    assert PlanFiling.objects.get().reviewed_by == personas.city_nanjing


def test_returning_without_a_reason_names_the_field_and_changes_nothing(draft, personas, hr):
    _complete(draft, personas, hr)
    plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    city = personas.client_for(personas.city_nanjing)
    page = city.post(
        reverse("plans:review", args=[draft.pk]), {"decision": "return", "reason": " "}
    ).content.decode()
    assert "审核意见：退回时请写明需要修改的内容" in page
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.FILED
    assert PlanFiling.objects.get().decision == ""
    city.post(
        reverse("plans:review", args=[draft.pk]),
        {"decision": "return", "reason": "请补充实操考点"},
    )
    page = (
        personas.client_for(personas.clerk_a)
        .get(reverse("plans:detail", args=[draft.pk]))
        .content.decode()
    )
    assert "退回修改" in page and "请补充实操考点" in page


def test_change_after_approval_is_marked_and_refiled_in_the_history(draft, personas, hr):
    _complete(draft, personas, hr)
    plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    plan_review(plan=draft, approve=True, actor=personas.city_nanjing)
    clerk = personas.client_for(personas.clerk_a)
    clerk.post(
        reverse("plans:session_add", args=[draft.pk]),
        {
            "session-subject": "practical",
            "session-day": "2026-06-13",
            "session-starts": "14:00",
            "session-ends": "16:00",
            "session-site": "实操考点",
            "session-expected": "5",
        },
    )
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.AMENDED
    page = clerk.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert "增加考核场次（审核通过后）" in page and "须重新报备" in page
    with _on(FILED_ON):
        clerk.post(reverse("plans:file", args=[draft.pk]))
    page = clerk.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert "第2次" in page and "重新报备（审核通过后）" in page
    assert PlanFiling.objects.filter(plan=draft).count() == 2


# --- scope -------------------------------------------------------------------------------


def test_other_organisation_and_other_city_get_404(draft, personas, hr):
    _complete(draft, personas, hr)
    session = PlanSession.objects.get()
    other = personas.client_for(personas.clerk_b)
    assert other.get(reverse("plans:detail", args=[draft.pk])).status_code == 404
    for name, args in (
        ("plans:details", [draft.pk]),
        ("plans:session_add", [draft.pk]),
        ("plans:session_remove", [draft.pk, session.pk]),
        ("plans:staff", [draft.pk]),
        ("plans:file", [draft.pk]),
    ):
        assert other.post(reverse(name, args=args), {}).status_code == 404
    suzhou = personas.client_for(personas.city_suzhou)
    assert suzhou.get(reverse("plans:detail", args=[draft.pk])).status_code == 404
    list_page = other.get(reverse("plans:list")).content.decode()
    assert "V-1" not in list_page
    assert PlanSession.objects.count() == 1


def test_officer_sees_the_plan_but_does_not_edit_it(draft, personas):
    city = personas.client_for(personas.city_nanjing)
    page = city.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert "V-1" in page and "添加场次" not in page
    assert city.post(reverse("plans:session_add", args=[draft.pk]), {}).status_code == 404


def test_review_page_shows_the_social_roster_with_masked_ids(draft, personas, hr):
    plan_details_set(plan=draft, kind=PlanKind.SOCIAL, method="exam", actor=personas.clerk_a)
    _complete(draft, personas, hr)
    people = [make_candidate(30 + i) for i in range(2)]
    approve(draft, people, hr, 4)
    plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    page = (
        personas.client_for(personas.province)
        .get(reverse("plans:review", args=[draft.pk]))
        .content.decode()
    )
    assert "考生花名册及申报条件审核结果（2 人）" in page
    assert people[0].full_name in page and people[0].id_number_masked in page
    assert people[0].id_number not in page
    assert "全部职业等级" in page and "<td>四级/中级工</td>" in page


def test_province_sets_the_review_sampling_on_the_plan_page(draft, personas):
    province = personas.client_for(personas.province)
    page = province.get(reverse("plans:detail", args=[draft.pk])).content.decode()
    assert "审核抽样比例" in page
    response = province.post(
        reverse("plans:sampling", args=[draft.pk]),
        {"sampling-city_rate": "30", "sampling-province_rate": "5"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.city_sample_rate, draft.province_sample_rate) == (
        Decimal("0.3"),
        Decimal("0.05"),
    )
    assert AuditEvent.objects.filter(action="plan.sampling_set", object_id=str(draft.pk)).exists()


def test_sampling_out_of_range_names_the_field_and_changes_nothing(draft, personas):
    before = (draft.city_sample_rate, draft.province_sample_rate)
    province = personas.client_for(personas.province)
    response = province.post(
        reverse("plans:sampling", args=[draft.pk]),
        {"sampling-city_rate": "130", "sampling-province_rate": "abc"},
    )
    assert response.status_code == 200
    errors = response.context["sampling_form"].errors
    assert set(errors) == {"city_rate", "province_rate"}
    draft.refresh_from_db()
    assert (draft.city_sample_rate, draft.province_sample_rate) == before


def test_only_the_province_sets_sampling(draft, personas):
    before = (draft.city_sample_rate, draft.province_sample_rate)
    data = {"sampling-city_rate": "0", "sampling-province_rate": "0"}
    url = reverse("plans:sampling", args=[draft.pk])
    # The plan's own clerk and the city over it see the plan but may not set its sampling.
    assert personas.client_for(personas.clerk_a).post(url, data).status_code == 403
    assert personas.client_for(personas.city_nanjing).post(url, data).status_code == 403
    page = personas.client_for(personas.city_nanjing).get(reverse("plans:detail", args=[draft.pk]))
    assert "审核抽样比例" not in page.content.decode()
    # Another organisation does not even see the plan.
    assert personas.client_for(personas.clerk_b).post(url, data).status_code == 404
    draft.refresh_from_db()
    assert (draft.city_sample_rate, draft.province_sample_rate) == before
