from skillcert.organizations.models import (
    EvaluationOrg,
    FilingApplication,
    FilingCondition,
    FilingStatus,
    OrgStatus,
)
from skillcert.organizations.tests.conftest import complete_evidence, pdf_upload


def test_clerk_files_through_the_pages_and_the_city_approves(personas, catalogue):
    clerk = personas.client_for(personas.clerk_a)
    response = clerk.post(
        f"/organizations/{personas.org_a.pk}/filing_start/",
        {"purpose": "initial", "service_region": "320100", "authority_code": "0000"},
    )
    application = FilingApplication.objects.get(org=personas.org_a)
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/filings/{application.pk}/"
    url = response["Location"]
    clerk.post(f"{url}scope/", {"lines": "6-31-01-03 4\n6-31-01-03 3 维修电工\n"})
    assert application.lines.count() == 2
    item = FilingCondition.objects.get(kind="S", code="legal_entity")
    clerk.post(f"{url}evidence/", {"item": item.pk, "file": pdf_upload()})
    stored = application.evidence.get(item=item).file
    assert stored is not None and len(stored.sha256) == 64
    complete_evidence(application, personas.clerk_a)
    clerk.post(f"{url}submit/", {})
    assert FilingApplication.objects.get(pk=application.pk).status == FilingStatus.SUBMITTED

    city = personas.client_for(personas.city_nanjing)
    assert application.org.name in city.get("/organizations/filings/").content.decode()
    page = city.get(url).content.decode()
    assert "市级审核" in page
    city.post(f"{url}review/", {"decision": "approve", "reason": ""})
    org = EvaluationOrg.objects.get(pk=personas.org_a.pk)
    assert (org.status, org.filing_number) == (OrgStatus.FILED, "S000032000001")
    assert "S000032000001" in clerk.get(f"/organizations/{org.pk}/").content.decode()


def test_bad_scope_line_shows_the_domain_message(personas, catalogue):
    clerk = personas.client_for(personas.clerk_a)
    clerk.post(
        f"/organizations/{personas.org_a.pk}/filing_start/",
        {"purpose": "initial", "service_region": "320100", "authority_code": "0000"},
    )
    application = FilingApplication.objects.get(org=personas.org_a)
    response = clerk.post(
        f"/organizations/filings/{application.pk}/scope/",
        {"lines": "4-07-03-03 3"},
        follow=True,
    )
    assert "不在职业技能等级认定目录中" in response.content.decode()
    assert application.lines.count() == 0


def test_other_organisations_and_cities_cannot_open_the_application(personas, catalogue):
    clerk = personas.client_for(personas.clerk_a)
    clerk.post(
        f"/organizations/{personas.org_a.pk}/filing_start/",
        {"purpose": "initial", "service_region": "320100", "authority_code": "0000"},
    )
    url = f"/organizations/filings/{FilingApplication.objects.get().pk}/"
    assert personas.client_for(personas.clerk_b).get(url).status_code == 404
    assert personas.client_for(personas.city_suzhou).get(url).status_code == 404
    assert personas.client_for(personas.city_nanjing).get(url).status_code == 200


def test_clerk_cannot_review_its_own_application_through_the_page(personas, catalogue):
    clerk = personas.client_for(personas.clerk_a)
    clerk.post(
        f"/organizations/{personas.org_a.pk}/filing_start/",
        {"purpose": "initial", "service_region": "320100", "authority_code": "0000"},
    )
    application = FilingApplication.objects.get()
    clerk.post(f"/organizations/filings/{application.pk}/scope/", {"lines": "6-31-01-03 4"})
    complete_evidence(application, personas.clerk_a)
    clerk.post(f"/organizations/filings/{application.pk}/submit/", {})
    response = clerk.post(
        f"/organizations/filings/{application.pk}/review/",
        {"decision": "approve"},
    )
    assert response.status_code == 403  # a refusal of who may act, not an input error
    assert FilingApplication.objects.get().status == FilingStatus.SUBMITTED


def test_officer_lists_blacklists_and_the_directory_shows_it(personas, catalogue):
    from django.test import Client

    from skillcert.organizations.tests.conftest import file_org

    org = file_org(personas)
    province = personas.client_for(personas.province)
    province.post(
        f"/organizations/{org.pk}/listing_add/",
        {
            "list_kind": "blacklist",
            "reason": "伪造评价记录",
            "document_no": "苏人社〔2026〕8号",
            "starts_on": "2026-01-01",
        },
    )
    body = Client().get("/directory/").content.decode()
    assert "列入黑名单" in body
    assert "苏人社〔2026〕8号" in Client().get(f"/directory/{org.filing_number}/").content.decode()


def test_city_suspends_through_the_page(personas, catalogue):
    from skillcert.organizations.tests.conftest import file_org

    org = file_org(personas)
    personas.client_for(personas.city_nanjing).post(
        f"/organizations/{org.pk}/suspend/", {"reason": "整改", "document_no": "宁人社〔2026〕2号"}
    )
    assert EvaluationOrg.objects.get(pk=org.pk).status == OrgStatus.SUSPENDED
