"""Issuing many results in one set-based call (the batch job's chunks, the command line)."""

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.audit.services import audit_verify
from skillcert.certificates.models import Certificate, CertificateCounter
from skillcert.certificates.services import certificate_issue, certificates_issue_bulk
from skillcert.certificates.tests.conftest import level4_result
from skillcert.common.errors import DomainError
from skillcert.plans.tests.factories import make_candidate
from skillcert.scoring.models import ResultBatch


def _results(plan, hr, count, *, failing=()):
    batch, _ = ResultBatch.objects.get_or_create(
        plan=plan, defaults={"organization": plan.organization}
    )
    return [
        level4_result(batch, make_candidate(500 + i), hr, passed=i not in failing)
        for i in range(count)
    ]


def test_bulk_issue_takes_consecutive_serials_and_one_chained_event_per_certificate(
    plan, hr, personas
):
    results = _results(plan, hr, 6, failing={2})
    issued, skipped = certificates_issue_bulk(results=results, actor=personas.clerk_a)
    assert [c.result_id for c in issued] == [r.pk for i, r in enumerate(results) if i != 2]
    assert [int(c.number[-6:]) for c in issued] == [1, 2, 3, 4, 5]
    assert skipped == [
        {
            "result": results[2].pk,
            "code": "certificate.result_not_passed",
            "message": skipped[0]["message"],
        }
    ]
    assert CertificateCounter.objects.get().last_serial == 5
    assert len({(c.status_list, c.status_index) for c in issued}) == 5
    events = AuditEvent.objects.filter(action="certificate.issued").order_by("id")
    assert [e.object_id for e in events] == [str(c.pk) for c in issued]
    assert events[0].changes == {
        "number": [None, issued[0].number],
        "organization": [None, plan.organization_id],
    }
    assert audit_verify()[1] is None


def test_bulk_issue_continues_the_counter_of_single_issues(plan, hr, personas):
    first, *rest = _results(plan, hr, 3)
    single = certificate_issue(result=first, actor=personas.clerk_a)
    issued, _ = certificates_issue_bulk(results=rest, actor=personas.clerk_a)
    assert [c.number[-6:] for c in (single, *issued)] == ["000001", "000002", "000003"]


def test_bulk_issue_refuses_whole_when_a_result_already_has_its_certificate(plan, hr, personas):
    results = _results(plan, hr, 3)
    certificate_issue(result=results[1], actor=personas.clerk_a)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as err:
        certificates_issue_bulk(results=results, actor=personas.clerk_a)
    assert err.value.code == "certificate.already_issued"
    assert Certificate.objects.count() == 1
    assert CertificateCounter.objects.get().last_serial == 1
    assert AuditEvent.objects.count() == events


def test_bulk_issue_by_another_organisations_staff_skips_every_result(plan, hr, personas):
    results = _results(plan, hr, 2)
    issued, skipped = certificates_issue_bulk(results=results, actor=personas.clerk_b)
    assert issued == []
    assert {s["code"] for s in skipped} == {"certificate.issue_forbidden"}
    assert Certificate.objects.count() == 0
