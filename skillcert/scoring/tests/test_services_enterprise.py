"""Enterprise self-evaluation (four dimensions, 品德 veto), competition and direct channel,
all registered through the same path with their route."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from skillcert.applications.models import Application, Status
from skillcert.common.errors import DomainError
from skillcert.plans.models import EvaluationPlan, PlanKind
from skillcert.plans.tests.factories import make_candidate
from skillcert.scoring.models import EnterpriseScheme, Result, Route
from skillcert.scoring.selectors import results_registered
from skillcert.scoring.services import (
    batch_entry_account_set,
    batch_open,
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    enterprise_scheme_set,
    result_evaluate_enterprise,
    result_recognise,
)

WEIGHTS = {"品德": 0.2, "职业能力": 0.4, "工作业绩": 0.3, "社会贡献": 0.1}
EVIDENCE = {
    "品德": ["peer_review", "opinion_survey"],
    "职业能力": ["assessment"],
    "工作业绩": ["production_records"],
    "社会贡献": ["self_assessment"],
}


@pytest.fixture
def enterprise(plan: EvaluationPlan, hr: Any, personas: Any) -> Any:
    EvaluationPlan.objects.filter(pk=plan.pk).update(kind=PlanKind.ENTERPRISE, method="process")
    plan.refresh_from_db()
    apps = [
        Application.objects.create(
            plan=plan,
            candidate=make_candidate(40 + i),
            occupation=hr,
            level=4,
            status=Status.APPROVED,
        )
        for i in range(3)
    ]
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    batch_entry_account_set(batch=batch, user=personas.clerk_a, actor=personas.clerk_a)
    return plan, apps, batch


def test_four_dimensions_with_conduct_veto_and_routes_registered(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, batch = enterprise
    clerk = personas.clerk_a
    enterprise_scheme_set(
        plan=plan,
        occupation=hr,
        methods=["process", "performance"],
        weights=WEIGHTS,
        evidence=EVIDENCE,
        candidate_kinds=["employee", "apprentice"],
        actor=clerk,
    )
    results = [Result.objects.get(application=a) for a in apps]
    assert {r.route for r in results} == {Route.SELF_EVALUATION}
    good = result_evaluate_enterprise(
        result=results[0],
        scores={"品德": 90, "职业能力": 80, "工作业绩": 70, "社会贡献": 60},
        actor=clerk,
    )
    assert good.passed and str(good.weighted_score) == "77.0"  # 18 + 32 + 21 + 6
    vetoed = result_evaluate_enterprise(
        result=results[1],
        scores={"品德": 50, "职业能力": 100, "工作业绩": 100, "社会贡献": 100},
        actor=clerk,
    )
    assert not vetoed.passed and "一票否决" in vetoed.decision_note
    with pytest.raises(DomainError) as err:
        result_recognise(
            result=results[2],
            route=Route.DIRECT,
            passed=True,
            note="人社直评〔2026〕1号",
            actor=clerk,
        )
    assert err.value.code == "scoring.forbidden"
    direct = result_recognise(
        result=results[2],
        route=Route.DIRECT,
        passed=True,
        note="人社直评〔2026〕1号",
        actor=personas.province,
    )
    assert direct.route == Route.DIRECT
    batch_submit(batch=batch, actor=clerk)
    batch_publish(batch=batch, actor=clerk, today=dt.date(2026, 3, 2))
    batch_registration_submit(batch=batch, actor=clerk, today=dt.date(2026, 6, 1))
    batch_register(batch=batch, actor=personas.province)
    registered = {
        r.application_id: r.route for r in results_registered(organization=personas.org_a)
    }
    assert registered == {apps[0].pk: Route.SELF_EVALUATION, apps[2].pk: Route.DIRECT}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"methods": []}, "enterprise.methods"),
        ({"methods": ["exam"]}, "enterprise.methods"),
        ({"weights": {**WEIGHTS, "品德": 0.5}}, "enterprise.weights"),
        ({"weights": {**WEIGHTS, "品德": "x"}}, "enterprise.weights"),
        ({"evidence": {**EVIDENCE, "品德": ["gossip"]}}, "enterprise.evidence"),
        ({"candidate_kinds": ["stranger"]}, "enterprise.candidate_kinds"),
    ],
)
def test_scheme_rejects_bad_design(
    enterprise: Any, hr: Any, personas: Any, kwargs: Any, code: str
) -> None:
    plan, _, _ = enterprise
    args: dict[str, Any] = {
        "plan": plan,
        "occupation": hr,
        "methods": ["process"],
        "weights": WEIGHTS,
        "evidence": EVIDENCE,
        "actor": personas.clerk_a,
    } | kwargs
    with pytest.raises(DomainError) as err:
        enterprise_scheme_set(**args)
    assert err.value.code == code
    assert not EnterpriseScheme.objects.exists()


def test_evaluation_needs_scheme_and_all_dimensions(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    _, apps, _ = enterprise
    result = Result.objects.get(application=apps[0])
    with pytest.raises(DomainError) as err:
        result_evaluate_enterprise(
            result=result, scores=dict.fromkeys(WEIGHTS, 80), actor=personas.clerk_a
        )
    assert err.value.code == "enterprise.scheme_missing"
    with pytest.raises(DomainError) as err:
        result_evaluate_enterprise(result=result, scores={"品德": 80}, actor=personas.clerk_a)
    assert err.value.code == "scoring.score_invalid"
    result.refresh_from_db()
    assert result.weighted_score is None
