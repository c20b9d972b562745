"""The scoring forms: result entry by the dedicated account, submission and reopening,
publication per district, registration, re-checks, practical sheets and panel marks — each
with its bad input (message, nothing changed), its wrong role (403) and its outside-scope
user (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.scoring.models import (
    BatchStatus,
    EnterpriseScheme,
    PanelMark,
    PartState,
    PracticalSheet,
    Recheck,
    RecheckStatus,
    Result,
    ResultBatch,
    ResultStatus,
    Script,
    ScriptStatus,
)
from skillcert.scoring.services import (
    recheck_request,
    responses_score,
    scripts_create,
)
from skillcert.scoring.tests.flows import (
    PUBLISHED_ON,
    mark_as_assigned,
    norm_in_force,
    onsite_report_in,
    published_batch,
    score_everything,
    submitted_batch,
)

SYSTEM_TEST = SystemActor("test")


def _batch_action(world: Any, action: str) -> str:
    name = {"return": "batch_registration_return"}.get(action, f"batch_{action}")
    return reverse(f"scoring:{name}", args=[world.batch.pk])


def _status(world: Any) -> str:
    return ResultBatch.objects.get(pk=world.batch.pk).status


# --- result entry by the dedicated account -------------------------------------------------


def test_entry_account_enters_score_and_state_then_submits(world: Any) -> None:
    score_everything(world)
    chief = world.personas.client_for(world.users["chief"])
    page = chief.get(reverse("scoring:entry", args=[world.batch.pk]))
    assert page.status_code == 200 and world.candidates[3].full_name in page.content.decode()
    target = world.result(3)
    response = chief.post(
        reverse("scoring:result_enter", args=[target.pk]),
        {"part": "practical", "score": "85.5"},
    )
    assert response.status_code == 302
    assert world.result(3).practical_score == Decimal("85.5")
    assert AuditEvent.objects.filter(action="result.enter", object_id=str(target.pk)).exists()
    response = chief.post(
        reverse("scoring:result_state", args=[target.pk]),
        {"part": "practical", "state": "voided", "reason": "夹带"},
    )
    assert world.result(3).practical_state == PartState.VOIDED
    submitted = chief.post(_batch_action(world, "submit"), follow=True)
    assert "成绩已提交，录入已锁定" in submitted.content.decode()
    assert _status(world) == BatchStatus.SUBMITTED
    assert world.result(3).decision_note == "操作技能违纪作废"


def test_entry_rejects_out_of_range_score_and_unknown_state_naming_the_field(world: Any) -> None:
    chief = world.personas.client_for(world.users["chief"])
    target = world.result(0)
    too_high = chief.post(
        reverse("scoring:result_enter", args=[target.pk]),
        {"part": "practical", "score": "120"},
        follow=True,
    ).content.decode()
    assert "成绩：" in too_high
    unknown = chief.post(
        reverse("scoring:result_state", args=[target.pk]),
        {"part": "practical", "state": "zero"},
        follow=True,
    ).content.decode()
    assert "状态：" in unknown
    fresh = world.result(0)
    assert (fresh.practical_score, fresh.practical_state) == (None, PartState.PENDING)
    assert not AuditEvent.objects.filter(action__in=["result.enter", "result.part_state"]).exists()


def test_submitting_an_incomplete_batch_reports_the_candidate_and_stays_open(world: Any) -> None:
    chief = world.personas.client_for(world.users["chief"])
    page = chief.post(_batch_action(world, "submit"), follow=True).content.decode()
    assert "尚未评定" in page
    assert _status(world) == BatchStatus.ENTERING


def test_entry_is_forbidden_to_other_roles_and_hidden_outside_scope(world: Any) -> None:
    url = reverse("scoring:entry", args=[world.batch.pk])
    personas = world.personas
    assert personas.client_for(personas.clerk_a).get(url).status_code == 403
    assert personas.client_for(world.users["m1"]).get(url).status_code == 403
    assert personas.client_for(personas.clerk_b).get(url).status_code == 404
    assert personas.client_for(personas.candidate).get(url).status_code == 404
    clerk = personas.client_for(personas.clerk_a)
    enter = reverse("scoring:result_enter", args=[world.result(0).pk])
    response = clerk.post(enter, {"part": "practical", "score": "70"})
    assert response.status_code == 403
    assert world.result(0).practical_score is None
    other = personas.client_for(personas.clerk_b).post(enter, {"part": "practical", "score": "70"})
    assert other.status_code == 404


def test_enterprise_entry_account_records_four_dimensions(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, batch = enterprise
    norm_in_force(plan=plan, occupation=hr, personas=personas)
    assert EnterpriseScheme.objects.filter(plan=plan).exists()
    client = personas.client_for(personas.clerk_a)
    page = client.get(reverse("scoring:entry", args=[batch.pk])).content.decode()
    assert "职业能力" in page
    result = Result.objects.get(application=apps[0])
    url = reverse("scoring:result_evaluate", args=[result.pk])
    scores = {"conduct": "90", "ability": "80", "performance": "70", "contribution": "60"}
    bad = client.post(url, scores | {"conduct": "abc"}, follow=True).content.decode()
    assert "品德：" in bad
    result.refresh_from_db()
    assert result.weighted_score is None
    client.post(url, scores)
    result.refresh_from_db()
    assert (result.weighted_score, result.passed) == (Decimal("77.0"), True)


# --- reopening, publication and registration ---------------------------------------------


def test_officer_reopens_with_reason_org_may_not(world: Any) -> None:
    submitted_batch(world)
    personas = world.personas
    url = _batch_action(world, "reopen")
    forbidden = personas.client_for(personas.clerk_a).post(url, {"reason": "更正"})
    assert forbidden.status_code == 403
    officer = personas.client_for(personas.city_nanjing)
    missing = officer.post(url, {"reason": ""}, follow=True).content.decode()
    assert "原因：" in missing
    assert _status(world) == BatchStatus.SUBMITTED
    assert officer.post(url, {"reason": "理论成绩录入错误"}).status_code == 302
    assert _status(world) == BatchStatus.ENTERING
    event = AuditEvent.objects.get(action="result_batch.reopen")
    assert event.changes["reason"] == "理论成绩录入错误"
    assert personas.client_for(personas.city_suzhou).post(url, {"reason": "x"}).status_code == 404


def test_publish_rejects_an_overlong_district_naming_the_field(world: Any) -> None:
    submitted_batch(world)
    clerk = world.personas.client_for(world.personas.clerk_a)
    page = clerk.post(_batch_action(world, "publish"), {"district": "考" * 61}, follow=True)
    assert "考区：" in page.content.decode()
    assert _status(world) == BatchStatus.SUBMITTED


def test_registration_submit_return_and_register(world: Any) -> None:
    published_batch(world)
    personas = world.personas
    clerk = personas.client_for(personas.clerk_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    Result.objects.filter(batch=world.batch).update(recheck_closes_on=tomorrow)
    early = clerk.post(_batch_action(world, "registration_submit"), follow=True).content.decode()
    assert "复查期" in early and _status(world) == BatchStatus.PUBLISHED
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Result.objects.filter(batch=world.batch).update(recheck_closes_on=yesterday)
    unreported = clerk.post(_batch_action(world, "registration_submit"), follow=True)
    assert "现场质量督导报告" in unreported.content.decode()
    assert _status(world) == BatchStatus.PUBLISHED
    onsite_report_in(world.plan, officer=personas.city_nanjing)
    clerk.post(_batch_action(world, "registration_submit"))
    assert _status(world) == BatchStatus.REGISTRATION

    assert clerk.post(_batch_action(world, "register")).status_code == 403
    officer = personas.client_for(personas.city_nanjing)
    page = officer.get(reverse("scoring:batch", args=[world.batch.pk])).content.decode()
    assert "确认登记备案" in page and "退回登记备案" in page
    no_reason = officer.post(_batch_action(world, "return"), {"reason": " "}, follow=True)
    assert "原因" in no_reason.content.decode() and _status(world) == BatchStatus.REGISTRATION
    officer.post(_batch_action(world, "return"), {"reason": "复查材料不全"})
    assert _status(world) == BatchStatus.PUBLISHED
    assert AuditEvent.objects.get(action="result_batch.registration_return").changes["reason"] == (
        "复查材料不全"
    )

    clerk.post(_batch_action(world, "registration_submit"))
    officer.post(_batch_action(world, "register"))
    assert _status(world) == BatchStatus.REGISTERED
    assert (
        not Result.objects.filter(batch=world.batch)
        .exclude(status=ResultStatus.REGISTERED)
        .exists()
    )


def test_unknown_batch_action_is_404(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    url = reverse("scoring:batch", args=[world.batch.pk]) + "delete/"
    assert clerk.post(url).status_code == 404


# --- re-checks --------------------------------------------------------------------------


def _requested(world: Any) -> Recheck:
    batch = published_batch(world)
    own = world.result(0)
    recheck = recheck_request(
        result=own, subject="practical", actor=world.personas.candidate, today=PUBLISHED_ON
    )
    assert batch.status == BatchStatus.PUBLISHED
    # a recorded total that does not add up: the re-check re-adds the examiners' sheets
    Result.objects.filter(pk=own.pk).update(practical_score=Decimal("70.0"))
    return recheck


def test_recheck_is_listed_and_completed_by_re_adding_the_marks(world: Any) -> None:
    recheck = _requested(world)
    clerk = world.personas.client_for(world.personas.clerk_a)
    page = clerk.get(reverse("scoring:batch", args=[world.batch.pk]))
    assert recheck in list(page.context["rechecks"])
    assert "复核加分并办结" in page.content.decode()
    url = reverse("scoring:recheck_complete", args=[recheck.pk])
    done = clerk.post(url, {"outcome": ""}, follow=True).content.decode()
    assert "复查已办结" in done
    recheck.refresh_from_db()
    assert (recheck.status, recheck.before, recheck.after) == (
        RecheckStatus.COMPLETED,
        Decimal("70.0"),
        Decimal("80.0"),
    )
    assert world.result(0).practical_score == Decimal("80.0")
    # no re-marking: the examiners' sheets are those they submitted
    assert PracticalSheet.objects.filter(result=world.result(0)).count() == 3
    twice = clerk.post(url, {"outcome": ""}, follow=True).content.decode()
    assert "该复查已办结" in twice


def test_recheck_completion_forbidden_to_the_candidate_hidden_from_other_orgs(world: Any) -> None:
    recheck = _requested(world)
    url = reverse("scoring:recheck_complete", args=[recheck.pk])
    personas = world.personas
    assert personas.client_for(personas.candidate).post(url).status_code == 403
    assert personas.client_for(personas.clerk_b).post(url).status_code == 404
    too_long = personas.client_for(personas.clerk_a).post(url, {"outcome": "无" * 301}, follow=True)
    assert "复查结论：" in too_long.content.decode()
    recheck.refresh_from_db()
    assert recheck.status == RecheckStatus.REQUESTED


# --- practical examiners and the panel -------------------------------------------------------


def test_practical_examiner_submits_a_sheet_by_candidate_id(world: Any) -> None:
    client = world.personas.client_for(world.users["e1"])
    url = reverse("scoring:practical", args=[world.batch.pk])
    page = client.get(url).content.decode()
    target = world.result(0)
    assert target.candidate_ref in page and world.candidates[0].full_name not in page
    bad = client.post(url, {"result": target.pk, "items": "1 50"}, follow=True).content.decode()
    assert "第 1 行格式不对" in bad
    over = client.post(url, {"result": target.pk, "items": "1 50 60"}, follow=True)
    assert "items[1].score" in over.content.decode()
    assert not PracticalSheet.objects.exists()
    client.post(url, {"result": target.pk, "items": "1 50 35\n2 50 40"})
    sheet = PracticalSheet.objects.get(result=target)
    assert sheet.total == Decimal("75.0") and len(sheet.items) == 2


def test_practical_page_forbidden_to_markers_and_hidden_outside_scope(world: Any) -> None:
    url = reverse("scoring:practical", args=[world.batch.pk])
    assert world.personas.client_for(world.users["m1"]).get(url).status_code == 403
    assert world.personas.client_for(world.personas.clerk_b).get(url).status_code == 404


def test_panel_member_marks_level_two_candidates_only(world: Any) -> None:
    client = world.personas.client_for(world.users["p1"])
    url = reverse("scoring:panel", args=[world.batch.pk])
    page = client.get(url)
    assert [r.pk for r, _ in page.context["rows"]] == [world.result(4).pk]
    over = client.post(url, {"result": world.result(4).pk, "score": "101"}, follow=True)
    assert "评分：" in over.content.decode() and not PanelMark.objects.exists()
    level_four = client.post(url, {"result": world.result(0).pk, "score": "80"}, follow=True)
    assert "只有二级、一级需要综合评审" in level_four.content.decode()
    client.post(url, {"result": world.result(4).pk, "score": "80", "note": "答辩清楚"})
    assert PanelMark.objects.get(result=world.result(4)).score == Decimal("80.0")
    assert world.personas.client_for(world.users["e1"]).get(url).status_code == 403


def test_work_page_links_each_duty(world: Any) -> None:
    entry = reverse("scoring:entry", args=[world.batch.pk])
    practical = reverse("scoring:practical", args=[world.batch.pk])
    chief = world.personas.client_for(world.users["chief"]).get(reverse("scoring:work"))
    assert entry in chief.content.decode()
    examiner = world.personas.client_for(world.users["e1"]).get(reverse("scoring:work"))
    assert practical in examiner.content.decode() and entry not in examiner.content.decode()
    nobody = world.personas.client_for(world.personas.candidate).get(reverse("scoring:work"))
    assert nobody.context["rows"] == []


def test_batch_page_offers_only_the_steps_of_the_users_role(world: Any) -> None:
    url = reverse("scoring:batch", args=[world.batch.pk])
    personas = world.personas
    entering = personas.client_for(personas.clerk_a).get(url)
    assert not entering.context["can_publish"]
    submitted_batch(world)
    clerk = personas.client_for(personas.clerk_a).get(url)
    assert clerk.context["can_publish"] and "重新开放录入" not in clerk.content.decode()
    officer = personas.client_for(personas.city_nanjing).get(url)
    assert "重新开放录入" in officer.content.decode()


def test_chief_marker_arbitrates_from_the_marking_page_by_blind_code(world: Any) -> None:
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    script = Script.objects.order_by("pk").first()
    assert script is not None
    for round_, score in ((1, 0), (2, 60), (3, 30)):
        mark_as_assigned(script, round_, score)
    url = reverse("scoring:marking")
    chief = world.personas.client_for(world.users["chief"])
    page = chief.get(url)
    assert list(page.context["arbitration"]) == [script]
    assert script.blind_code in page.content.decode()
    assert world.candidates[0].full_name not in page.content.decode()
    over = chief.post(url, {"script": script.pk, "score": "61"}, follow=True)
    assert over.status_code == 200 and "0 到 60" in over.content.decode()
    script.refresh_from_db()
    assert script.status == ScriptStatus.NEEDS_ARBITRATION
    assert chief.post(url, {"script": script.pk, "score": "35"}).status_code == 302
    script.refresh_from_db()
    assert (script.status, script.final_score) == (ScriptStatus.FINAL, Decimal("35.0"))
    marker = world.personas.client_for(world.users["m1"])
    assert marker.post(url, {"script": script.pk, "score": "30"}).status_code == 404
