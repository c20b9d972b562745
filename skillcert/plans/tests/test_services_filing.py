import datetime as dt
from typing import Any

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.exams.tests.factories import (
    EXAM_DAY,
    FILED_ON,
    approve,
    at,
    ready_to_file,
    session_add,
)
from skillcert.organizations.models import (
    CreditList,
    CreditListing,
    EvaluationOrg,
    OrgStatus,
)
from skillcert.plans.models import FilingStatus, PlanFiling, PlanKind, PlanSession
from skillcert.plans.services import (
    plan_details_set,
    plan_file,
    plan_review,
    plan_session_add,
    plan_staff_set,
)
from skillcert.plans.tests.factories import draft_plan, make_candidate, make_person


@pytest.fixture
def draft(personas, hr):
    return draft_plan(personas, hr, code="F-1", title="报备测试")


def _complete(plan, personas, hr, *, day=EXAM_DAY, roster=True):
    ready_to_file(plan, personas, hr, day=day)
    if roster:
        approve(plan, [make_candidate(10 + i) for i in range(3)], hr, 4)


def _unchanged(plan):
    plan.refresh_from_db()
    assert plan.filing_status == FilingStatus.UNFILED and plan.revision == 0
    assert not PlanFiling.objects.filter(plan=plan).exists()


def test_social_plan_is_filed_with_its_roster_and_approved(draft, personas, hr):
    _complete(draft, personas, hr)
    filing = plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.FILED and filing.revision == 1
    assert filing.first_exam_on == EXAM_DAY
    assert [r["eligible"] for r in filing.snapshot["roster"]] == [True, True, True]
    assert all("*" in r["id_number"] for r in filing.snapshot["roster"])
    filing = plan_review(plan=draft, approve=True, actor=personas.city_nanjing)
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.APPROVED and filing.decision == "approved"


def test_enterprise_plan_is_filed_without_a_roster(draft, personas, hr):
    plan_details_set(
        plan=draft, kind=PlanKind.ENTERPRISE, method="performance", actor=personas.clerk_a
    )
    _complete(draft, personas, hr, roster=False)
    filing = plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert "roster" not in filing.snapshot and filing.snapshot["method"] == "performance"


def test_social_plan_without_roster_is_refused(draft, personas, hr):
    _complete(draft, personas, hr, roster=False)
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert exc.value.code == "plan.roster_required"
    _unchanged(draft)


def test_filing_fewer_than_15_working_days_ahead_is_refused(draft, personas, hr):
    # From 2026-05-06 the 15th working day is 2026-05-26 (Saturday 05-09 is a make-up day).
    _complete(draft, personas, hr, day=dt.date(2026, 5, 25))
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert exc.value.code == "plan.filing_too_late"
    assert "2026-05-26" in exc.value.message
    _unchanged(draft)


def test_filing_exactly_15_working_days_ahead_is_accepted(draft, personas, hr):
    _complete(draft, personas, hr, day=dt.date(2026, 5, 26))
    assert plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON).revision == 1


def test_a_first_session_in_an_uncovered_year_files_when_the_15_days_are_covered(
    draft, personas, hr
):
    """Filed on 2026-12-04, the 15th working day is 2026-12-25: a session in February 2027
    is early enough although 2027's holiday arrangement is not entered."""
    _complete(draft, personas, hr, day=dt.date(2027, 2, 22))
    filing = plan_file(plan=draft, actor=personas.clerk_a, today=dt.date(2026, 12, 4))
    assert filing.first_exam_on == dt.date(2027, 2, 22)


def test_when_the_15_days_reach_an_uncovered_year_the_message_names_it(draft, personas, hr):
    _complete(draft, personas, hr, day=dt.date(2027, 2, 22))
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=dt.date(2026, 12, 20))
    assert exc.value.code == "workdays.year_missing"
    assert "2027年的节假日安排尚未录入" in exc.value.message
    assert "/workdays/" in exc.value.message
    _unchanged(draft)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (OrgStatus.SUSPENDED, "org.suspended"),
        (OrgStatus.EXITED, "org.exited"),
        (OrgStatus.REVOKED, "org.revoked"),
    ],
)
def test_organisation_that_may_not_evaluate_cannot_file(draft, personas, hr, status, code):
    _complete(draft, personas, hr)
    EvaluationOrg.objects.filter(pk=personas.org_a.pk).update(status=status)
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert exc.value.code == code
    _unchanged(draft)


@pytest.mark.parametrize(
    ("list_kind", "code"),
    [(CreditList.ABNORMAL, "org.abnormal_listed"), (CreditList.BLACKLIST, "org.blacklisted")],
)
def test_listed_organisation_cannot_file(draft, personas, hr, list_kind, code):
    _complete(draft, personas, hr)
    CreditListing.objects.create(
        org=personas.org_a,
        list_kind=list_kind,
        reason="未按时报送年度报告",
        document_no="苏人社〔2026〕1号",
        starts_on=dt.date(2026, 1, 1),
    )
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert exc.value.code == code
    _unchanged(draft)


