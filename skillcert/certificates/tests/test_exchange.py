"""M10: the registry exchange CSV never carries a live spreadsheet formula."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.plans.tests.factories import file_org, make_candidate

HOSTILE = '=HYPERLINK("http://x","点我")'

SYSTEM_TEST = SystemActor("test")


@pytest.fixture
def hostile_certificate(personas, hr):
    file_org(personas.org_a, [hr], (3,))
    candidate = make_candidate(1)
    candidate.full_name = HOSTILE
    candidate.save()
    return certificate_issue_for(
        organization=personas.org_a, holder=Holder(candidate, hr, "", 3), actor=SYSTEM_TEST
    )


def _export(tmp_path, fmt):
    call_command(
        "certificates", "export", "--since", "2020-01-01", "--format", fmt, "--out", str(tmp_path)
    )
    # bytes, not read_text: universal newlines would turn a carriage return into "\n"
    return (tmp_path / f"certificates-since-2020-01-01.{fmt}").read_bytes().decode("utf-8-sig")


def test_csv_export_neutralises_a_formula_in_the_holder_name(hostile_certificate, tmp_path):
    text = _export(tmp_path, "csv")
    (row,) = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["姓名"] == "'" + HOSTILE
    assert row["证书编号"] == hostile_certificate.number
    assert row["工种/职业方向"] == "--"  # the platform's placeholder stays as it is
    for value in row.values():
        assert value[:1] not in ("=", "+", "@", "\t", "\r") and not (
            value.startswith("-") and value != "--"
        ), value


@pytest.mark.parametrize("trigger", ["+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_is_neutralised(personas, hr, tmp_path, trigger):
    file_org(personas.org_a, [hr], (3,))
    candidate = make_candidate(2)
    candidate.full_name = f"{trigger}1+cmd|' /C calc'!A0"
    candidate.save()
    certificate_issue_for(
        organization=personas.org_a, holder=Holder(candidate, hr, "", 3), actor=SYSTEM_TEST
    )
    (row,) = list(csv.DictReader(io.StringIO(_export(tmp_path, "csv"), newline="")))
    assert row["姓名"].startswith("'" + trigger)


def test_json_export_keeps_the_value_as_it_is(hostile_certificate, tmp_path):
    (row,) = json.loads(_export(tmp_path, "json"))
    assert row["姓名"] == HOSTILE
