"""`/`: a visitor gets the public landing page; a signed-in user goes to the dashboard."""

import pytest
from django.test import Client
from django.urls import reverse

from skillcert.workbench.views import _PUBLIC_SERVICE_NOTES


@pytest.mark.django_db
def test_visitor_sees_the_public_services_login_and_registration():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "职业技能等级认定平台" in html
    for label, url in response.context["nav_public"]:
        assert f'href="{url}"' in html
        assert f"<strong>{label}</strong>" in html
    assert f'href="{reverse("accounts:login")}"' in html
    assert f'href="{reverse("candidates:register")}"' in html
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_every_public_service_has_a_line_on_the_landing_page():
    labels = [label for label, _ in Client().get("/").context["nav_public"]]
    assert labels == list(_PUBLIC_SERVICE_NOTES)
    html = Client().get("/").content.decode()
    for note in _PUBLIC_SERVICE_NOTES.values():
        assert note in html


@pytest.mark.parametrize("who", ["candidate", "clerk_a", "province"])
def test_signed_in_user_goes_to_the_dashboard(personas, who):
    response = personas.client_for(getattr(personas, who)).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:dashboard")
