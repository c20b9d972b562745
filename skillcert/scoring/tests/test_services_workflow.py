"""Double marking, practical and panel scoring, submission and reopening, publication per
district, re-check and registration — each with its bad inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.applications.models import Notification
from skillcert.common.errors import DomainError
from skillcert.scoring.models import (
    BatchDuty,
    BatchStatus,
    Mark,
    PartState,
    Recheck,
    Result,
    ResultBatch,
    ResultStatus,
    Script,
    ScriptStatus,
)
from skillcert.scoring.selectors import marks_for_marker, results_registered
from skillcert.scoring.services import (
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_reopen,
    batch_submit,
    mark_submit,
    panel_mark_submit,
    practical_sheet_submit,
    recheck_complete,
    recheck_request,
    responses_score,
    result_score_enter,
    script_arbitrate,
    scripts_create,
    staff_set,
)
from skillcert.scoring.tests.flows import (
    PUBLISHED_ON,
    mark_as_assigned,
    onsite_report_in,
    score_everything,
    sheets,
)

SYSTEM_TEST = SystemActor("test")


def test_blind_double_marking_third_marker_and_arbitration(world: Any) -> None:
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    created = scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    assert created == 4  # every level-4 candidate × the one subjective item
    scripts = list(Script.objects.order_by("pk"))
    queue = marks_for_marker(person=world.markers[0])
    assert queue.exists() and all(m.score is None for m in queue)
    close, far, very_far = scripts[0], scripts[1], scripts[2]
    mark_as_assigned(close, 1, 50)
    mark_as_assigned(close, 2, 54)
    close.refresh_from_db()
    assert (close.status, close.final_score) == (ScriptStatus.FINAL, Decimal("52.0"))
    result = close.result
    result.refresh_from_db()
    assert (result.theory_state, result.theory_score) == (PartState.SCORED, Decimal("92.0"))

    mark_as_assigned(far, 1, 20)
    mark_as_assigned(far, 2, 50)
    far.refresh_from_db()
    assert far.status == ScriptStatus.NEEDS_THIRD
    third = Mark.objects.get(script=far, round=3)
    assert third.marker_id not in {m.marker_id for m in far.marks.filter(round__lt=3)}
    mark_as_assigned(far, 3, 48)
    far.refresh_from_db()
    assert (far.status, far.final_score) == (ScriptStatus.FINAL, Decimal("49.0"))

    mark_as_assigned(very_far, 1, 0)
    mark_as_assigned(very_far, 2, 60)
    mark_as_assigned(very_far, 3, 30)
    very_far.refresh_from_db()
    assert very_far.status == ScriptStatus.NEEDS_ARBITRATION
    with pytest.raises(DomainError) as err:
        script_arbitrate(script=very_far, score=35, actor=world.users["m1"])
    assert err.value.code == "scoring.forbidden"
    script_arbitrate(script=very_far, score=35, actor=world.users["chief"])
    very_far.refresh_from_db()
    assert very_far.final_score == Decimal("35.0")


def test_marker_cannot_mark_twice_someone_elses_script_or_above_max(world: Any) -> None:
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    mark = Mark.objects.filter(round=1).order_by("pk").first()
    assert mark is not None
    other = next(
        u for k, u in world.users.items() if k.startswith("m") and u.pk != mark.marker.user_id
    )
    marker = mark.marker.user
    assert marker is not None
    for actor, score, code in [
        (other, 10, "scoring.forbidden"),
        (marker, 61, "scoring.score_range"),
        (marker, "abc", "scoring.score_invalid"),
    ]:
        with pytest.raises(DomainError) as err:
            mark_submit(mark=mark, score=score, actor=actor)
        assert err.value.code == code
        mark.refresh_from_db()
        assert mark.score is None
    mark_submit(mark=mark, score=10, actor=marker)
    with pytest.raises(DomainError) as err:
        mark_submit(mark=mark, score=12, actor=marker)
    assert err.value.code == "marking.already_marked"


def test_practical_final_and_examiner_panel_rules(world: Any) -> None:
    result = world.result(0)
    sheets(world, result, [70, 80, 90])
    result.refresh_from_db()
    assert (result.practical_state, result.practical_score) == (PartState.SCORED, Decimal("80.0"))
    assert result.practical_sheets.count() == 3
    with pytest.raises(DomainError) as err:
        staff_set(
            batch=world.batch,
            duty=BatchDuty.PRACTICAL,
            people=world.examiners[:2],
            actor=world.personas.clerk_a,
        )
    assert err.value.code == "panel.size"
    for score, user, code in [(101, "e1", "scoring.score_range"), (60, "m1", "scoring.forbidden")]:
        with pytest.raises(DomainError) as err:
            practical_sheet_submit(
                result=world.result(1),
                items=[{"item": "1", "max": 100, "score": score}],
                actor=world.users[user],
            )
        assert err.value.code == code
    assert not world.result(1).practical_sheets.exists()


def test_panel_review_only_for_levels_two_and_one(world: Any) -> None:
    with pytest.raises(DomainError) as err:
        panel_mark_submit(result=world.result(0), score=80, actor=world.users["p1"])
    assert err.value.code == "panel.not_required"
    for member, score in zip(world.panel, [70, 80, 75], strict=True):
        panel_mark_submit(result=world.result(4), score=score, actor=member.user)
    assert world.result(4).panel_score == Decimal("75.0")


def _submit_reopen_and_submit_again(world: Any) -> ResultBatch:
    chief = world.users["chief"]
    with pytest.raises(DomainError) as err:
        batch_submit(batch=world.batch, actor=chief)
    assert err.value.code == "scoring.entry_incomplete"
    assert world.batch.status == BatchStatus.ENTERING
    score_everything(world)
    with pytest.raises(DomainError) as err:
        batch_submit(batch=world.batch, actor=world.personas.clerk_a)
    assert err.value.code == "scoring.forbidden"
    batch = batch_submit(batch=world.batch, actor=chief)
    assert batch.status == BatchStatus.SUBMITTED
    absent = world.result(4)
    assert (absent.passed, absent.decision_note) == (False, "理论知识缺考")
    assert world.result(0).passed  # theory 40+42=82, practical 80
    assert not world.result(3).passed  # theory 10+42=52
    # locked after submission
    with pytest.raises(DomainError) as err:
        result_score_enter(result=world.result(3), part="practical", score=90, actor=chief)
    assert err.value.code == "scoring.entry_locked"
    with pytest.raises(DomainError) as err:
        batch_reopen(batch=batch, reason="", actor=world.personas.province)
    assert err.value.code == "scoring.reason_required"
    with pytest.raises(DomainError) as err:
        batch_reopen(batch=batch, reason="更正", actor=world.personas.clerk_a)
    assert err.value.code == "scoring.forbidden"
    batch = batch_reopen(batch=batch, reason="更正录入错误", actor=world.personas.city_nanjing)
    assert batch.status == BatchStatus.ENTERING
    return batch_submit(batch=batch, actor=chief)


def _publish_by_district(world: Any, batch: ResultBatch, capture: Any) -> None:
    # a postponed district publishes later
    Result.objects.filter(batch=batch).update(district="南京考区")
    Result.objects.filter(pk=world.result(3).pk).update(district="延期考区")
    with capture(execute=True):
        pub = batch_publish(
            batch=batch, district="南京考区", actor=world.personas.clerk_a, today=PUBLISHED_ON
        )
    assert pub.count == 4
    assert world.result(3).status == ResultStatus.SUBMITTED
    with pytest.raises(DomainError) as err:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a, today=PUBLISHED_ON)
    assert err.value.code == "registration.unpublished"
    later = batch_publish(
        batch=batch, district="延期考区", actor=world.personas.clerk_a, today=PUBLISHED_ON
    )
    assert later.count == 1
    with pytest.raises(DomainError) as err:
        batch_publish(
            batch=batch, district="延期考区", actor=world.personas.clerk_a, today=PUBLISHED_ON
        )
    assert err.value.code == "scoring.nothing_to_publish"
    assert Notification.objects.filter(subject="成绩已发布").count() == 4


def _recheck_within_window(world: Any, batch: ResultBatch, capture: Any) -> Recheck:
    own = world.result(0)
    assert own.recheck_closes_on is not None and own.recheck_closes_on > PUBLISHED_ON
    with pytest.raises(DomainError) as err:
        recheck_request(
            result=own, subject="theory", actor=world.personas.clerk_a, today=PUBLISHED_ON
        )
    assert err.value.code == "scoring.forbidden"
    with pytest.raises(DomainError) as err:
        recheck_request(
            result=own, subject="panel", actor=world.personas.candidate, today=PUBLISHED_ON
        )
    assert err.value.code == "recheck.subject_not_scored"
    with pytest.raises(DomainError) as err:
        recheck_request(
            result=own,
            subject="theory",
            actor=world.personas.candidate,
            today=own.recheck_closes_on + dt.timedelta(days=1),
        )
    assert err.value.code == "recheck.window_closed"
    recheck = recheck_request(
        result=own, subject="practical", actor=world.personas.candidate, today=PUBLISHED_ON
    )
    with pytest.raises(DomainError) as err:
        recheck_request(
            result=own, subject="practical", actor=world.personas.candidate, today=PUBLISHED_ON
        )
    assert err.value.code == "recheck.duplicate"
    with pytest.raises(DomainError) as err:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a, today=PUBLISHED_ON)
    assert err.value.code == "registration.recheck_window_open"
    # a recorded total that does not add up is re-added and corrected (no re-marking)
    Result.objects.filter(pk=own.pk).update(practical_score=Decimal("70.0"))
    with capture(execute=True):
        done = recheck_complete(recheck=recheck, actor=world.personas.clerk_a)
    assert (done.before, done.after, done.changed) == (Decimal("70.0"), Decimal("80.0"), True)
    assert world.result(0).practical_score == Decimal("80.0")
    assert Notification.objects.filter(subject="成绩复查结果").count() == 1
    return recheck


def _register_after_the_window(world: Any, batch: ResultBatch, recheck: Recheck) -> None:
    own = world.result(0)
    after = own.recheck_closes_on + dt.timedelta(days=1)
    with pytest.raises(DomainError) as err:
        batch_registration_submit(batch=batch, actor=world.personas.clerk_a, today=after)
    assert err.value.code == "registration.supervisor_report_missing"
    assert "尚未派遣现场质量督导员" in err.value.message
    onsite_report_in(world.plan, officer=world.personas.province)
    with pytest.raises(DomainError) as err:
        batch_register(batch=batch, actor=world.personas.province)
    assert err.value.code == "status.transition_not_allowed"
    batch = batch_registration_submit(batch=batch, actor=world.personas.clerk_a, today=after)
    with pytest.raises(DomainError) as err:
        batch_register(batch=batch, actor=world.personas.clerk_a)
    assert err.value.code == "scoring.forbidden"
    batch = batch_register(batch=batch, actor=world.personas.province)
    assert batch.status == BatchStatus.REGISTERED
    registered = list(results_registered(plan=world.plan))
    assert {r.application_id for r in registered} == {
        r.application_id for r in Result.objects.filter(passed=True)
    }
    assert all(r.status == ResultStatus.REGISTERED and r.registered_at for r in registered)
    with pytest.raises(DomainError) as err:
        recheck_complete(recheck=Recheck(pk=recheck.pk), actor=world.personas.clerk_a)
    assert err.value.code == "recheck.done"


def test_submit_publish_recheck_register_end_to_end(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    batch = _submit_reopen_and_submit_again(world)
    _publish_by_district(world, batch, django_capture_on_commit_callbacks)
    recheck = _recheck_within_window(world, batch, django_capture_on_commit_callbacks)
    _register_after_the_window(world, batch, recheck)


def test_marking_progress_is_counted_under_chinese_status_names(world: Any) -> None:
    from skillcert.scoring.selectors import script_progress

    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    first = Script.objects.order_by("pk").first()
    assert first is not None
    mark_as_assigned(first, 1, 50)
    mark_as_assigned(first, 2, 54)
    assert script_progress(batch=world.batch) == {"已定分": 1, "双评中": 3}
