"""/api/v1/scoring/batches/{pk}/scores and /panel-marks: a sheet of scores in one request
through the bulk services, all or nothing (403 for the wrong role, 404 outside scope, 400 with
the domain code and nothing written for a bad sheet)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from skillcert.audit.models import AuditEvent
from skillcert.scoring.models import PanelMark, PartState, Result
from skillcert.scoring.services import panel_mark_submit

BASE = "/api/v1/scoring"


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{path}", body, content_type="application/json")


def _sheet(*pairs: tuple[int, Any]) -> list[dict[str, Any]]:
    return [{"result": pk, "score": score} for pk, score in pairs]


def test_the_entry_account_enters_a_parts_scores_in_one_request(world: Any) -> None:
    chief = world.personas.client_for(world.users["chief"])
    first, second = world.result(0).pk, world.result(1).pk
    body = {"part": "practical", "scores": _sheet((first, 66), (second, 72.5))}
    answer = _post(chief, f"/batches/{world.batch.pk}/scores", body)
    assert answer.status_code == 200 and answer.json() == {"count": 2}
    stored = {r.pk: r for r in Result.objects.filter(pk__in=[first, second])}
    assert (stored[first].practical_score, stored[first].practical_state) == (
        Decimal("66.0"),
        PartState.SCORED,
    )
    assert stored[second].practical_score == Decimal("72.5")
    assert AuditEvent.objects.filter(action="result.enter_bulk").count() == 1


def test_score_entry_is_forbidden_to_other_roles_and_hidden_outside_scope(world: Any) -> None:
    personas = world.personas
    path = f"/batches/{world.batch.pk}/scores"
    body = {"part": "practical", "scores": _sheet((world.result(0).pk, 66))}
    for user in (personas.clerk_a, personas.city_nanjing, world.users["m1"]):
        refused = _post(personas.client_for(user), path, body)
        assert refused.status_code == 403 and refused.json()["code"] == "scoring.forbidden"
    for user in (personas.clerk_b, personas.city_suzhou, personas.candidate):
        assert _post(personas.client_for(user), path, body).status_code == 404
    assert (
        _post(personas.client_for(personas.clerk_a), "/batches/999999/scores", body).status_code
        == 404
    )
    assert world.result(0).practical_score is None


def test_a_bad_score_sheet_is_refused_whole_with_its_code(world: Any) -> None:
    chief = world.personas.client_for(world.users["chief"])
    path = f"/batches/{world.batch.pk}/scores"
    good = world.result(0).pk
    bad = {
        "scoring.result_not_in_batch": {
            "part": "practical",
            "scores": _sheet((good, 66), (10**9, 70)),
        },
        "scoring.score_range": {
            "part": "practical",
            "scores": _sheet((good, 66), (world.result(1).pk, 101)),
        },
        "scoring.part_invalid": {"part": "essay", "scores": _sheet((good, 66))},
        "scoring.result_repeated": {"part": "practical", "scores": _sheet((good, 66), (good, 70))},
    }
    for code, body in bad.items():
        answer = _post(chief, path, body)
        assert answer.status_code == 400, code
        assert answer.json()["code"] == code
        assert answer.json()["message"] and "field" in answer.json()
    assert _post(chief, path, {"part": "practical", "scores": []}).status_code == 422
    assert (
        _post(chief, path, {"part": "practical", "scores": _sheet((good, "六十"))}).status_code
        == 422
    )
    assert Result.objects.filter(batch=world.batch, practical_score__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(action="result.enter_bulk").exists()


def test_the_last_panel_member_completes_the_panel_score_in_one_request(world: Any) -> None:
    target = world.result(4)  # level 2: reviewed by the panel
    first, second, third = world.panel
    panel_mark_submit(result=target, score=70, actor=first.user)
    panel_mark_submit(result=target, score=80, actor=second.user)
    member = world.personas.client_for(third.user)
    answer = _post(
        member, f"/batches/{world.batch.pk}/panel-marks", {"scores": _sheet((target.pk, 75))}
    )
    assert answer.status_code == 200 and answer.json() == {"count": 1}
    target = world.result(4)
    assert (target.panel_score, target.panel_state) == (Decimal("75.0"), PartState.SCORED)
    assert PanelMark.objects.filter(result=target).count() == 3


def test_panel_marks_are_forbidden_to_non_members_and_hidden_outside_scope(world: Any) -> None:
    personas = world.personas
    path = f"/batches/{world.batch.pk}/panel-marks"
    body = {"scores": _sheet((world.result(4).pk, 75))}
    for user in (world.users["chief"], personas.clerk_a, personas.province):
        refused = _post(personas.client_for(user), path, body)
        assert refused.status_code == 403 and refused.json()["code"] == "scoring.forbidden"
    for user in (personas.clerk_b, personas.city_suzhou, personas.candidate):
        assert _post(personas.client_for(user), path, body).status_code == 404
    assert not PanelMark.objects.exists()


def test_a_bad_panel_sheet_is_refused_whole_with_its_code(world: Any) -> None:
    target = world.result(4)
    member = world.panel[0]
    client = world.personas.client_for(member.user)
    path = f"/batches/{world.batch.pk}/panel-marks"
    panel_mark_submit(result=target, score=70, actor=member.user)
    bad = {
        "panel.not_required": _sheet((world.result(0).pk, 80)),
        "panel.mark_twice": _sheet((target.pk, 75)),
        "scoring.result_not_in_batch": _sheet((10**9, 75)),
        "scoring.score_range": _sheet((target.pk, -1)),
        "scoring.result_repeated": _sheet((target.pk, 75), (target.pk, 76)),
    }
    for code, scores in bad.items():
        answer = _post(client, path, {"scores": scores})
        assert answer.status_code == 400, code
        assert answer.json()["code"] == code
    assert PanelMark.objects.filter(result=target).count() == 1
    assert not AuditEvent.objects.filter(action="panel.mark_bulk").exists()


def _items(total: float) -> list[dict[str, Any]]:
    return [
        {"item": "1", "max": 50, "score": total / 2},
        {"item": "2", "max": 50, "score": total / 2},
    ]


def test_an_examiner_submits_their_practical_sheets_in_one_request(world: Any) -> None:
    path = f"/batches/{world.batch.pk}/practical-sheets"
    targets = [world.result(0).pk, world.result(1).pk]
    for examiner, total in zip(world.examiners, (70, 80, 90), strict=True):
        client = world.personas.client_for(examiner.user)
        body = {"sheets": [{"result": pk, "items": _items(total)} for pk in targets]}
        answer = _post(client, path, body)
        assert answer.status_code == 200 and answer.json() == {"count": 2}
    assert Result.objects.get(pk=targets[0]).practical_score == Decimal("80.0")
    assert AuditEvent.objects.filter(action="practical.sheet_bulk").count() == 3


def test_a_bad_practical_sheet_file_is_refused_whole(world: Any) -> None:
    path = f"/batches/{world.batch.pk}/practical-sheets"
    examiner = world.personas.client_for(world.examiners[0].user)
    pk = world.result(0).pk
    repeated = {"sheets": [{"result": pk, "items": _items(70)}] * 2}
    answer = _post(examiner, path, repeated)
    assert answer.status_code == 400 and answer.json()["code"] == "scoring.result_repeated"
    over = {"sheets": [{"result": pk, "items": [{"item": "1", "max": 50, "score": 60}]}]}
    answer = _post(examiner, path, over)
    assert answer.status_code == 400 and answer.json()["code"] == "scoring.score_range"
    chief = world.personas.client_for(world.users["chief"])
    answer = _post(chief, path, {"sheets": [{"result": pk, "items": _items(70)}]})
    assert answer.status_code == 403
    assert not AuditEvent.objects.filter(action="practical.sheet_bulk").exists()
