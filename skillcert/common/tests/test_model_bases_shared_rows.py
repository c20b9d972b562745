"""The behaviour the shared abstract bases give every table that uses them: a background
job's running flag and progress, an open period's text, the names rows show, a registered
person's masked phone and the digest constraint."""

from __future__ import annotations

import datetime as dt

from django.db import models

from skillcert.applications.models import RosterImport
from skillcert.candidates.models import Candidate, WorkPeriod
from skillcert.certificates.models import Certificate, IssueBatch
from skillcert.common.model_bases import sha256_check
from skillcert.eligibility.models import RuleSet
from skillcert.exams.models import TicketJob
from skillcert.exchange.models import Delivery, Peer, ReceivedCertificate
from skillcert.itembank.models import ItemImport
from skillcert.personnel.models import Person, PersonWork, QualificationRule
from skillcert.scoring.models import ResponseUpload


def test_a_queued_or_running_job_is_running_and_a_finished_one_is_not() -> None:
    assert ItemImport(status="queued").running
    assert IssueBatch(status="running").running
    assert not IssueBatch(status="finished").running
    assert not TicketJob(status="failed").running


def test_an_upload_being_checked_or_scored_is_still_running() -> None:
    assert ResponseUpload(status="checking").running
    assert ResponseUpload(status="scoring").running
    assert not ResponseUpload(status="done").running


def test_progress_stays_below_100_until_the_job_finished() -> None:
    assert TicketJob(status="running", done=10, total=10).percent == 99
    assert TicketJob(status="running", done=3, total=10).percent == 30
    assert TicketJob(status="queued", done=0, total=0).percent == 0
    assert TicketJob(status="done", done=3, total=10).percent == 100
    assert RosterImport(status="running", processed_rows=1, total_rows=4).percent == 25
    assert RosterImport(status="failed", processed_rows=0, total_rows=0).percent == 100


def test_an_open_period_reads_until_now() -> None:
    start, end = dt.date(2020, 3, 1), dt.date(2021, 6, 30)

    assert str(WorkPeriod(employer="某厂", start=start)) == "某厂 2020-03-01–至今"
    assert str(PersonWork(description="维修", start=start, end=end)) == (
        "2020-03-01–2021-06-30 维修"
    )


def test_spans_and_certificate_records_name_themselves_as_before() -> None:
    peer = Peer(name="省平台")

    assert str(Delivery(peer=peer, after=5, next=9)) == "省平台 (5, 9]"
    assert str(Certificate(number="S000000000000003000001")) == "S000000000000003000001"
    assert str(ReceivedCertificate(number="Y000000000000004000002")) == "Y000000000000004000002"


def test_sha256_check_is_the_digest_constraint_written_out() -> None:
    written_out = models.CheckConstraint(
        condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256"
    )

    assert sha256_check(name="evidence_sha256") == written_out


def test_a_registered_person_shows_a_masked_phone_or_nothing() -> None:
    assert Candidate(phone="13912345678").phone_masked == "139****5678"
    assert Person(phone="").phone_masked == ""


def test_rule_versions_name_their_code_and_version() -> None:
    assert str(RuleSet(code="generic-2018", version=3)) == "generic-2018 v3"
    assert str(QualificationRule(code="examiner", version=1)) == "examiner v1"
