"""Versioned province rule values (`common.policies`, `workbench.services`): the version in
force is chosen by date, a new version cannot be backdated (Beijing time), bad values are
refused naming the field with the database unchanged, only the province's officers record
versions, and a 待核实 value stays flagged until an officer confirms it. The clock stands on
COVERED_NOW (Monday 1 June 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import COVERED_NOW
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.common.policies import policy_in_force
from skillcert.exams.models import LogisticsPolicy
from skillcert.organizations.filing import policy_for as filing_policy_for
from skillcert.organizations.models import FilingPolicy
from skillcert.personnel.models import ProvincePolicy
from skillcert.plans.models import ReviewSamplingPolicy
from skillcert.plans.services import plan_create
from skillcert.plans.tests.factories import file_org
from skillcert.scoring.models import RecheckPolicy
from skillcert.scoring.selectors import recheck_workdays
from skillcert.supervision.models import SupervisionPolicy
from skillcert.workbench.services import policy_version_confirm, policy_version_record

TODAY = COVERED_NOW.date()

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("covered_clock"),
]


def record(personas: Any, model: Any, values: dict[str, Any], **kw: Any) -> Any:
    args: dict[str, Any] = {
        "model": model,
        "province": "32",
        "values": values,
        "effective_from": TODAY,
        "document_no": "苏人社规〔2026〕1号",
        "actor": personas.province,
    }
    args.update(kw)
    return policy_version_record(**args)


def test_recheck_window_follows_the_version_in_force_on_each_day(personas):
    record(personas, RecheckPolicy, {"workdays": 20}, effective_from=TODAY + dt.timedelta(10))
    record(personas, RecheckPolicy, {"workdays": 10}, effective_from=TODAY + dt.timedelta(30))
    assert recheck_workdays(region_code="320102", on=TODAY + dt.timedelta(9)) == 15  # built-in
    assert recheck_workdays(region_code="320102", on=TODAY + dt.timedelta(10)) == 20
    assert recheck_workdays(region_code="320102", on=TODAY + dt.timedelta(29)) == 20
    assert recheck_workdays(region_code="320102", on=TODAY + dt.timedelta(30)) == 10
    # Another province is untouched.
    assert recheck_workdays(region_code="510104", on=TODAY + dt.timedelta(30)) == 15


def test_a_province_without_its_own_version_falls_back_to_the_default_rows(personas):
    default = filing_policy_for("32", on=TODAY)
    assert default.province == "" and default.validity_years == 3
    values = {
        "validity_years": 5,
        "renewal_window_days": 60,
        "province_review_levels": [1],
        "annual_report_due_month": 3,
        "annual_report_due_day": 31,
    }
    own = record(personas, FilingPolicy, values, effective_from=TODAY + dt.timedelta(1))
    assert filing_policy_for("32", on=TODAY).pk == default.pk
    assert filing_policy_for("32", on=TODAY + dt.timedelta(1)).pk == own.pk
    assert filing_policy_for("51", on=TODAY + dt.timedelta(1)).pk == default.pk


def test_a_second_version_on_the_same_day_supersedes_the_first(personas):
    record(personas, RecheckPolicy, {"workdays": 20})
    second = record(personas, RecheckPolicy, {"workdays": 25}, document_no="更正")
    assert policy_in_force(RecheckPolicy, province="32", on=TODAY) == second


def test_values_not_shown_are_carried_forward_from_the_version_in_force(personas):
    before = policy_in_force(LogisticsPolicy, province="32", on=TODAY)
    assert before is not None
    values = {
        "invigilator_per": 20,
        "min_invigilators_theory": 2,
        "examiner_per": 5,
        "min_examiners_practical": 3,
        "examiners_odd": True,
        "supervisors_per_site": 1,
        "late_entry_minutes": 15,
        "no_leave_minutes": 30,
        "entry_checklist": ["核验准考证", "人像比对"],
    }
    row = record(personas, LogisticsPolicy, values)
    assert row.source == before.source and row.province_id == "320000"
    assert row.late_entry_minutes == 15 and row.entry_checklist == ["核验准考证", "人像比对"]
    assert LogisticsPolicy.objects.filter(pk=before.pk, late_entry_minutes=30).exists()


def test_rejects_a_backdated_version(personas):
    count = RecheckPolicy.objects.count()
    with pytest.raises(DomainError) as err:
        record(personas, RecheckPolicy, {"workdays": 20}, effective_from=TODAY - dt.timedelta(1))
    assert err.value.code == "policy.backdated" and err.value.field == "effective_from"
    assert RecheckPolicy.objects.count() == count


def test_today_is_the_date_in_beijing(personas, time_machine):
    # 17:00 UTC on 1 June is 01:00 on 2 June in Beijing: 1 June is already yesterday.
    time_machine.move_to(dt.datetime(2026, 6, 1, 17, tzinfo=dt.UTC), tick=False)
    with pytest.raises(DomainError) as err:
        record(personas, RecheckPolicy, {"workdays": 20}, effective_from=dt.date(2026, 6, 1))
    assert err.value.code == "policy.backdated"
    assert record(personas, RecheckPolicy, {"workdays": 20}, effective_from=dt.date(2026, 6, 2))


@pytest.mark.parametrize(
    ("model", "values", "field", "code"),
    [
        (
            ReviewSamplingPolicy,
            {"city_sample_rate": Decimal("1.5"), "province_sample_rate": Decimal("0.1")},
            "city_sample_rate",
            "policy.value_out_of_range",
        ),
        (
            ReviewSamplingPolicy,
            {"city_sample_rate": Decimal("0.5"), "province_sample_rate": Decimal("-0.1")},
            "province_sample_rate",
            "policy.value_out_of_range",
        ),
        (RecheckPolicy, {"workdays": 0}, "workdays", "policy.value_out_of_range"),
        (RecheckPolicy, {"workdays": "十五"}, "workdays", "policy.value_invalid"),
        (RecheckPolicy, {}, "workdays", "policy.value_required"),
        (RecheckPolicy, {"workdays": 15, "colour": 1}, "colour", "policy.value_unknown"),
        (
            SupervisionPolicy,
            {
                "process_sample_rate": Decimal(0),
                "corrective_workdays": 10,
                "complaint_handling_workdays": 15,
            },
            "process_sample_rate",
            "policy.value_out_of_range",
        ),
        (
            FilingPolicy,
            {
                "validity_years": 3,
                "renewal_window_days": 90,
                "province_review_levels": [2, 1],
                "annual_report_due_month": 2,
                "annual_report_due_day": 30,
            },
            "annual_report_due_day",
            "policy.value_out_of_range",
        ),
        (
            FilingPolicy,
            {
                "validity_years": 3,
                "renewal_window_days": 90,
                "province_review_levels": [6],
                "annual_report_due_month": 12,
                "annual_report_due_day": 31,
            },
            "province_review_levels",
            "policy.value_invalid",
        ),
    ],
)
def test_refuses_bad_values_naming_the_field(personas, model, values, field, code):
    count = model.objects.count()
    audit = AuditEvent.objects.count()
    with pytest.raises(DomainError) as err:
        record(personas, model, values)
    assert (err.value.code, err.value.field) == (code, field)
    assert model.objects.count() == count and AuditEvent.objects.count() == audit


def test_refuses_a_version_without_its_document_number(personas):
    with pytest.raises(DomainError) as err:
        record(personas, RecheckPolicy, {"workdays": 20}, document_no="  ")
    assert err.value.code == "policy.document_no_required" and err.value.field == "document_no"
    assert not RecheckPolicy.objects.exists()


@pytest.mark.parametrize("name", ["city_nanjing", "clerk_a", "examiner"])
def test_only_the_province_records_its_rules(personas, name):
    with pytest.raises(DomainError) as err:
        record(personas, RecheckPolicy, {"workdays": 20}, actor=personas.user(name))
    assert err.value.code == "policy.forbidden"
    assert not RecheckPolicy.objects.exists()


def test_a_province_officer_cannot_set_another_provinces_rules(personas):
    with pytest.raises(DomainError) as err:
        record(personas, RecheckPolicy, {"workdays": 20}, province="51")
    assert err.value.code == "policy.forbidden"
    assert not RecheckPolicy.objects.exists()


def test_recording_is_audited_with_the_values_before_and_after(personas):
    row = record(personas, RecheckPolicy, {"workdays": 20})
    event = AuditEvent.objects.get(action="policy.version_record", object_id=str(row.pk))
    assert event.changes["workdays"] == [None, 20]
    assert event.changes["document_no"] == [None, "苏人社规〔2026〕1号"]
    assert row.recorded_by == personas.province and row.needs_verification is False


def test_jiangsu_personnel_policy_copied_from_sichuan_is_flagged_until_confirmed(personas):
    jiangsu = policy_in_force(ProvincePolicy, province="32", on=TODAY)
    sichuan = policy_in_force(ProvincePolicy, province="51", on=TODAY)
    assert jiangsu is not None and sichuan is not None
    assert jiangsu.needs_verification and not sichuan.needs_verification
    confirmed = policy_version_confirm(
        model=ProvincePolicy, version_id=jiangsu.pk, actor=personas.province
    )
    assert not confirmed.needs_verification and confirmed.confirmed_by == personas.province
    assert AuditEvent.objects.filter(action="policy.version_confirm").count() == 1
    with pytest.raises(DomainError) as err:
        policy_version_confirm(model=ProvincePolicy, version_id=jiangsu.pk, actor=personas.province)
    assert err.value.code == "policy.not_pending"


def test_a_city_officer_cannot_confirm(personas):
    jiangsu = policy_in_force(ProvincePolicy, province="32", on=TODAY)
    assert jiangsu is not None
    with pytest.raises(DomainError) as err:
        policy_version_confirm(
            model=ProvincePolicy, version_id=jiangsu.pk, actor=personas.city_nanjing
        )
    assert err.value.code == "policy.forbidden"
    assert ProvincePolicy.objects.get(pk=jiangsu.pk).needs_verification


def test_a_new_plan_takes_the_provinces_default_sampling_rates(personas, hr):
    file_org(personas.org_a, [hr], (4,))
    record(
        personas,
        ReviewSamplingPolicy,
        {"city_sample_rate": Decimal("0.2"), "province_sample_rate": Decimal("0.05")},
    )

    def create(code: str, **kw: Any) -> Any:
        return plan_create(
            code=code,
            title="计划",
            organization=personas.org_a,
            window_opens=timezone.localdate(),
            window_closes=timezone.localdate() + dt.timedelta(days=10),
            capacity=10,
            offerings=[(hr, 4)],
            actor=personas.clerk_a,
            **kw,
        )

    plan = create("p-1")
    assert (plan.city_sample_rate, plan.province_sample_rate) == (
        Decimal("0.2"),
        Decimal("0.05"),
    )
    override = create("p-2", city_sample_rate=Decimal("0.5"))
    assert override.city_sample_rate == Decimal("0.5")
    assert override.province_sample_rate == Decimal("0.05")
