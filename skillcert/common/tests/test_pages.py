import pytest
from django.core.management import call_command
from django.test import Client

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import RoleAssignment, User
from skillcert.audit.services import audit_verify
from skillcert.organizations.models import EvaluationOrg

TEST_ACTOR = SystemActor("test")


def test_healthz_reports_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("province", "辖区评价机构"),
        ("city_nanjing", "辖区评价机构"),
        ("clerk_a", "本机构"),
        ("candidate", "我的角色"),
    ],
)
def test_dashboard_shows_role_counts(personas, persona, expected):
    response = personas.client_for(getattr(personas, persona)).get("/dashboard/")
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_city_dashboard_counts_only_its_city(personas):
    response = personas.client_for(personas.city_nanjing).get("/dashboard/")
    cards = {c.label: c.value for c in response.context["cards"]}
    assert cards["辖区评价机构"] == 1
    assert cards["辖区地市"] == 1
    province_cards = {
        c.label: c.value
        for c in personas.client_for(personas.province).get("/dashboard/").context["cards"]
    }
    assert province_cards["辖区评价机构"] == 2
    assert province_cards["辖区地市"] == 13


def test_demo_is_idempotent(db, capsys):
    call_command("demo", "--simulation", "none")
    counts = (User.objects.count(), EvaluationOrg.objects.count(), RoleAssignment.objects.count())
    call_command("demo", "--simulation", "none")
    assert (
        User.objects.count(),
        EvaluationOrg.objects.count(),
        RoleAssignment.objects.count(),
    ) == counts
    out = capsys.readouterr().out
    assert "sheng" in out
    assert "Skillcert-Demo-2026" in out
    assert audit_verify()[1] is None


def test_api_docs_and_schema_are_served(db):
    client = Client()
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/workdays/add" in schema["paths"]


def test_api_schema_is_built_once_and_each_caller_gets_its_own_copy(db, monkeypatch):
    from skillcert.config.api import SkillcertAPI, api

    builds = []
    built = SkillcertAPI._schema_built

    def counted(self, prefix):
        builds.append(prefix)
        return built(self, prefix)

    monkeypatch.setattr(api, "_schemas", {}, raising=False)
    monkeypatch.setattr(SkillcertAPI, "_schema_built", counted)

    first = Client().get("/api/openapi.json").json()
    mine = api.get_openapi_schema()
    mine["paths"].clear()
    again = Client().get("/api/openapi.json").json()

    assert builds == ["/api/"]
    assert first == again and "/api/v1/workdays/add" in again["paths"]
    [operation] = first["paths"]["/api/v1/workdays/add"].values()
    assert operation["responses"]["429"]["description"] == "请求过于频繁"


def test_api_token_authentication(personas):
    from skillcert.accounts.services import api_token_create

    token = api_token_create(
        user=personas.clerk_a, name="roster", actor=personas.clerk_a, second_factor_verified=False
    )
    client = Client()
    response = client.get("/api/v1", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["user"] == "clerk_a"
    assert client.get("/api/v1", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_api_workdays_add_and_domain_error(personas):
    client = personas.client_for(personas.clerk_a)
    ok = client.get("/api/v1/workdays/add", {"start": "2026-09-25", "n": 15})
    assert ok.json()["date"] == "2026-10-22"
    bad = client.get("/api/v1/workdays/add", {"start": "2040-01-01", "n": 3})
    assert bad.status_code == 400
    assert bad.json()["code"] == "workdays.year_missing"


def test_role_requires_matching_region_level(personas):
    from skillcert.accounts.models import Role
    from skillcert.accounts.services import role_grant
    from skillcert.common.errors import DomainError
    from skillcert.regions.models import Region

    with pytest.raises(DomainError) as err:
        role_grant(
            user=personas.candidate,
            role=Role.CITY_OFFICER,
            region=Region.objects.get(code="320000"),
            actor=TEST_ACTOR,
        )
    assert err.value.code == "role.region_level"
