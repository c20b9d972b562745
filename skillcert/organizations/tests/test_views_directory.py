import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from conftest import make_uscc
from skillcert.accounts.actors import SystemActor
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.services import organization_create, organization_suspend
from skillcert.organizations.tests.conftest import file_org
from skillcert.regions.models import Region


@pytest.fixture
def directory(personas, catalogue):
    """org_a in Nanjing (电工 4), org_b in Suzhou (企业人力资源管理师 2), an unfiled third."""
    a = file_org(personas, lines=[("6-31-01-03", 4)])
    b = file_org(personas, org=personas.org_b, lines=[("4-07-03-02", 2)], service_region="320500")
    organization_create(
        name="未备案机构",
        kind="S",
        uscc=make_uscc(50),
        region=Region.objects.get(code="320102"),
        actor=SystemActor("test"),
    )
    return a, b


def _names(response):
    return [row.org.name for row in response.context["rows"]]


def test_anonymous_visitor_sees_only_filed_organisations(directory):
    response = Client().get("/directory/")
    assert response.status_code == 200
    assert _names(response) == ["南京甲评价中心", "苏州乙评价公司"]
    assert "S000032000001" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=苏州", ["苏州乙评价公司"]),
        ("q=S000032000001", ["南京甲评价中心"]),
        ("region=320100", ["南京甲评价中心"]),
        ("region=320000", ["南京甲评价中心", "苏州乙评价公司"]),
        ("region=320505", ["苏州乙评价公司"]),
        ("occupation=4-07-03-02", ["苏州乙评价公司"]),
        ("occupation=6-31-01-03&level=4", ["南京甲评价中心"]),
        ("occupation=6-31-01-03&level=3", []),
        ("level=2", ["苏州乙评价公司"]),
        ("kind=Y", []),
        ("kind=S&region=320100", ["南京甲评价中心"]),
    ],
)
def test_search_filters(directory, query, expected):
    assert _names(Client().get(f"/directory/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("level=9", "等级应为 1 到 5"),
        ("region=32", "6位行政区划代码"),
        ("region=999999", "不存在"),
        ("occupation=1-01-01-01", "不存在"),
        ("kind=X", "机构类型无效"),
    ],
)
def test_bad_filters_answer_400_with_a_message(directory, query, message):
    response = Client().get(f"/directory/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_pages_hold_twenty_rows(personas, catalogue):
    file_org(personas)
    for i in range(25):
        org = organization_create(
            name=f"批量机构{i:02d}",
            kind="S",
            uscc=make_uscc(200 + i),
            region=Region.objects.get(code="320104"),
            actor=SystemActor("test"),
        )
        from skillcert.accounts.models import Role
        from skillcert.accounts.services import role_grant, user_create

        clerk = user_create(
            username=f"c{i}",
            password="Correct-Horse-2026",
            full_name="x",
            actor=SystemActor("test"),
        )
        role_grant(user=clerk, role=Role.ORG_CLERK, organization=org, actor=SystemActor("test"))
        personas.clerk_a = clerk
        personas.org_a = org
        file_org(personas, org=org)
    first = Client().get("/directory/")
    assert len(first.context["rows"]) == 20
    assert first.context["page"].paginator.count == 26
    assert len(Client().get("/directory/?page=2").context["rows"]) == 6


def test_status_of_suspended_and_listed_organisations_is_shown(personas, directory):
    a, b = directory
    organization_suspend(
        org=a, reason="整改", document_no="宁人社〔2026〕1号", actor=personas.city_nanjing
    )
    credit_listing_add(
        org=b,
        list_kind="abnormal",
        reason="年报逾期",
        document_no="苏人社〔2026〕7号",
        starts_on=timezone.localdate(),
        actor=personas.province,
    )
    rows = {row.org.name: row for row in Client().get("/directory/").context["rows"]}
    assert rows["南京甲评价中心"].standing_label == "暂停认定"
    assert rows["苏州乙评价公司"].standing_label == "列入异常名录"
    assert "苏人社〔2026〕7号" in rows["苏州乙评价公司"].listing_notes[0]


def test_expired_filing_is_marked(personas, directory):
    a, _ = directory
    today = timezone.localdate()
    type(a).objects.filter(pk=a.pk).update(
        valid_from=today - dt.timedelta(days=1200), valid_until=today - dt.timedelta(days=1)
    )
    rows = {row.org.name: row for row in Client().get("/directory/").context["rows"]}
    assert rows["南京甲评价中心"].standing == "expired"


def test_csv_export_follows_the_filters(directory):
    response = Client().get("/directory/?region=320500&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.strip().splitlines()
    assert lines[0].startswith("备案编号,机构名称")
    assert len(lines) == 2
    assert "苏州乙评价公司" in lines[1]
    assert "企业人力资源管理师（4-07-03-02）二级/技师" in lines[1]


def test_excel_export_lists_every_match(directory):
    response = Client().get("/directory/?export=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [row[1] for row in rows[1:]] == ["南京甲评价中心", "苏州乙评价公司"]


def test_detail_page_by_filing_number(directory):
    a, _ = directory
    response = Client().get(f"/directory/{a.filing_number}/")
    assert response.status_code == 200
    assert "电工" in response.content.decode()
    assert Client().get("/directory/S000032999999/").status_code == 404


def test_directory_page_has_no_inline_styles_or_scripts(directory):
    html = Client().get("/directory/").content.decode()
    assert "style=" not in html
    assert "<script>" not in html
