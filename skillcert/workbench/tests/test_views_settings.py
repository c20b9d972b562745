"""The province settings pages (/settings/) through the Django test client: who sees them,
recording a version (good and bad input, every error beside its field, nothing stored on a
refusal), confirming a 待核实 value, and publishing rule documents. The clock stands on
COVERED_NOW (Monday 1 June 2026)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import yaml

from conftest import COVERED_NOW, TEST_ACTOR
from skillcert.common.policies import policy_in_force
from skillcert.eligibility.demo import load_eligibility_demo
from skillcert.eligibility.models import RuleSet
from skillcert.eligibility.services import rule_set_document
from skillcert.personnel.models import ProvincePolicy, QualificationRule
from skillcert.plans.models import ReviewSamplingPolicy
from skillcert.scoring.models import RecheckPolicy

TODAY = COVERED_NOW.date()

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("covered_clock"),
]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_province_sees_every_kind_with_its_document_and_the_pending_mark(personas):
    response = personas.client("province").get("/settings/")
    assert response.status_code == 200
    page = text(response)
    for label in ("机构备案", "考评人员管理与每月培训", "申报审核抽样比例", "考务规则"):
        assert label in page
    assert "暂参照川人社职鉴〔2021〕13号" in page  # Jiangsu's personnel policy, copied
    assert "待核实" in page
    assert 'href="/settings/personnel/"' in page


def test_city_officer_reads_without_forms(personas):
    response = personas.client("city_x").get("/settings/personnel/")
    assert response.status_code == 200
    assert "录入新版本" not in text(response) and "已对照本省文件核实" not in text(response)


@pytest.mark.parametrize("name", ["clerk_a", "examiner", "candidate"])
def test_others_are_told_nothing(personas, name):
    assert personas.client(name).get("/settings/").status_code == 404


def test_unknown_kind_is_not_found(personas):
    assert personas.client("province").get("/settings/colour/").status_code == 404


def test_records_a_new_version_from_the_form(personas):
    client = personas.client("province")
    page = client.get("/settings/sampling/")
    assert page.status_code == 200 and 'value="100"' in page.content.decode()
    response = client.post(
        "/settings/sampling/record/",
        {
            "city_sample_rate": "20",
            "province_sample_rate": "5",
            "effective_from": (TODAY + dt.timedelta(days=3)).isoformat(),
            "document_no": "苏人社规〔2026〕7号",
        },
    )
    assert response.status_code == 302
    row = ReviewSamplingPolicy.objects.get(province="32")
    assert (row.city_sample_rate, row.province_sample_rate) == (Decimal("0.2"), Decimal("0.05"))
    assert row.effective_from == TODAY + dt.timedelta(days=3)
    history = text(client.get("/settings/sampling/"))
    assert "苏人社规〔2026〕7号" in history and "20%" in history


def test_bad_input_shows_every_error_beside_its_field_and_stores_nothing(personas):
    response = personas.client("province").post(
        "/settings/recheck/record/",
        {"workdays": "0", "effective_from": "", "document_no": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("workdays", "effective_from", "document_no"):
        assert f'id="id_{field}_error"' in page, field
    assert not RecheckPolicy.objects.exists()


def test_a_share_above_100_percent_is_refused_beside_its_field(personas):
    response = personas.client("province").post(
        "/settings/sampling/record/",
        {
            "city_sample_rate": "150",
            "province_sample_rate": "5",
            "effective_from": TODAY.isoformat(),
            "document_no": "苏人社规〔2026〕7号",
        },
    )
    assert response.status_code == 400
    assert 'id="id_city_sample_rate_error"' in response.content.decode()
    assert not ReviewSamplingPolicy.objects.filter(province="32").exists()


def test_a_backdated_version_is_refused_beside_the_date(personas):
    response = personas.client("province").post(
        "/settings/recheck/record/",
        {
            "workdays": "20",
            "effective_from": (TODAY - dt.timedelta(days=1)).isoformat(),
            "document_no": "苏人社规〔2026〕7号",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert 'id="id_effective_from_error"' in page and "生效日期不能早于今天" in page
    assert not RecheckPolicy.objects.exists()


def test_city_officer_may_not_record(personas):
    response = personas.client("city_x").post(
        "/settings/recheck/record/",
        {"workdays": "20", "effective_from": TODAY.isoformat(), "document_no": "x"},
    )
    assert response.status_code == 403
    assert not RecheckPolicy.objects.exists()


def test_confirm_clears_the_pending_mark(personas):
    jiangsu = policy_in_force(ProvincePolicy, province="32", on=TODAY)
    assert jiangsu is not None and jiangsu.needs_verification
    url = f"/settings/personnel/{jiangsu.pk}/confirm/"
    assert personas.client("city_x").post(url).status_code == 403
    assert personas.client("province").post(url).status_code == 302
    jiangsu.refresh_from_db()
    assert not jiangsu.needs_verification and jiangsu.confirmed_by == personas.province


def test_confirming_an_unknown_version_is_refused(personas):
    response = personas.client("province").post("/settings/personnel/999999/confirm/")
    assert response.status_code == 302
    assert ProvincePolicy.objects.filter(needs_verification=True).count() == 1


def test_rules_page_publishes_the_next_version_of_a_province_rule_set(personas, hr):
    load_eligibility_demo(TEST_ACTOR)  # Jiangsu's supplementary clause (js-hr-economist)
    client = personas.client("province")
    current = RuleSet.objects.get(code="js-hr-economist")
    page = client.get("/settings/rules/?rule_set=js-hr-economist")
    assert page.status_code == 200 and "js-hr-economist" in page.content.decode()
    document = rule_set_document(rule_set=current)
    document["source"] = "苏人社规〔2026〕9号"
    response = client.post(
        "/settings/rules/eligibility/",
        {"document": yaml.safe_dump(document, allow_unicode=True), "note": "按正式文件更新"},
    )
    assert response.status_code == 302
    newest = RuleSet.objects.filter(code="js-hr-economist").order_by("-version").first()
    assert newest is not None and newest.version == current.version + 1
    assert newest.source == "苏人社规〔2026〕9号"


def test_rules_page_refuses_a_national_rule_set_from_the_province(personas):
    document = rule_set_document(rule_set=RuleSet.objects.get(code="generic-2018"))
    count = RuleSet.objects.count()
    response = personas.client("province").post(
        "/settings/rules/eligibility/", {"document": yaml.safe_dump(document, allow_unicode=True)}
    )
    assert response.status_code == 403
    assert RuleSet.objects.count() == count


def test_rules_page_shows_a_broken_document_beside_it(personas):
    count = QualificationRule.objects.count()
    response = personas.client("province").post(
        "/settings/rules/qualification/", {"q-document": "code: [unclosed"}
    )
    assert response.status_code == 400
    assert 'id="id_q-document_error"' in response.content.decode()
    assert QualificationRule.objects.count() == count


def test_rules_page_publishes_a_province_qualification_rule(personas):
    client = personas.client("province")
    page = client.get("/settings/rules/?qualification=examiner-2021")
    assert page.status_code == 200
    document = {
        "code": "js-examiner-2026",
        "role": "examiner",
        "province": "32",
        "title": "江苏考评员资格条件",
        "source": "苏人社规〔2026〕10号",
        "clauses": [
            {
                "letter": "a",
                "text": "具有相应职业三级及以上证书。",
                "level_high": 3,
                "level_low": 5,
                "condition": {"certificate": {"level": 3}},
            }
        ],
    }
    response = client.post(
        "/settings/rules/qualification/",
        {"q-document": yaml.safe_dump(document, allow_unicode=True)},
    )
    assert response.status_code == 302
    assert QualificationRule.objects.filter(code="js-examiner-2026", version=1).exists()
