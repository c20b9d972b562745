"""Steps that bring the `world` fixture's batch to a given state through the services (shared
by the service, page, API and concurrency tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillcert.accounts.actors import Actor, SystemActor
from skillcert.accounts.services import user_create
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_person
from skillcert.scoring.models import EnterpriseScheme, Mark, Result, ResultBatch, Script
from skillcert.scoring.services import (
    batch_publish,
    batch_submit,
    enterprise_scheme_set,
    mark_submit,
    panel_mark_submit,
    practical_sheet_submit,
    responses_score,
    result_part_state_set,
    result_score_enter,
    scripts_create,
)
from skillcert.scoring.services.enterprise import (
    enterprise_scheme_acknowledge,
    enterprise_scheme_file,
)
from skillcert.supervision.models import Visit
from skillcert.supervision.services import (
    onsite_supervisor_appoint,
    visit_checklist_save,
    visit_report_submit,
)

PUBLISHED_ON = dt.date(2026, 3, 2)
WEIGHTS = {"品德": 0.2, "职业能力": 0.4, "工作业绩": 0.3, "社会贡献": 0.1}
EVIDENCE = {
    "品德": ["peer_review", "opinion_survey"],
    "职业能力": ["assessment"],
    "工作业绩": ["production_records"],
    "社会贡献": ["self_assessment"],
}

SYSTEM_TEST = SystemActor("test")

# The scope an enterprise norm is filed with; the `enterprise` fixture's candidates work as
# NORM_POSTS[0] (their application's profile snapshot).
NORM_POSTS = ["招聘专员", "薪酬专员"]
NORM_COMPANIES = ["本企业", "省内同类制造企业"]


def scheme_set(
    *, plan: EvaluationPlan, occupation: Any, actor: Actor, **changes: Any
) -> EnterpriseScheme:
    """Set the plan's enterprise scheme for `occupation`: process evaluation with WEIGHTS and
    EVIDENCE unless `changes` (methods, pass_mark, candidate_kinds, ...) say otherwise."""
    args: dict[str, Any] = {"methods": ["process"], "weights": WEIGHTS, "evidence": EVIDENCE}
    return enterprise_scheme_set(plan=plan, occupation=occupation, actor=actor, **args | changes)


def norm_in_force(
    *, plan: EvaluationPlan, occupation: Any, personas: Any, **changes: Any
) -> EnterpriseScheme:
    """The scheme set by clerk_a (`scheme_set`), filed as a norm and acknowledged by the
    province: what evaluating an enterprise's candidates needs."""
    scheme_set(plan=plan, occupation=occupation, actor=personas.clerk_a, **changes)
    return norm_acknowledge(plan=plan, occupation=occupation, personas=personas)


def norm_acknowledge(*, plan: EvaluationPlan, occupation: Any, personas: Any) -> EnterpriseScheme:
    """File the plan's scheme for `occupation` as a norm (NORM_POSTS, NORM_COMPANIES) and have
    the province acknowledge it: what an enterprise evaluation needs (seed 004 §六)."""
    scheme = EnterpriseScheme.objects.get(plan=plan, occupation=occupation)
    scheme = enterprise_scheme_file(
        scheme=scheme, posts=NORM_POSTS, companies=NORM_COMPANIES, actor=personas.clerk_a
    )
    return enterprise_scheme_acknowledge(scheme=scheme, actor=personas.province)


def onsite_report_in(plan: EvaluationPlan, *, officer: Any) -> Visit:
    """What registering a social assessment's results needs (issue #23): `officer` appoints
    an external on-site quality supervisor (who has an account) and the supervisor answers
    the checklist and submits the report. The one place tests bring this about."""
    occupation = plan.offerings.select_related("occupation").first()
    assert occupation is not None
    seq = 700 + plan.pk % 97
    person = make_person(
        seq,
        roles=[("supervisor_external", occupation.occupation, 1, 5)],
        name=f"现场督导{plan.pk}",
    )
    person.user = user_create(
        username=f"onsite{plan.pk}",
        password="Onsite-Report-2026",
        full_name=person.name,
        actor=SYSTEM_TEST,
    )
    person.save(update_fields=["user"])
    visit = onsite_supervisor_appoint(plan=plan, person=person, actor=officer)
    visit_checklist_save(
        visit=visit, answers={i["code"]: ("yes", "") for i in visit.checklist}, actor=person.user
    )
    return visit_report_submit(
        visit=visit, rating="pass", report="考务组织规范，未发现问题", actor=person.user
    )


def mark_as_assigned(script: Script, round_: int, score: float) -> None:
    mark = Mark.objects.get(script=script, round=round_)
    marker = mark.marker.user
    assert marker is not None
    mark_submit(mark=mark, score=score, actor=marker)


def sheets(world: Any, result: Result, totals: list[float]) -> None:
    for examiner, total in zip(world.examiners, totals, strict=True):
        practical_sheet_submit(
            result=result,
            items=[
                {"item": "1", "max": 50, "score": total / 2},
                {"item": "2", "max": 50, "score": total / 2},
            ],
            actor=examiner.user,
        )


def score_everything(world: Any) -> None:
    """Candidates 0–3 (level 4): objective + subjective 40/44 → theory, practical 70/80/90;
    candidate 4 (level 2): theory absent, practical 66 entered, panel 75."""
    chief = world.users["chief"]
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    result_part_state_set(result=world.result(4), part="theory", state="absent", actor=chief)
    scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    for script in Script.objects.order_by("pk"):
        mark_as_assigned(script, 1, 40)
        mark_as_assigned(script, 2, 44)
    for index in range(4):
        sheets(world, world.result(index), [70, 80, 90])
    for member in world.panel:
        panel_mark_submit(result=world.result(4), score=75, actor=member.user)
    result_score_enter(result=world.result(4), part="practical", score=66, actor=chief)


def submitted_batch(world: Any) -> ResultBatch:
    score_everything(world)
    return batch_submit(batch=world.batch, actor=world.users["chief"])


def published_batch(world: Any) -> ResultBatch:
    batch = submitted_batch(world)
    batch_publish(batch=batch, actor=world.personas.clerk_a, today=PUBLISHED_ON)
    batch.refresh_from_db()
    return batch
