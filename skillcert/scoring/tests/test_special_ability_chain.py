"""A 专项职业能力考核 end to end (seed 004 §一): offered by a plan without a level, applied for
without one, its result carries none, and the registered passing result is issued a
专项职业能力证书 whose number's level digit is 0."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillcert.applications.models import Application, Status
from skillcert.certificates.services import certificate_issue
from skillcert.plans.models import EvaluationPlan, PlanKind, PlanOffering
from skillcert.plans.tests.factories import make_candidate
from skillcert.scoring.models import Result
from skillcert.scoring.services import (
    batch_entry_account_set,
    batch_open,
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    result_evaluate_enterprise,
)
from skillcert.scoring.tests.flows import norm_in_force

POST = {"start": "2019-01-01", "end": None, "occupation_name": "招聘专员"}


def test_special_ability_result_is_issued_a_certificate_without_a_level(
    plan: Any, special: Any, personas: Any
) -> None:
    EvaluationPlan.objects.filter(pk=plan.pk).update(kind=PlanKind.ENTERPRISE, method="process")
    plan.refresh_from_db()
    PlanOffering.objects.create(plan=plan, occupation=special, level=None)
    application = Application.objects.create(
        plan=plan,
        candidate=make_candidate(61),
        occupation=special,
        level=None,
        status=Status.APPROVED,
        profile_snapshot={"work": [POST]},
    )
    clerk = personas.clerk_a
    batch = batch_open(plan=plan, actor=clerk)
    batch_entry_account_set(batch=batch, user=clerk, actor=clerk)
    result = Result.objects.get(application=application)
    assert result.level is None and result.get_level_display() == "专项职业能力（不设等级）"

    norm_in_force(plan=plan, occupation=special, personas=personas)
    scores = {"品德": 90, "职业能力": 80, "工作业绩": 70, "社会贡献": 60}
    assert result_evaluate_enterprise(result=result, scores=scores, actor=clerk).passed
    batch_submit(batch=batch, actor=clerk)
    batch_publish(batch=batch, actor=clerk, today=dt.date(2026, 3, 2))
    batch_registration_submit(batch=batch, actor=clerk, today=dt.date(2026, 6, 1))
    batch_register(batch=batch, actor=personas.province)

    result.refresh_from_db()
    certificate = certificate_issue(result=result, actor=clerk, issue_date=dt.date(2026, 6, 10))
    assert (certificate.level, certificate.level_text, certificate.title) == (
        None,
        "",
        "专项职业能力证书",
    )
    assert certificate.number[13:16] == "260" and len(certificate.number) == 22
