"""The binding-code page: platform administrators issue an officer's one-time authenticator
binding code from the web, shown once, audited without the code."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.actors import PUBLIC, SystemActor
from skillcert.accounts.models import TotpEnrolmentCode
from skillcert.accounts.services import totp_enrolment_issue
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import Forbidden


def test_the_page_lists_officers_without_an_authenticator(personas):
    TOTPDevice.objects.create(user=personas.city_nanjing, name="bound", confirmed=True)
    page = personas.client_for(personas.superuser).get("/accounts/totp-codes/")
    assert page.status_code == 200
    text = page.content.decode()
    listed = '<td class="mono">{}</td>'.format
    assert listed("province") in text  # an officer who has not bound one
    assert listed("city_nj") not in text  # bound already
    assert listed("candidate") not in text and listed("clerk_a") not in text  # no 2nd factor


def test_issuing_shows_the_code_once_and_audits_without_it(personas):
    client = personas.client_for(personas.superuser)
    response = client.post(f"/accounts/totp-codes/{personas.province.pk}/issue/")
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    row = TotpEnrolmentCode.objects.get(user=personas.province)
    assert check_password(code.replace("-", ""), row.digest)
    assert row.issued_by == personas.superuser.username
    event = AuditEvent.objects.get(action="user.totp_enrolment_issue")
    assert event.object_id == str(personas.province.pk)
    assert code not in str(event.changes) and code.replace("-", "") not in str(event.changes)
    # Not shown again: the list only says when it was issued.
    again = client.get("/accounts/totp-codes/").content.decode()
    assert code not in again and "重新签发" in again


@pytest.mark.parametrize("persona", ["province", "city_nanjing", "clerk_a", "candidate"])
def test_nobody_but_a_platform_administrator_opens_the_page_or_issues(personas, persona):
    client = personas.client_for(getattr(personas, persona))
    assert client.get("/accounts/totp-codes/").status_code == 403
    issue = client.post(f"/accounts/totp-codes/{personas.city_nanjing.pk}/issue/")
    assert issue.status_code == 403
    assert not TotpEnrolmentCode.objects.exists()


def test_issuing_for_someone_who_needs_no_code_is_not_found(personas):
    client = personas.client_for(personas.superuser)
    TOTPDevice.objects.create(user=personas.province, name="bound", confirmed=True)
    assert client.post(f"/accounts/totp-codes/{personas.province.pk}/issue/").status_code == 404
    assert client.post(f"/accounts/totp-codes/{personas.candidate.pk}/issue/").status_code == 404
    assert client.get(f"/accounts/totp-codes/{personas.province.pk}/issue/").status_code == 405
    assert not TotpEnrolmentCode.objects.exists()


def test_an_untrusted_process_cannot_issue_but_an_operator_can(personas):
    with pytest.raises(Forbidden) as caught:
        totp_enrolment_issue(user=personas.province, actor=PUBLIC)
    assert caught.value.code == "totp.enrolment_forbidden"
    assert totp_enrolment_issue(user=personas.province, actor=SystemActor("command:totp"))
    assert TotpEnrolmentCode.objects.get().issued_by == "system:command:totp"
