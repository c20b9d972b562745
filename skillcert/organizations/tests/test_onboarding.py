"""A new organisation comes onto the platform through the web: the province registers it with
its first administrator, who logs in and opens a clerk's account; nobody else can."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_uscc
from skillcert.accounts.models import RoleAssignment, User
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError, Forbidden
from skillcert.organizations.models import EvaluationOrg
from skillcert.organizations.onboarding import org_account_add, org_account_close

pytestmark = pytest.mark.django_db

STRONG = "Spring-Orchid-2026"
# A credit code whose check character is wrong (the right one, shifted).
_GOOD = make_uscc(41)
BAD_USCC = _GOOD[:-1] + ("0" if _GOOD[-1] != "0" else "1")


def _logged_in(username: str) -> Client:
    """Through the login page, as the person would (the password works)."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": STRONG})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def _registration(**changes: str) -> dict[str, str]:
    data = {
        "name": "无锡新材料职业技能评价中心",
        "kind": "S",
        "uscc": make_uscc(41),
        "region": "320200",
        "address": "无锡市梁溪区中山路1号",
        "contact_name": "周敏",
        "contact_phone": "0510-80000000",
        "admin_username": "wx_admin",
        "admin_full_name": "周敏",
        "admin_phone": "13912345678",
        "admin_password": STRONG,
    }
    data.update(changes)
    return data


def test_province_registers_an_organisation_with_its_administrator(personas):
    province = personas.client_for(personas.province)
    assert "登记新评价机构" in province.get(reverse("organizations:list")).content.decode()
    response = province.post(reverse("organizations:new"), _registration())
    org = EvaluationOrg.objects.get(name="无锡新材料职业技能评价中心")
    assert response.status_code == 302 and response["Location"] == reverse(
        "organizations:detail", args=[org.pk]
    )
    admin = User.objects.get(username="wx_admin")
    assert RoleAssignment.objects.filter(
        user=admin, role="org_admin", organization=org, active=True
    ).exists()
    assert {"org.create", "user.create", "role.grant"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    # The new administrator logs in and sees the organisation, unfiled, with its accounts link.
    client = _logged_in("wx_admin")
    page = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert "无锡新材料职业技能评价中心" in page and "机构账号" in page


def test_bad_registration_names_every_field_and_creates_nothing(personas):
    province = personas.client_for(personas.province)
    response = province.post(
        reverse("organizations:new"),
        _registration(uscc=BAD_USCC, admin_password="123", region="999999"),
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    response = province.post(reverse("organizations:new"), _registration(uscc=BAD_USCC))
    assert set(response.context["form"].errors) == {"uscc"}
    response = province.post(reverse("organizations:new"), _registration(admin_password="123"))
    assert set(response.context["form"].errors) == {"admin_password"}
    taken = _registration(admin_username=personas.clerk_a.username)
    response = province.post(reverse("organizations:new"), taken)
    assert set(response.context["form"].errors) == {"admin_username"}
    assert not EvaluationOrg.objects.filter(name="无锡新材料职业技能评价中心").exists()
    assert not User.objects.filter(username="wx_admin").exists()


@pytest.mark.parametrize("who", ["clerk_a", "city_nanjing", "candidate"])
def test_only_the_province_registers_organisations(personas, who):
    client = personas.client_for(getattr(personas, who))
    assert client.get(reverse("organizations:new")).status_code == 403
    assert client.post(reverse("organizations:new"), _registration()).status_code == 403
    assert not EvaluationOrg.objects.filter(name="无锡新材料职业技能评价中心").exists()


def test_organisation_administrator_opens_and_closes_a_clerk_account(personas, org_admin_a):
    admin = personas.client_for(org_admin_a)
    url = reverse("organizations:accounts", args=[personas.org_a.pk])
    response = admin.post(
        url,
        {
            "role": "org_clerk",
            "username": "nj_clerk2",
            "full_name": "陈静",
            "phone": "",
            "password": STRONG,
        },
    )
    assert response.status_code == 302
    clerk = User.objects.get(username="nj_clerk2")
    assignment = RoleAssignment.objects.get(user=clerk, organization=personas.org_a)
    _logged_in("nj_clerk2")
    assert "nj_clerk2" in admin.get(url).content.decode()
    close = reverse("organizations:account_close", args=[personas.org_a.pk, assignment.pk])
    assert admin.post(close).status_code == 302
    assignment.refresh_from_db()
    assert assignment.active is False


def test_account_errors_name_the_field_and_open_nothing(personas, org_admin_a):
    admin = personas.client_for(org_admin_a)
    url = reverse("organizations:accounts", args=[personas.org_a.pk])
    base = {"role": "org_clerk", "username": "x1", "full_name": "陈静", "password": STRONG}
    response = admin.post(url, {**base, "password": "short"})
    assert set(response.context["form"].errors) == {"password"}
    response = admin.post(url, {**base, "phone": "12345"})
    assert set(response.context["form"].errors) == {"phone"}
    response = admin.post(url, {**base, "role": "province_officer"})
    assert set(response.context["form"].errors) == {"role"}
    assert not User.objects.filter(username="x1").exists()


def test_an_administrator_cannot_close_their_own_or_the_last_administrator_role(
    personas, org_admin_a
):
    own = RoleAssignment.objects.get(user=org_admin_a, organization=personas.org_a)
    with pytest.raises(DomainError) as exc:
        org_account_close(org=personas.org_a, assignment_id=own.pk, actor=org_admin_a)
    assert exc.value.code == "org.account_self"
    with pytest.raises(DomainError) as exc:
        org_account_close(org=personas.org_a, assignment_id=own.pk, actor=personas.province)
    assert exc.value.code == "org.account_last_admin"
    own.refresh_from_db()
    assert own.active


def test_other_people_cannot_manage_the_organisations_accounts(personas, org_admin_a):
    url = reverse("organizations:accounts", args=[personas.org_a.pk])
    data = {"role": "org_admin", "username": "intruder", "full_name": "某", "password": STRONG}
    # A clerk of the organisation (not its administrator) and the city see the organisation
    # but may not manage accounts; another organisation does not see it at all.
    assert personas.client_for(personas.clerk_a).post(url, data).status_code == 403
    assert personas.client_for(personas.city_nanjing).post(url, data).status_code == 403
    assert personas.client_for(personas.clerk_b).post(url, data).status_code == 404
    assert personas.client_for(personas.candidate).post(url, data).status_code == 404
    assert Client().post(url, data).status_code == 302  # to the login page
    own = RoleAssignment.objects.get(user=org_admin_a, organization=personas.org_a)
    close = reverse("organizations:account_close", args=[personas.org_a.pk, own.pk])
    assert personas.client_for(personas.clerk_b).post(close).status_code == 404
    with pytest.raises(Forbidden) as refused:
        org_account_add(
            org=personas.org_a,
            username="intruder",
            full_name="某",
            password=STRONG,
            role="org_admin",
            actor=personas.clerk_b,
        )
    assert refused.value.code == "org.accounts_forbidden"
    assert not User.objects.filter(username="intruder").exists()
    own.refresh_from_db()
    assert own.active
