"""Filing checklists by type (seed 001 §一, issue #23): the 用人单位 checklist asks for the
经营范围 condition; the minimum staff counts are a versioned province setting
(`FilingStaffingPolicy`) whose default row is flagged 待核实 because no seed gives a number;
a province's own version changes what a filing must show from its effective date, through the
service and the settings page. The clock stands on COVERED_NOW (Monday 1 June 2026)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from conftest import COVERED_NOW
from skillcert.common.errors import DomainError
from skillcert.common.policies import policy_in_force
from skillcert.organizations.filing import (
    condition_minimum,
    filing_application_start,
    filing_checklist,
    filing_evidence_set,
)
from skillcert.organizations.models import (
    FilingCondition,
    FilingEvidence,
    FilingPurpose,
    FilingStaffingPolicy,
)
from skillcert.regions.models import Region
from skillcert.workbench.services import policy_version_record

TODAY = COVERED_NOW.date()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("covered_clock")]

JIANGSU_VALUES = {
    "social_staff_min": 8,
    "school_staff_min": 4,
    "association_staff_min": 4,
    "employer_skill_staff_min": 20,
    "examiners_min": 5,
    "item_writers_min": 2,
}


def _start(personas: Any) -> Any:
    return filing_application_start(
        org=personas.org_a,
        purpose=FilingPurpose.INITIAL,
        service_region=Region.objects.get(code="320100"),
        actor=personas.clerk_a,
    )


def _record(personas: Any, values: dict[str, Any], *, on: dt.date = TODAY) -> Any:
    return policy_version_record(
        model=FilingStaffingPolicy,
        province="32",
        values=values,
        effective_from=on,
        document_no="苏人社规〔2026〕9号",
        actor=personas.province,
    )


def test_default_staff_counts_are_flagged_pending_and_leave_the_conditions(db):
    default = policy_in_force(FilingStaffingPolicy, province="32", on=TODAY)
    assert default is not None and default.province == "" and default.needs_verification
    assert "未规定人数" in default.document_no and "seed" not in default.document_no
    counted = FilingCondition.objects.filter(code__in=["staff", "examiners", "item_writers"])
    assert counted.exists() and not counted.exclude(min_value=None).exists()
    assert not FilingCondition.objects.filter(basis="seed 004 §十二").exists()
    social_staff = FilingCondition.objects.get(kind="S", code="staff")
    assert condition_minimum(social_staff, province="32", on=TODAY) == 5
    examiners = FilingCondition.objects.get(kind="Y", code="examiners")
    assert condition_minimum(examiners, province="32", on=TODAY) == 3


def test_the_employer_checklist_asks_for_the_business_scope(db):
    codes = list(FilingCondition.objects.filter(kind="Y").values_list("code", flat=True))
    assert codes[:2] == ["legal_entity", "business_scope"]
    condition = FilingCondition.objects.get(kind="Y", code="business_scope")
    assert condition.basis == "seed 001 §一" and condition.evidence == "text"
    assert "经营范围" in condition.title and "劳动争议调解代理" in condition.guidance
    assert len(set(codes)) == len(codes)


def test_a_province_version_sets_what_the_filing_must_show_from_its_date(personas, catalogue):
    application = _start(personas)
    staff = FilingCondition.objects.get(kind="S", code="staff")
    _record(personas, JIANGSU_VALUES, on=TODAY + dt.timedelta(days=1))
    filing_evidence_set(application=application, item=staff, number_value=5, actor=personas.clerk_a)
    rows = {row.item.code: row for row in filing_checklist(application=application)}
    assert rows["staff"].minimum == 5 and rows["legal_entity"].minimum is None

    _record(personas, JIANGSU_VALUES)  # in force today
    rows = {row.item.code: row for row in filing_checklist(application=application)}
    assert (rows["staff"].minimum, rows["examiners"].minimum) == (8, 5)
    with pytest.raises(DomainError) as err:
        filing_evidence_set(
            application=application, item=staff, number_value=7, actor=personas.clerk_a
        )
    assert err.value.code == "filing.evidence_below_minimum"
    assert err.value.field == "number_value" and "不少于 8" in err.value.message
    assert FilingEvidence.objects.get(application=application, item=staff).number_value == 5
    filing_evidence_set(application=application, item=staff, number_value=8, actor=personas.clerk_a)
    assert FilingEvidence.objects.get(application=application, item=staff).number_value == 8
    # Another province keeps the default.
    assert condition_minimum(staff, province="51", on=TODAY) == 5


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("examiners_min", 0, "policy.value_out_of_range"),
        ("social_staff_min", 2.5, "policy.value_out_of_range"),
        ("item_writers_min", "", "policy.value_required"),
    ],
)
def test_bad_staff_counts_are_refused_naming_the_field(personas, field, value, code):
    before = FilingStaffingPolicy.objects.count()
    with pytest.raises(DomainError) as err:
        _record(personas, {**JIANGSU_VALUES, field: value})
    assert (err.value.code, err.value.field) == (code, field)
    assert FilingStaffingPolicy.objects.count() == before


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_settings_page_shows_the_pending_default_and_records_a_version(personas):
    client = personas.client("province")
    overview = _text(client.get("/settings/"))
    assert "备案人员数量要求" in overview and 'href="/settings/filing_staffing/"' in overview
    page = client.get("/settings/filing_staffing/")
    assert page.status_code == 200
    assert "待核实" in _text(page) and "考评人员最少人数" in _text(page)
    form = {name: str(value) for name, value in JIANGSU_VALUES.items()}
    form.update(effective_from=TODAY.isoformat(), document_no="苏人社规〔2026〕9号")
    assert client.post("/settings/filing_staffing/record/", form).status_code == 302
    row = FilingStaffingPolicy.objects.get(province="32")
    assert (row.social_staff_min, row.examiners_min) == (8, 5) and not row.needs_verification


def test_the_settings_page_refuses_a_bad_count_beside_its_field(personas):
    client = personas.client("province")
    form = {name: str(value) for name, value in JIANGSU_VALUES.items()}
    form.update(
        examiners_min="0", effective_from=TODAY.isoformat(), document_no="苏人社规〔2026〕9号"
    )
    response = client.post("/settings/filing_staffing/record/", form)
    assert response.status_code == 400
    assert 'id="id_examiners_min_error"' in response.content.decode()
    assert not FilingStaffingPolicy.objects.filter(province="32").exists()
