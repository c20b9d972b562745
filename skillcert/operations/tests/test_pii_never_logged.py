"""PIPL: ID numbers must never reach the logs. Runs a roster import with bad rows, an
application review, certificate issuance, verification and a failing query with every logger
at DEBUG, then scans all captured log text for any string that passes the GB 11643 checksum."""

from __future__ import annotations

import logging
import re

from django.test import Client

from skillcert.accounts.actors import SystemActor
from skillcert.applications.importing import roster_import
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.common.identifiers import id_number_check_digit
from skillcert.plans.tests.factories import make_candidate, make_id

ID_LIKE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def _valid_id_numbers(text: str) -> list[str]:
    return [m for m in ID_LIKE.findall(text) if id_number_check_digit(m[:17]) == m[17].upper()]


def test_the_scanner_finds_id_numbers_and_ignores_near_misses():
    assert _valid_id_numbers(f"user {make_id(1)} logged in") == [make_id(1)]
    wrong = make_id(1)[:-1] + ("0" if make_id(1)[-1] != "0" else "1")
    assert _valid_id_numbers(f"value {wrong} and 12345678901234567890") == []


def test_no_valid_id_number_appears_in_any_log_line(plan, hr, personas, caplog):
    caplog.set_level(logging.DEBUG)
    good = [valid_row(make_id(400 + i)) for i in range(3)]
    bad_checksum = make_id(500)[:-1] + ("0" if make_id(500)[-1] != "0" else "1")
    rows = [
        *good,
        valid_row(bad_checksum),
        valid_row(make_id(400)),
        valid_row(int(make_id(501)[:15])),
    ]
    roster_import(
        plan=plan, source=roster_bytes(rows), actor=personas.clerk_a
    )  # all-or-nothing: fails
    roster_import(plan=plan, source=roster_bytes(rows), actor=personas.clerk_a, partial=True)

    candidate = make_candidate(77)
    certificate = certificate_issue_for(
        organization=personas.org_a, holder=Holder(candidate, hr, "", 4), actor=SystemActor("test")
    )
    client = Client()
    client.get(f"/v/{certificate.token}")
    client.get(
        "/certificates/verify/",
        {"number": certificate.number, "name": "错名", "id_number": make_id(77)},
    )
    client.post(
        "/api/v1/certificates/query",
        {"number": certificate.number, "name": "考生77", "id_number": make_id(77)},
        content_type="application/json",
    )
    client.get("/api/v1/applications/999999", HTTP_AUTHORIZATION="Bearer wrong")

    text = "\n".join(
        record.getMessage() + " " + str(record.__dict__.get("args")) for record in caplog.records
    )
    assert caplog.records, "the flow should have logged something (warnings at least)"
    assert _valid_id_numbers(text) == []
