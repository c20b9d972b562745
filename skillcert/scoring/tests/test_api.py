"""/api/v1/scoring: scoped batch lists and details, publication, registration (403 for the
wrong role, 404 outside scope, 400 with the domain code), re-checks by the candidate and the
organisation, and the rate-limited public query without unmasked PII."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from skillcert.audit.models import AuditEvent
from skillcert.scoring.models import BatchStatus, Recheck, RecheckStatus, Result, ResultBatch
from skillcert.scoring.tests.flows import onsite_report_in, published_batch, submitted_batch

BASE = "/api/v1/scoring"


def _post(client: Any, path: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json", **extra)


def test_batches_are_listed_in_scope_with_counts(world: Any) -> None:
    personas = world.personas
    mine = personas.client_for(personas.clerk_a).get(f"{BASE}/batches").json()
    assert [b["id"] for b in mine] == [world.batch.pk]
    assert mine[0]["status"] == "entering" and mine[0]["entry_account_set"] is True
    assert personas.client_for(personas.clerk_b).get(f"{BASE}/batches").json() == []
    assert personas.client_for(personas.candidate).get(f"{BASE}/batches").json() == []
    detail = personas.client_for(personas.city_nanjing).get(f"{BASE}/batches/{world.batch.pk}")
    counts = detail.json()["counts"]
    assert counts["results"] == 5 and counts["draft"] == 5 and counts["pending"] == 5
    hidden = personas.client_for(personas.city_suzhou).get(f"{BASE}/batches/{world.batch.pk}")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"


def test_publish_is_forbidden_to_a_marker_and_hidden_from_another_org(world: Any) -> None:
    submitted_batch(world)
    marker = world.personas.client_for(world.users["m1"])
    forbidden = _post(marker, f"/batches/{world.batch.pk}/publish")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "scoring.forbidden"
    other = _post(
        world.personas.client_for(world.personas.clerk_b), f"/batches/{world.batch.pk}/publish"
    )
    assert other.status_code == 404
    assert ResultBatch.objects.get(pk=world.batch.pk).status == BatchStatus.SUBMITTED


def test_registration_return_and_register_with_roles(world: Any) -> None:
    published_batch(world)
    Result.objects.filter(batch=world.batch).update(
        recheck_closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    personas = world.personas
    clerk = personas.client_for(personas.clerk_a)
    officer = personas.client_for(personas.province)
    pk = world.batch.pk
    assert _post(officer, f"/batches/{pk}/registration").status_code == 403
    unreported = _post(clerk, f"/batches/{pk}/registration")
    assert unreported.status_code == 400
    assert unreported.json()["code"] == "registration.supervisor_report_missing"
    onsite_report_in(world.plan, officer=personas.province)
    submitted = _post(clerk, f"/batches/{pk}/registration")
    assert submitted.status_code == 200 and submitted.json()["status"] == "registration"
    assert _post(clerk, f"/batches/{pk}/register").status_code == 403
    blank = _post(officer, f"/batches/{pk}/return", {"reason": "  "})
    assert blank.status_code == 400 and blank.json()["field"] == "reason"
    returned = _post(officer, f"/batches/{pk}/return", {"reason": "材料不全"})
    assert returned.json()["status"] == "published"
    _post(clerk, f"/batches/{pk}/registration")
    registered = _post(officer, f"/batches/{pk}/register")
    assert registered.status_code == 200 and registered.json()["registered_at"]
    twice = _post(officer, f"/batches/{pk}/register")
    assert twice.status_code == 400 and twice.json()["code"] == "status.transition_not_allowed"
    assert AuditEvent.objects.filter(action="result_batch.register").count() == 1


def test_reopen_needs_an_officer_and_a_reason(world: Any) -> None:
    submitted_batch(world)
    pk = world.batch.pk
    clerk = world.personas.client_for(world.personas.clerk_a)
    assert _post(clerk, f"/batches/{pk}/reopen", {"reason": "更正"}).status_code == 403
    officer = world.personas.client_for(world.personas.city_nanjing)
    assert _post(officer, f"/batches/{pk}/reopen").status_code == 422
    reopened = _post(officer, f"/batches/{pk}/reopen", {"reason": "更正录入错误"})
    assert reopened.json()["status"] == "entering" and reopened.json()["reopened_count"] == 1


def test_candidate_requests_recheck_and_org_completes_it(world: Any) -> None:
    published_batch(world)
    own = world.result(0)
    Result.objects.filter(pk=own.pk).update(
        recheck_closes_on=timezone.localdate() + dt.timedelta(days=3),
        practical_score=Decimal("70.0"),
    )
    candidate = world.personas.client_for(world.personas.candidate)
    mine = candidate.get(f"{BASE}/results/mine").json()
    assert [r["id"] for r in mine] == [own.pk] and mine[0]["recheck_open"] is True
    bad = _post(candidate, f"/results/{own.pk}/rechecks", {"subject": "panel"})
    assert bad.status_code == 400 and bad.json()["code"] == "recheck.subject_not_scored"
    asked = _post(candidate, f"/results/{own.pk}/rechecks", {"subject": "practical"})
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    other = world.result(1)
    assert _post(candidate, f"/results/{other.pk}/rechecks", {"subject": "theory"}).status_code == (
        404
    )
    recheck_id = asked.json()["id"]
    assert _post(candidate, f"/rechecks/{recheck_id}/complete").status_code == 403
    clerk = world.personas.client_for(world.personas.clerk_a)
    listed = clerk.get(f"{BASE}/batches/{world.batch.pk}/rechecks").json()
    assert [r["id"] for r in listed] == [recheck_id]
    done = _post(clerk, f"/rechecks/{recheck_id}/complete", {"outcome": "合分有误，已更正"})
    body = done.json()
    assert done.status_code == 200 and (body["before"], body["after"], body["changed"]) == (
        70.0,
        80.0,
        True,
    )
    assert Recheck.objects.get(pk=recheck_id).status == RecheckStatus.COMPLETED
    assert (
        _post(
            world.personas.client_for(world.personas.clerk_b), f"/rechecks/{recheck_id}/complete"
        ).status_code
        == 404
    )


def test_public_query_answers_masked_and_the_same_for_any_mismatch(world: Any, client: Any) -> None:
    cache.clear()
    published_batch(world)
    result, candidate = world.result(0), world.candidates[0]
    good = {
        "name": candidate.full_name,
        "id_number": candidate.id_number,
        "ticket_no": result.candidate_ref,
    }
    found = _post(client, "/query", good).json()
    assert found["found"] is True and found["occupation"] == "企业人力资源管理师"
    assert found["id_number"] != candidate.id_number and "*" in found["id_number"]
    assert candidate.id_number not in str(found) and candidate.full_name not in str(found)
    wrong_name = _post(client, "/query", good | {"name": "别人"}).json()
    someone_else = _post(
        client, "/query", good | {"id_number": world.candidates[1].id_number}
    ).json()
    assert wrong_name == someone_else == {"found": False} | {k: None for k in found if k != "found"}


def test_public_query_is_throttled_like_the_page(world: Any, client: Any) -> None:
    cache.clear()
    body = {"name": "某人", "id_number": "110101199003070000", "ticket_no": "1"}
    codes = [_post(client, "/query", body, REMOTE_ADDR="10.1.2.3").status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    limited = _post(client, "/query", body, REMOTE_ADDR="10.1.2.3")
    assert limited.json()["code"] == "throttled" and limited["Retry-After"] == "60"
    assert _post(client, "/query", body, REMOTE_ADDR="10.9.9.9").status_code == 200
