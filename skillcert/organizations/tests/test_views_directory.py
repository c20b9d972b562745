import copy
import datetime as dt
import io

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from python_calamine import CalamineWorkbook

from conftest import make_org
from skillcert.common.tests.module_rows import module_shares
from skillcert.organizations.credit import credit_listing_add
from skillcert.organizations.services import organization_suspend
from skillcert.organizations.tests.conftest import file_org


def build_directory(personas):
    """org_a in Nanjing (电工 4), org_b in Suzhou (企业人力资源管理师 2), an unfiled third."""
    a = file_org(personas, lines=[("6-31-01-03", 4)])
    b = file_org(personas, org=personas.org_b, lines=[("4-07-03-02", 2)], service_region="320500")
    make_org("未备案机构", 50, "320102")
    return a, b


@pytest.fixture(scope="module")
def _module_directory(request, _module_personas, _module_catalogue, tmp_path_factory):
    """Built once for the module: every database test here asks for the directory. The
    filings' evidence files go to a folder of the module's (no test here opens them)."""
    if not module_shares(request, "directory", dated=True):
        return None
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("directory_media")):
        return build_directory(_module_personas)


@pytest.fixture
def directory(_module_directory, _copy_memo, personas, catalogue):
    if _module_directory is None:
        return build_directory(personas)
    return copy.deepcopy(_module_directory, _copy_memo)


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
        # what people type: place and occupation names, as the pickers suggest them
        ("region=南京", ["南京甲评价中心"]),
        ("region=南京市", ["南京甲评价中心"]),
        ("region=玄武区", ["南京甲评价中心"]),
        ("region=南京市玄武区", ["南京甲评价中心"]),
        ("region=苏州", ["苏州乙评价公司"]),
        ("region=江苏省", ["南京甲评价中心", "苏州乙评价公司"]),
        ("region=鼓楼区", []),  # Nanjing's and Xuzhou's: both searched, neither holds one
        ("occupation=电工", ["南京甲评价中心"]),
        ("occupation=维修电工", ["南京甲评价中心"]),  # a specialty (工种) of 电工
        ("occupation=人力资源", ["苏州乙评价公司"]),
        ("occupation=电工&level=4", ["南京甲评价中心"]),
        ("occupation=电工&region=苏州", []),
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
        ("region=火星", "本省没有名称含「火星」的地区"),
        ("region=朝阳区", "本省没有名称含「朝阳区」的地区"),  # Beijing's, not this province's
        ("occupation=宇航员", "职业目录中没有名称含「宇航员」的职业"),
    ],
)
def test_bad_filters_answer_400_with_a_message(directory, query, message):
    response = Client().get(f"/directory/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["rows"] == []


def test_htmx_search_gets_its_message_swapped_in_not_a_dropped_400(directory):
    """htmx swaps only 2xx answers: a refused search answers 200 so the message replaces the
    old results instead of leaving the unfiltered list on screen."""
    response = Client().get("/directory/?region=火星", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "本省没有名称含「火星」的地区" in html
    assert "南京甲评价中心" not in html
    found = Client().get("/directory/?region=南京", HTTP_HX_REQUEST="true")
    assert found.status_code == 200
    assert _names(found) == ["南京甲评价中心"]


def test_rows_show_the_city_with_the_district(directory):
    a, _ = directory
    rows = {row.org.name: row for row in Client().get("/directory/").context["rows"]}
    assert rows["南京甲评价中心"].region_name == "南京市玄武区"
    assert rows["苏州乙评价公司"].region_name.startswith("苏州市")
    assert "南京市玄武区" in Client().get(f"/directory/{a.filing_number}/").content.decode()


def test_pickers_suggest_place_and_occupation_names_with_codes(directory):
    html = Client().get("/directory/").content.decode()
    assert '<option value="南京市">320100</option>' in html
    assert '<option value="南京市玄武区">320102</option>' in html
    assert '<option value="电工">6-31-01-03</option>' in html
    assert "市辖区" not in html
    assert "北京" not in html  # only this province's places
    assert 'label for="dir-region"' in html
    assert 'id="dir-region"' in html


def test_what_was_typed_stays_in_the_form(directory):
    html = Client().get("/directory/?region=南京&occupation=电工").content.decode()
    assert 'value="南京"' in html
    assert 'value="电工"' in html


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
