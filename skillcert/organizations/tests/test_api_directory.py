import pytest
from django.test import Client

from skillcert.organizations.tests.conftest import file_org


@pytest.fixture
def filed(personas, catalogue):
    return file_org(personas, lines=[("6-31-01-03", 4), ("6-31-01-03", 3)])


def test_anonymous_directory_api_lists_filed_organisations(filed):
    response = Client().get("/api/v1/directory?region=320100&occupation=6-31-01-03")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    item = body["results"][0]
    assert item["filing_number"] == "S000032000001"
    assert item["scope"] == [
        {"occupation_code": "6-31-01-03", "occupation_name": "电工", "levels": [4, 3]}
    ]
    assert item["standing"] == "normal"
    assert "uscc" not in item


def test_directory_api_rejects_bad_input_with_stable_codes(filed):
    assert Client().get("/api/v1/directory?level=7").json()["code"] == "directory.level_invalid"
    response = Client().get("/api/v1/directory?page_size=1000")
    assert (response.status_code, response.json()["code"]) == (400, "directory.page_size")


def test_directory_api_entry_by_filing_number(filed):
    assert Client().get("/api/v1/directory/s000032000001").json()["name"] == "南京甲评价中心"
    response = Client().get("/api/v1/directory/S000032000099")
    assert (response.status_code, response.json()["code"]) == (404, "directory.not_found")


def test_unfiled_organisations_are_not_in_the_api(personas, catalogue):
    assert Client().get("/api/v1/directory").json()["count"] == 0
