import pytest
from django.test import Client

from conftest import make_uscc
from skillcert.accounts.scope import scope_for
from skillcert.common.errors import DomainError
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.selectors import organizations_visible
from skillcert.organizations.services import organization_create
from skillcert.regions.models import Region


def _names(user):
    return set(organizations_visible(scope=scope_for(user)).values_list("name", flat=True))


def test_each_persona_sees_only_its_own_organisations(personas):
    assert _names(personas.province) == {"南京甲评价中心", "苏州乙评价公司"}
    assert _names(personas.city_nanjing) == {"南京甲评价中心"}
    assert _names(personas.city_suzhou) == {"苏州乙评价公司"}
    assert _names(personas.clerk_a) == {"南京甲评价中心"}
    assert _names(personas.clerk_b) == {"苏州乙评价公司"}
    assert _names(personas.candidate) == set()
    assert _names(personas.examiner) == set()


def test_clerk_of_one_organisation_gets_404_for_another(personas):
    client = personas.client_for(personas.clerk_a)
    assert client.get(f"/organizations/{personas.org_a.pk}/").status_code == 200
    assert client.get(f"/organizations/{personas.org_b.pk}/").status_code == 404


def test_city_officer_gets_404_outside_the_city(personas):
    client = personas.client_for(personas.city_nanjing)
    assert client.get(f"/organizations/{personas.org_a.pk}/").status_code == 200
    assert client.get(f"/organizations/{personas.org_b.pk}/").status_code == 404


def test_org_list_export_is_scoped(personas):
    from python_calamine import CalamineWorkbook

    response = personas.client_for(personas.clerk_b).get("/organizations/?export=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    names = [row[0] for row in rows[1:]]
    assert names == ["苏州乙评价公司"]


def test_api_lists_only_scoped_organisations(personas):
    response = personas.client_for(personas.clerk_a).get("/api/v1/organizations")
    assert response.status_code == 200
    assert [o["name"] for o in response.json()] == ["南京甲评价中心"]


def test_organisation_with_bad_credit_code_is_rejected_and_nothing_saved(personas):
    count = EvaluationOrg.objects.count()
    with pytest.raises(DomainError) as err:
        organization_create(
            name="坏代码机构",
            kind="S",
            uscc=make_uscc(3)[:-1] + "0" if make_uscc(3)[-1] != "0" else make_uscc(3)[:-1] + "1",
            region=Region.objects.get(code="320102"),
            actor=personas.province,
        )
    assert err.value.code == "uscc.checksum"
    assert EvaluationOrg.objects.count() == count


def test_duplicate_credit_code_is_rejected(personas):
    with pytest.raises(DomainError) as err:
        organization_create(
            name="重复",
            kind="S",
            uscc=personas.org_a.uscc,
            region=Region.objects.get(code="320102"),
            actor=personas.province,
        )
    assert err.value.code == "org.uscc_taken"


def test_anonymous_cannot_list_organisations_via_api(db):
    assert Client().get("/api/v1/organizations").status_code == 401
