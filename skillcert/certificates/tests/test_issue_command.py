"""`manage.py certificates issue --plan CODE [--dry-run] [--json]`: the JSON contract, exit 0
on success and 2 on bad input, and a dry run that changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from skillcert.audit.models import AuditEvent
from skillcert.certificates.models import Certificate, CertificateCounter
from skillcert.certificates.tests.test_issue_pages import _abnormal, _batch, _passing
from skillcert.occupations.models import Occupation
from skillcert.scoring.models import BatchStatus, Result


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("certificates", "issue", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _with_one_outside_scope(plan, hr):
    batch = _batch(plan, hr, passing=3, failing=1)
    outside = Occupation.objects.create(code="4-07-03-03", name="劳动关系协调师")
    skipped = _passing(batch)[2]
    Result.objects.filter(pk=skipped.pk).update(occupation=outside)
    return batch, skipped


def test_json_reports_issued_and_skipped_exactly(personas, plan, hr):
    _, skipped = _with_one_outside_scope(plan, hr)
    code, out, err = _run("--plan", plan.code, "--json")
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert list(payload) == ["issued", "skipped"]
    assert payload["issued"] == 2
    assert len(payload["skipped"]) == 1
    (skip,) = payload["skipped"]
    assert list(skip) == ["result", "code", "message"]
    assert skip["result"] == skipped.pk and skip["code"] == "org.outside_scope"
    assert "不包括该职业" in skip["message"]
    assert Certificate.objects.count() == 2
    # run again: nothing more is issued, the skipped result is reported again
    code, out, _ = _run("--plan", plan.code, "--json")
    assert code == 0
    assert json.loads(out) == {"issued": 0, "skipped": payload["skipped"]}
    assert Certificate.objects.count() == 2


def test_without_json_a_chinese_summary(personas, plan, hr):
    _with_one_outside_scope(plan, hr)
    code, out, _ = _run("--plan", plan.code)
    assert code == 0
    assert f"评价计划 {plan.code}：已签发 2 张证书，未发证 1 人" in out
    assert "[org.outside_scope]" in out


def test_dry_run_reports_what_would_be_issued_and_changes_nothing(personas, plan, hr):
    _with_one_outside_scope(plan, hr)
    audits, counters = AuditEvent.objects.count(), list(CertificateCounter.objects.values())
    code, out, _ = _run("--plan", plan.code, "--dry-run", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["issued"] == 2 and [s["code"] for s in payload["skipped"]] == [
        "org.outside_scope"
    ]
    code, out, _ = _run("--plan", plan.code, "--dry-run")
    assert "将签发 2 张证书" in out and "试运行，未作任何更改" in out
    assert Certificate.objects.count() == 0
    assert AuditEvent.objects.count() == audits
    assert list(CertificateCounter.objects.values()) == counters
    # the real run afterwards issues exactly what the dry run announced
    code, out, _ = _run("--plan", plan.code, "--json")
    assert json.loads(out)["issued"] == 2 and Certificate.objects.count() == 2


@pytest.mark.parametrize("plan_code", ["NO-SUCH-PLAN", ""])
def test_unknown_plan_exits_2(personas, plan, hr, plan_code):
    _batch(plan, hr)
    code, out, err = _run("--plan", plan_code, "--json")
    assert code == 2 and out == ""
    assert "不存在或尚未建立成绩批次" in err
    assert Certificate.objects.count() == 0


def test_plan_without_a_batch_exits_2(personas, plan):
    code, _, err = _run("--plan", plan.code, "--json")
    assert code == 2 and plan.code in err and "尚未建立成绩批次" in err


def test_plan_not_registered_exits_2(personas, plan, hr):
    _batch(plan, hr, status=BatchStatus.REGISTRATION)
    code, out, err = _run("--plan", plan.code, "--json")
    assert code == 2 and out == ""
    assert "[certificate.batch_not_registered]" in err and "尚未登记备案" in err
    assert Certificate.objects.count() == 0


def test_abnormal_listed_organisation_exits_2(personas, plan, hr):
    _batch(plan, hr)
    _abnormal(personas)
    code, _, err = _run("--plan", plan.code, "--dry-run", "--json")
    assert code == 2 and "[org.abnormal_listed]" in err
    assert Certificate.objects.count() == 0
