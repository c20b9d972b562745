"""An enterprise evaluation uses only a norm the province acknowledged (seed 004 §六): not one
still in draft or only filed, not one changed after acknowledgement, and only for an enterprise
and a post inside the norm's scope. Through the service and through the evaluation page the
enterprise's entry account uses; a refusal leaves the result as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from skillcert.common.errors import DomainError
from skillcert.scoring.models import EnterpriseScheme, Result
from skillcert.scoring.services import result_evaluate_enterprise
from skillcert.scoring.services.enterprise import (
    enterprise_scheme_acknowledge,
    enterprise_scheme_file,
)
from skillcert.scoring.tests.flows import (
    NORM_COMPANIES,
    NORM_POSTS,
    norm_in_force,
    scheme_set,
)

SCORES = {"品德": 90, "职业能力": 80, "工作业绩": 70, "社会贡献": 60}


def _scheme(plan: Any, hr: Any, personas: Any) -> EnterpriseScheme:
    return scheme_set(plan=plan, occupation=hr, actor=personas.clerk_a)


def _in_force(plan: Any, hr: Any, personas: Any) -> EnterpriseScheme:
    return norm_in_force(plan=plan, occupation=hr, personas=personas)


def _filed(plan: Any, hr: Any, personas: Any, companies: list[str]) -> EnterpriseScheme:
    """The scheme set and filed as a norm for `companies`, not yet acknowledged."""
    return enterprise_scheme_file(
        scheme=_scheme(plan, hr, personas),
        posts=NORM_POSTS,
        companies=companies,
        actor=personas.clerk_a,
    )


def _working_as(application: Any, *work: dict[str, Any]) -> Result:
    """The application's result, its candidate's work history in the snapshot set to `work`."""
    type(application).objects.filter(pk=application.pk).update(profile_snapshot={"work": work})
    return Result.objects.get(application=application)


def _evaluate(result: Result, personas: Any) -> Result:
    return result_evaluate_enterprise(result=result, scores=SCORES, actor=personas.clerk_a)


def _refused(result: Result, personas: Any, code: str) -> str:
    with pytest.raises(DomainError) as err:
        _evaluate(result, personas)
    assert err.value.code == code
    result.refresh_from_db()
    assert (result.weighted_score, result.dimension_scores) == (None, {})
    return err.value.message


def test_acknowledged_norm_evaluates_a_candidate_in_its_post(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    scheme = _in_force(plan, hr, personas)
    assert len(scheme.acknowledged_digest) == 64
    result = _evaluate(Result.objects.get(application=apps[0]), personas)
    assert (result.weighted_score, result.passed) == (Decimal("77.0"), True)


def test_norm_in_draft_is_refused(enterprise: Any, hr: Any, personas: Any) -> None:
    plan, apps, _ = enterprise
    _scheme(plan, hr, personas)
    message = _refused(
        Result.objects.get(application=apps[0]), personas, "enterprise.norm_not_acknowledged"
    )
    assert "尚未经省人社厅备案确认" in message and "未报备案" in message


def test_norm_filed_but_not_acknowledged_is_refused(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    _filed(plan, hr, personas, NORM_COMPANIES)
    message = _refused(
        Result.objects.get(application=apps[0]), personas, "enterprise.norm_not_acknowledged"
    )
    assert "已报省人社厅备案" in message


def test_norm_changed_through_the_service_after_acknowledgement_is_refused(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    _in_force(plan, hr, personas)
    scheme_set(plan=plan, occupation=hr, pass_mark=70, actor=personas.clerk_a)
    _refused(Result.objects.get(application=apps[0]), personas, "enterprise.norm_not_acknowledged")


@pytest.mark.parametrize(
    "change",
    [{"pass_mark": Decimal("50")}, {"posts": ["招聘专员", "任意岗位"]}, {"methods": ["skill"]}],
)
def test_norm_changed_behind_the_services_back_after_acknowledgement_is_refused(
    enterprise: Any, hr: Any, personas: Any, change: dict[str, Any]
) -> None:
    plan, apps, _ = enterprise
    scheme = _in_force(plan, hr, personas)
    EnterpriseScheme.objects.filter(pk=scheme.pk).update(**change)  # e.g. edited in the admin
    message = _refused(Result.objects.get(application=apps[0]), personas, "enterprise.norm_changed")
    assert "备案确认后被修改" in message


def test_enterprise_outside_the_norms_companies_is_refused(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    enterprise_scheme_acknowledge(
        scheme=_filed(plan, hr, personas, ["某某集团"]), actor=personas.province
    )
    message = _refused(
        Result.objects.get(application=apps[0]), personas, "enterprise.norm_company_outside"
    )
    assert plan.organization.name in message and "某某集团" in message


def test_enterprise_named_in_the_norms_companies_evaluates(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    enterprise_scheme_acknowledge(
        scheme=_filed(plan, hr, personas, [plan.organization.name]), actor=personas.province
    )
    assert _evaluate(Result.objects.get(application=apps[0]), personas).passed is True


def test_candidate_in_a_post_outside_the_norm_is_refused(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    _in_force(plan, hr, personas)
    result = _working_as(
        apps[0],
        {"start": "2015-01-01", "end": "2017-12-31", "occupation_name": "招聘专员"},
        {"start": "2018-01-01", "end": None, "occupation_name": "仓库管理员"},
    )
    message = _refused(result, personas, "enterprise.norm_post_outside")
    assert "仓库管理员" in message and "招聘专员" in message
    assert apps[0].candidate.full_name in message


def test_candidate_without_a_current_post_is_refused(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    _in_force(plan, hr, personas)
    _refused(_working_as(apps[1]), personas, "enterprise.norm_post_unknown")


# --- the evaluation page of the enterprise's entry account ---------------------------------


def _post_scores(result: Result) -> dict[str, str]:
    base = {"conduct": "90", "ability": "80", "performance": "70", "contribution": "60"}
    return {f"r{result.pk}-{k}": v for k, v in base.items()}


def _refused_page(result: Result, personas: Any) -> str:
    """The evaluation page's answer to clerk_a's scores for `result`, which it refuses."""
    response = personas.client_for(personas.clerk_a).post(
        reverse("scoring:enterprise_evaluate", args=[result.pk]), _post_scores(result), follow=True
    )
    result.refresh_from_db()
    assert result.weighted_score is None
    return str(response.content.decode())


def test_page_evaluates_with_an_acknowledged_norm(enterprise: Any, hr: Any, personas: Any) -> None:
    plan, apps, batch = enterprise
    _in_force(plan, hr, personas)
    result = Result.objects.get(application=apps[0])
    clerk = personas.client_for(personas.clerk_a)
    response = clerk.post(
        reverse("scoring:enterprise_evaluate", args=[result.pk]), _post_scores(result)
    )
    assert response.status_code == 302
    page = clerk.get(reverse("scoring:enterprise_batch", args=[batch.pk])).content.decode()
    assert "77.0" in page
    result.refresh_from_db()
    assert result.passed is True


def test_page_refuses_a_norm_not_acknowledged_with_its_message(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    _scheme(plan, hr, personas)
    result = Result.objects.get(application=apps[0])
    assert "的企业评价规范尚未经省人社厅备案确认" in _refused_page(result, personas)
    assert result.dimension_scores == {}


def test_page_refuses_a_post_outside_the_norm_with_its_message(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    _in_force(plan, hr, personas)
    result = _working_as(
        apps[2], {"start": "2018-01-01", "end": None, "occupation_name": "仓库管理员"}
    )
    assert "的岗位“仓库管理员”不在该评价规范适用的岗位范围内" in _refused_page(result, personas)


def test_pages_file_acknowledge_then_evaluate(enterprise: Any, hr: Any, personas: Any) -> None:
    """The enterprise files the norm on the scheme page, the province acknowledges it there,
    and only then does the evaluation page accept the scores."""
    plan, apps, _ = enterprise
    _scheme(plan, hr, personas)
    result = Result.objects.get(application=apps[0])
    clerk = personas.client_for(personas.clerk_a)
    evaluate = reverse("scoring:enterprise_evaluate", args=[result.pk])
    refused = clerk.post(evaluate, _post_scores(result), follow=True).content.decode()
    assert "尚未经省人社厅备案确认" in refused
    scheme_url = reverse("scoring:enterprise_scheme", args=[plan.pk, hr.pk])
    clerk.post(
        scheme_url,
        {"action": "file", "posts": "\n".join(NORM_POSTS), "companies": "本企业"},
    )
    province = personas.client_for(personas.province)
    province.post(scheme_url, {"action": "acknowledge"})
    assert EnterpriseScheme.objects.get(plan=plan, occupation=hr).filing_status == "acknowledged"
    assert clerk.post(evaluate, _post_scores(result)).status_code == 302
    result.refresh_from_db()
    assert (result.weighted_score, result.passed) == (Decimal("77.0"), True)


def _norm_todo(personas: Any) -> Any:
    import datetime as dt

    from skillcert.workbench.todo import todo_for

    items = [
        item
        for group in todo_for(user=personas.province, today=dt.date(2026, 6, 1))
        for item in group.items
    ]
    return next((i for i in items if i.key == "province.enterprise_norms"), None)


def test_a_filed_norm_waits_on_the_province_to_do_list_until_acknowledged(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, _, _ = enterprise
    scheme = _scheme(plan, hr, personas)
    assert _norm_todo(personas) is None
    enterprise_scheme_file(
        scheme=scheme, posts=NORM_POSTS, companies=NORM_COMPANIES, actor=personas.clerk_a
    )
    item = _norm_todo(personas)
    assert item is not None and item.count == 1
    assert item.url == reverse("scoring:enterprise_plans") + "?norms=filed"
    page = personas.client("province").get(item.url).content.decode()
    assert plan.code in page and "已报省人社厅备案" in page
    # the filter shows only norms waiting; an unknown filter value shows everything
    assert personas.client("province").get(item.url.replace("filed", "bogus")).status_code == 200
    enterprise_scheme_acknowledge(scheme=scheme, actor=personas.province)
    assert _norm_todo(personas) is None
    assert plan.code not in personas.client("province").get(item.url).content.decode()
