import re

import pytest
from django.urls import reverse

from skillcert.occupations.tests.catalogue import hr_catalogue

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "occupation": "4-07-03-02",
        "level": "3",
        "as_of": "2026-11-23",
        "work-TOTAL_FORMS": "3",
        "work-INITIAL_FORMS": "0",
        "work-0-start": "2015-07-01",
        "work-0-related": "on",
        "cert-TOTAL_FORMS": "2",
        "cert-INITIAL_FORMS": "0",
        "cert-0-level": "4",
        "cert-0-date": "2020-06-30",
        "cert-0-related": "on",
        "edu-TOTAL_FORMS": "2",
        "edu-INITIAL_FORMS": "0",
        "title-TOTAL_FORMS": "1",
        "title-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_sees_the_form(client):
    hr_catalogue()
    response = client.get(reverse("eligibility:check"))
    assert response.status_code == 200
    assert "企业人力资源管理师" in response.content.decode()


def test_eligible_profile_shows_the_matching_clause(client):
    hr_catalogue()
    response = client.post(reverse("eligibility:check"), form_data())
    body = response.content.decode()
    assert response.status_code == 200
    assert "符合三级申报条件" in body
    assert "generic-2018/3/a" in body


def test_ineligible_profile_shows_what_is_missing(client):
    hr_catalogue()
    response = client.post(reverse("eligibility:check"), form_data(level="1"))
    body = response.content.decode()
    assert "暂不符合一级申报条件" in body
    assert "需取得本职业或相关职业二级及以上" in body


def test_level_not_offered_by_the_standard_is_flagged(client):
    hr_catalogue()
    response = client.post(
        reverse("eligibility:check"),
        form_data(**{"level": "5", "cert-0-level": "", "cert-0-date": "", "cert-0-related": ""}),
    )
    assert "未设置该等级" in response.content.decode()


def test_reversed_work_period_is_rejected_beside_the_field(client):
    hr_catalogue()
    response = client.post(reverse("eligibility:check"), form_data(**{"work-0-end": "2010-01-01"}))
    body = response.content.decode()
    assert "结束日期早于开始日期" in body
    assert "符合三级" not in body


def test_rule_set_pages_are_public(client):
    assert client.get(reverse("eligibility:rule_sets")).status_code == 200
    response = client.get(reverse("eligibility:rule_set", args=["generic-2018"]))
    assert "generic-2018/3/b" in response.content.decode()
    assert client.get(reverse("eligibility:rule_set", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_date_fields_are_filled_in_the_form_the_browser_accepts(client):
    """`<input type=date>` drops anything but ISO dates: zh-hans would format 2026/12/05."""
    page = client.get(reverse("eligibility:check")).content.decode()
    fields = re.findall(r'<input type="date" name="as_of" value="([^"]*)"', page)
    assert fields and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields[0]), fields
