"""Enterprise self-evaluation (four dimensions, 品德 veto), competition and direct channel,
all registered through the same path with their route."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.common.errors import DomainError
from skillcert.scoring.models import EnterpriseScheme, Result, Route
from skillcert.scoring.selectors import results_registered
from skillcert.scoring.services import (
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    result_evaluate_enterprise,
    result_recognise,
)
from skillcert.scoring.tests.flows import EVIDENCE, WEIGHTS, norm_in_force, scheme_set


def test_four_dimensions_with_conduct_veto_and_routes_registered(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, batch = enterprise
    clerk = personas.clerk_a
    norm_in_force(
        plan=plan,
        occupation=hr,
        personas=personas,
        methods=["process", "performance"],
        candidate_kinds=["employee", "apprentice"],
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
    Result.objects.filter(pk=results[2].pk).update(level=3)  # 直评: levels 3 to 1 only
    with pytest.raises(DomainError) as err:
        result_recognise(
            result=results[2],
            route=Route.DIRECT,
            passed=True,
            note="人社直评〔2026〕1号",
            evidence=SimpleUploadedFile("决定.pdf", b"%PDF-1.4\n%%EOF\n"),
            actor=clerk,
        )
    assert err.value.code == "scoring.forbidden"
    direct = result_recognise(
        result=results[2],
        route=Route.DIRECT,
        passed=True,
        note="人社直评〔2026〕1号",
        evidence=SimpleUploadedFile("决定.pdf", b"%PDF-1.4\n%%EOF\n"),
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
    with pytest.raises(DomainError) as err:
        scheme_set(plan=plan, occupation=hr, actor=personas.clerk_a, **kwargs)
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
