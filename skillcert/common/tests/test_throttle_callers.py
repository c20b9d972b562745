"""The rate limits outside the throttle decorator count in the same shared counters: failed
logins per address (exact, no local share) and the complaint API, which shares the web
form's allowance."""

from __future__ import annotations

import json

from django.test import Client

from skillcert.accounts.views import LOGIN_FAILURES_PER_ADDRESS
from skillcert.common.models import RateCounter
from skillcert.common.throttle import THROTTLE

COMPLAINT = {
    "complainant_kind": "public",
    "subject_kind": "organization",
    "subject_name": "某评价机构",
    "region": "320100",
    "content": "收费后不组织考试，也不退费，请核查。",
}


def _complain(address: str) -> int:
    response = Client().post(
        "/api/v1/supervision/complaints",
        json.dumps(COMPLAINT),
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_the_complaint_api_is_refused_once_the_web_forms_allowance_is_used(personas):
    for _ in range(10):  # ten complaints through the web form from this address
        assert not THROTTLE.hit(group="complaint_form", visitor="198.51.100.31", rate="10/h")
    assert _complain("198.51.100.31") == 429
    assert _complain("198.51.100.32") == 201


def test_failed_logins_are_counted_in_the_shared_counters(personas):
    assert LOGIN_FAILURES_PER_ADDRESS == "30/15m"
    for n in range(3):
        Client().post(
            "/accounts/login/",
            {"username": f"user{n}", "password": "wrong-password-1"},
            REMOTE_ADDR="198.51.100.33",
        )
    counted = RateCounter.objects.filter(key__startswith="900:").values_list("count", flat=True)
    assert sum(counted) == 3  # one row, or two if a 15-minute window ended in between
    assert not THROTTLE.used_up(
        group="login-failures", visitor="198.51.100.33", rate=LOGIN_FAILURES_PER_ADDRESS
    )
