"""M3: the number + name + ID number query travels in a POST body (page and API), never in
a query string that access logs and browser history keep."""

import pytest
from django.test import Client

from skillcert.accounts.actors import SystemActor
from skillcert.certificates import api, views
from skillcert.plans.tests.factories import make_id

URL = "/certificates/verify/"
API_URL = "/api/v1/certificates/query"

SYSTEM_TEST = SystemActor("test")


@pytest.fixture
def lookups(monkeypatch):
    """Every call the page and the API make to the registry lookup."""
    calls = []

    def spy(real):
        def wrapped(**kwargs):
            calls.append(kwargs)
            return real(**kwargs)

        return wrapped

    monkeypatch.setattr(views, "certificate_query", spy(views.certificate_query))
    monkeypatch.setattr(api, "certificate_query", spy(api.certificate_query))
    return calls


def _verdict(response):
    """The page below the form (the form echoes what was posted)."""
    return response.content.decode().rsplit("</form>", 1)[-1]


def test_a_get_with_the_id_number_in_the_query_string_looks_nothing_up(certificate, lookups):
    response = Client().get(
        URL, {"number": certificate.number, "name": "考生1", "id_number": make_id(1)}
    )
    assert response.status_code == 200
    assert lookups == []
    assert make_id(1) not in response.content.decode()  # the form is empty
    assert certificate.number not in _verdict(response)
    assert "未查到" not in _verdict(response)
    assert 'method="post"' in response.content.decode()


def test_the_posted_form_finds_the_certificate(certificate, lookups):
    response = Client().post(
        URL, {"number": certificate.number, "name": "考生1", "id_number": make_id(1)}
    )
    assert response.status_code == 200
    assert len(lookups) == 1
    verdict = _verdict(response)
    assert certificate.number in verdict and "有效" in verdict
    assert make_id(1) not in verdict  # masked in the result
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_name_looks_exactly_like_an_unknown_number(certificate):
    client = Client()
    wrong_name = client.post(
        URL, {"number": certificate.number, "name": "别人", "id_number": make_id(1)}
    )
    unknown = client.post(
        URL, {"number": certificate.number[:-1] + "9", "name": "考生1", "id_number": make_id(1)}
    )
    assert wrong_name.status_code == unknown.status_code == 200
    assert _verdict(wrong_name) == _verdict(unknown)
    assert "未查到" in _verdict(wrong_name)


def test_the_form_needs_the_csrf_token(certificate, lookups):
    response = Client(enforce_csrf_checks=True).post(
        URL, {"number": certificate.number, "name": "考生1", "id_number": make_id(1)}
    )
    assert response.status_code == 403
    assert lookups == []


def test_posts_are_throttled_per_visitor(certificate):
    client = Client()
    data = {"number": certificate.number, "name": "x", "id_number": "y"}
    codes = [client.post(URL, data, REMOTE_ADDR="198.51.100.30").status_code for _ in range(30)]
    assert 429 not in codes
    refused = client.post(URL, data, REMOTE_ADDR="198.51.100.30")
    assert refused.status_code == 429 and "请求过于频繁" in refused.content.decode()
    # the API counts against the same allowance, so alternating does not double it
    api_refused = client.post(
        API_URL, data, content_type="application/json", REMOTE_ADDR="198.51.100.30"
    )
    assert api_refused.status_code == 429
    assert client.post(URL, data, REMOTE_ADDR="198.51.100.31").status_code == 200


def test_the_api_reads_the_body_and_never_the_query_string(certificate, lookups):
    client = Client()
    query = f"?number={certificate.number}&name=考生1&id_number={make_id(1)}"
    in_query_string = client.post(API_URL + query, content_type="application/json")
    assert in_query_string.status_code == 422
    assert client.get(API_URL + query).status_code == 405
    assert lookups == []
    found = client.post(
        API_URL,
        {"number": certificate.number, "name": "考生1", "id_number": make_id(1)},
        content_type="application/json",
    ).json()
    assert found["valid"] and found["number"] == certificate.number
    assert found["id_number"] != make_id(1) and "*" in found["id_number"]
    assert len(lookups) == 1
