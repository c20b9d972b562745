"""`manage.py simulate` end to end at the tiny scale: every stage through the real services,
the consistency check, the audit chain, and no ID number in any log line of the whole run."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.core.management import CommandError, call_command

from skillcert.applications.models import Application, Status
from skillcert.certificates.models import Certificate
from skillcert.exams.models import AdmissionTicket, District, Seat
from skillcert.exams.services import sitting_create
from skillcert.operations.simulation import POSTPONED, SCALES, SITTING_CODE, split_shares
from skillcert.operations.tests.test_pii_never_logged import _valid_id_numbers
from skillcert.regions.models import Region
from skillcert.scoring.models import PartState, Result, ResultStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_split_gives_every_city_a_share_and_keeps_the_total():
    assert split_shares(10_865, [w for *_, w in [(0, 0, 14), (0, 0, 7), (0, 0, 1)]]) == [
        6914,
        3457,
        494,
    ]
    assert sum(split_shares(362, [14, 9, 8, 7, 16, 8, 4, 5, 6, 6, 5, 6, 4])) == 362
    assert min(split_shares(3, [100, 1, 1])) == 1


def test_simulation_runs_every_stage_and_checks_itself(caplog):
    caplog.set_level(logging.DEBUG)
    out = io.StringIO()
    call_command("simulate", "--scale", "tiny", "--seed", "3", "--json", stdout=out)
    text = out.getvalue()
    scale = SCALES["tiny"]

    assert "一致性检查：通过" in text
    # The console speaks Chinese: no error codes, status codes or dictionaries leak into it.
    console = "\n".join(text.strip().splitlines()[:-1])
    assert not re.search(r"\b[a-z]+[._][a-z_]+\b|[{}]|\b(approved|rejected|returned)\b", console)
    stages = json.loads(text.strip().splitlines()[-1])
    assert {"报名（花名册导入与个人申报）", "证书核发", "扫码查验"} <= set(stages)

    applications = Application.objects.filter(plan__code__startswith="SIM-2026-")
    approved = applications.filter(status=Status.APPROVED)
    # Bad roster rows were reported, not imported; everyone else is accounted for.
    assert 0 < applications.count() <= scale.candidates
    assert set(applications.values_list("status", flat=True)) <= {
        Status.APPROVED,
        Status.REJECTED,
        Status.RETURNED,
    }
    assert Seat.objects.filter(slot__sitting__code="SIM-JS-2026").count() == approved.count()
    assert AdmissionTicket.objects.filter(sitting__code="SIM-JS-2026").count() == approved.count()
    # The postponed district sat four weeks later, with its own tickets.
    postponed = District.objects.get(sitting__code="SIM-JS-2026", city_id=POSTPONED)
    assert postponed.slots.get().starts_at.date().isoformat() == "2026-07-11"

    results = Result.objects.filter(batch__plan__code__startswith="SIM-2026-")
    assert results.count() == approved.count()
    assert not results.exclude(status=ResultStatus.REGISTERED).exists()
    assert results.filter(theory_state=PartState.ABSENT).exists()  # absences, never zeros
    assert results.filter(theory_state=PartState.VOIDED).count() == 2  # one per district
    passed = results.filter(passed=True)
    assert passed.exists()
    assert not passed.filter(theory_score__lt=60).exists()
    certificates = Certificate.objects.filter(result__in=passed)
    assert certificates.count() == passed.count()
    assert certificates.filter(revoked_at__isnull=False).count() == 1

    logged = "\n".join(r.getMessage() + " " + str(r.__dict__.get("args")) for r in caplog.records)
    assert _valid_id_numbers(logged) == []


def test_simulation_refuses_a_database_that_already_holds_it(personas):
    sitting_create(
        code=SITTING_CODE,
        title="已有的模拟统考",
        province=Region.objects.get(code="320000"),
        year=2026,
        serial=1,
        actor=personas.province,
    )
    with pytest.raises(CommandError, match=r"simulate\.exists"):
        call_command("simulate", "--scale", "tiny", stdout=io.StringIO())
    assert Application.objects.count() == 0


def test_unknown_scale_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("simulate", "--scale", "huge", stdout=io.StringIO())
