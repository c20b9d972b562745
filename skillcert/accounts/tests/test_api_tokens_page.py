"""Users create and stop their own API tokens on a page; the token is shown once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillcert.accounts.models import ApiToken
from skillcert.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_clerk_creates_a_token_sees_it_once_and_it_works_then_stops_it(personas):
    client = personas.client_for(personas.clerk_a)
    url = reverse("accounts:api_tokens")
    response = client.post(url, {"name": "省平台数据交换", "days": "30"})
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("sc_") and token in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    row = ApiToken.objects.get(user=personas.clerk_a)
    assert row.digest == ApiToken.digest_of(token) and token not in str(row.__dict__)
    api = client.__class__()
    ok = api.get("/api/v1/scoring/batches", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    # Listed again later without the token itself.
    again = client.get(url).content.decode()
    assert "省平台数据交换" in again and token not in again
    assert client.post(reverse("accounts:api_token_revoke", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.revoked
    refused = api.get("/api/v1/scoring/batches", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_bad_token_input_names_the_field_and_creates_nothing(personas):
    client = personas.client_for(personas.clerk_a)
    response = client.post(reverse("accounts:api_tokens"), {"name": "", "days": "400"})
    assert set(response.context["form"].errors) == {"name", "days"}
    assert response.context["token"] is None
    assert not ApiToken.objects.exists()


def test_officer_without_second_factor_gets_no_token(personas):
    client = personas.client_for(personas.province, verified=False)
    response = client.post(reverse("accounts:api_tokens"), {"name": "x", "days": "5"})
    assert response.status_code == 302  # sent to the second factor first
    assert not ApiToken.objects.exists()


def test_nobody_stops_another_persons_token(personas):
    personas.client_for(personas.clerk_a).post(
        reverse("accounts:api_tokens"), {"name": "甲", "days": "5"}
    )
    row = ApiToken.objects.get()
    other = personas.client_for(personas.clerk_b)
    assert other.post(reverse("accounts:api_token_revoke", args=[row.pk])).status_code == 404
    assert "甲" not in other.get(reverse("accounts:api_tokens")).content.decode()
    row.refresh_from_db()
    assert not row.revoked