def test_plan_without_sessions_examiners_or_supervisor_is_refused(draft, personas, hr):
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert exc.value.code == "plan.sessions_required"
    session_add(draft, personas.clerk_a, ends=(10,), site="考点", expected=3)
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert exc.value.code == "plan.examiners_required"
    _unchanged(draft)


def test_other_organisation_cannot_file(draft, personas, hr):
    _complete(draft, personas, hr)
    with pytest.raises(DomainError) as exc:
        plan_file(plan=draft, actor=personas.clerk_b, today=FILED_ON)
    assert exc.value.code == "plan.file_forbidden"
    _unchanged(draft)


def test_bad_sessions_are_refused(draft, personas, hr):
    cases: list[tuple[dict[str, Any], str]] = [
        ({"subject": "essay"}, "plan.subject_invalid"),
        ({"ends_at": at(EXAM_DAY, 8)}, "plan.session_order"),
        ({"expected": 0}, "plan.expected"),
        ({"site": " "}, "plan.site_required"),
        ({"level": 3}, "plan.session_offering"),
    ]
    for change, code in cases:
        args = {
            "plan": draft,
            "subject": "theory",
            "starts_at": at(EXAM_DAY, 9),
            "ends_at": at(EXAM_DAY, 10),
            "site": "考点",
            "expected": 3,
            "actor": personas.clerk_a,
        } | change
        with pytest.raises(DomainError) as exc:
            plan_session_add(**args)
        assert exc.value.code == code
    assert not PlanSession.objects.exists()


def test_unqualified_staff_are_refused(draft, personas, hr, welder):
    def staff(examiner, supervisor):
        plan_staff_set(
            plan=draft,
            examiners=[examiner],
            supervisor=supervisor,
            actor=personas.clerk_a,
            today=FILED_ON,
        )

    with pytest.raises(DomainError) as exc:
        staff(make_person(3, roles=[("examiner", welder, 1, 5)]), None)
    assert exc.value.code == "plan.examiner_unqualified" and "考评员3" in exc.value.message
    examiner = make_person(4, roles=[("examiner", hr, 1, 5)])
    external = make_person(5, roles=[("supervisor_external", hr, 1, 5)])
    with pytest.raises(DomainError) as exc:
        staff(examiner, external)  # a social plan's on-site supervisor is the authority's
    assert exc.value.code == "plan.supervisor_by_authority" and exc.value.field == "supervisor"
    assert "人社部门派遣" in exc.value.message
    plan_details_set(
        plan=draft, kind=PlanKind.ENTERPRISE, method="performance", actor=personas.clerk_a
    )
    draft.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        staff(examiner, examiner)
    assert exc.value.code == "plan.supervisor_unqualified"
    draft.refresh_from_db()
    assert not draft.examiners.exists() and draft.supervisor_id is None


def _add_practical(plan, personas):
    """A practical session, 14:00 to 16:00 on EXAM_DAY, for 3 candidates."""
    session_add(
        plan,
        personas.clerk_a,
        subject="practical",
        starts=(14,),
        ends=(16,),
        site="实操考点",
        expected=3,
    )


def test_change_after_approval_reopens_filing_and_is_refiled_with_audit(draft, personas, hr):
    _complete(draft, personas, hr)
    plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    with pytest.raises(DomainError) as exc:
        _add_practical(draft, personas)
    assert exc.value.code == "plan.under_review"
    plan_review(plan=draft, approve=True, actor=personas.city_nanjing)
    _add_practical(draft, personas)
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.AMENDED
    filing = plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    assert filing.revision == 2
    event = AuditEvent.objects.filter(action="plan.refile").get()
    assert len(event.changes["sessions"][1]) == 2 and len(event.changes["sessions"][0]) == 1


def test_review_rules(draft, personas, hr):
    _complete(draft, personas, hr)
    plan_file(plan=draft, actor=personas.clerk_a, today=FILED_ON)
    with pytest.raises(DomainError) as exc:
        plan_review(plan=draft, approve=True, actor=personas.city_suzhou)
    assert exc.value.code == "plan.review_forbidden"
    with pytest.raises(DomainError) as exc:
        plan_review(plan=draft, approve=False, actor=personas.city_nanjing)
    assert exc.value.code == "plan.reason_required"
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.FILED
    plan_review(plan=draft, approve=False, reason="请补充实操考点", actor=personas.province)
    draft.refresh_from_db()
    assert draft.filing_status == FilingStatus.RETURNED
    with pytest.raises(DomainError) as exc:
        plan_review(plan=draft, approve=True, actor=personas.province)
    assert exc.value.code == "status.transition_not_allowed"
