"""API for enterprise self-evaluation: schemes, dimension scores, competitions and 直评.

The same services as the pages: objects are fetched through scoped selectors (404 outside
scope); a service's refusal (`Forbidden`: the caller sees the object but holds the wrong role)
is a 403; other domain errors are 400 with {code, message, field}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for
from skillcert.common.api import ErrorOut
from skillcert.common.errors import Forbidden
from skillcert.plans.choices import PlanKind
from skillcert.plans.selectors import offerings_of_plans, plans_visible
from skillcert.scoring import rules, selectors, services
from skillcert.scoring.models import EnterpriseScheme, Result

router = Router(tags=["enterprise"])

T = TypeVar("T")


def _attempt(action: Callable[[], T]) -> T | Status:
    try:
        return action()
    except Forbidden as exc:
        return Status(403, exc.as_dict())


def _staff_or_officer(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not (scope.is_officer or scope.is_org_staff):
        raise Http404
    return scope


def _plan(request: HttpRequest, pk: int) -> Any:
    scope = _staff_or_officer(request)
    return get_object_in_scope(plans_visible(scope=scope).filter(kind=PlanKind.ENTERPRISE), pk=pk)


def _result(request: HttpRequest, pk: int) -> Result:
    scope = scope_for(request.user)
    result = get_object_in_scope(
        selectors.results_visible(scope=scope).filter(batch__plan__kind=PlanKind.ENTERPRISE),
        pk=pk,
    )
    if not (
        scope.is_officer or scope.is_org_staff or result.batch.entry_account_id == request.user.pk
    ):
        raise Http404
    return result


# --- schemes ------------------------------------------------------------------------------


class SchemeOut(Schema):
    plan_code: str
    occupation_code: str
    occupation: str
    methods: list[str]
    weights: dict[str, float]
    evidence: dict[str, list[str]]
    pass_mark: float
    conduct_pass_mark: float
    candidate_kinds: list[str]


class SchemeIn(Schema):
    methods: list[str] = Field(
        ...,
        max_length=5,
        description="process 过程考核, result 结果认定, performance 业绩评审, "
        "competition 技能竞赛, school_enterprise 校企合作",
    )
    weights: dict[str, float] = Field(
        ..., description="四个维度的权重，和为 1：品德、职业能力、工作业绩、社会贡献"
    )
    evidence: dict[str, list[str]] = Field(
        ...,
        description="每个维度的评价方法：self_assessment, peer_review, opinion_survey, "
        "production_records, assessment",
    )
    pass_mark: float = Field(60, description="综合合格线")
    conduct_pass_mark: float = Field(60, description="品德合格线（不合格一票否决）")
    candidate_kinds: list[str] = Field(
        ["employee"],
        max_length=4,
        description="employee 本单位职工, apprentice 学徒, dispatched 劳务派遣人员, "
        "school_student 合作院校学生",
    )


def _scheme_out(scheme: EnterpriseScheme) -> dict[str, Any]:
    return {
        "plan_code": scheme.plan.code,
        "occupation_code": scheme.occupation.code,
        "occupation": scheme.occupation.name,
        "methods": scheme.methods,
        "weights": {k: float(v) for k, v in scheme.weights.items()},
        "evidence": scheme.evidence,
        "pass_mark": float(scheme.pass_mark),
        "conduct_pass_mark": float(scheme.conduct_pass_mark),
        "candidate_kinds": scheme.candidate_kinds,
    }


@router.get(
    "/plans/{plan_pk}/schemes",
    response={200: list[SchemeOut], 404: ErrorOut},
    summary="企业自主评价计划的评价方案（每个职业一份）",
)
def list_schemes(request: HttpRequest, plan_pk: int) -> list[dict[str, Any]]:
    plan = _plan(request, plan_pk)
    return [_scheme_out(s) for s in selectors.schemes_for(plan=plan).select_related("plan")]


@router.put(
    "/plans/{plan_pk}/occupations/{occupation_pk}/scheme",
    response={200: SchemeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="设置某职业的评价方案（评价方式、四个维度权重与评价方法、合格线）",
)
def set_scheme(request: HttpRequest, plan_pk: int, occupation_pk: int, payload: SchemeIn) -> Any:
    plan = _plan(request, plan_pk)
    offering = offerings_of_plans(plan_ids=[plan.pk]).filter(occupation_id=occupation_pk).first()
    if offering is None:
        raise Http404
    done = _attempt(
        lambda: services.enterprise_scheme_set(
            plan=plan,
            occupation=offering.occupation,
            methods=payload.methods,
            weights=payload.weights,
            evidence=payload.evidence,
            pass_mark=payload.pass_mark,
            conduct_pass_mark=payload.conduct_pass_mark,
            candidate_kinds=payload.candidate_kinds,
            actor=request_actor(request),
        )
    )
    return done if isinstance(done, Status) else _scheme_out(done)


# --- evaluation and recognition ------------------------------------------------------------


class ResultOut(Schema):
    id: int
    candidate_ref: str
    route: str
    level: int
    dimension_scores: dict[str, float]
    weighted_score: float | None
    passed: bool
    decision_note: str


def _result_out(r: Result) -> dict[str, Any]:
    return {
        "id": r.pk,
        "candidate_ref": r.candidate_ref,
        "route": r.route,
        "level": r.level,
        "dimension_scores": {k: float(v) for k, v in r.dimension_scores.items()},
        "weighted_score": None if r.weighted_score is None else float(r.weighted_score),
        "passed": r.passed,
        "decision_note": r.decision_note,
    }


class EvaluationIn(Schema):
    scores: dict[str, float] = Field(
        ..., description="四个维度的得分（0–100）：品德、职业能力、工作业绩、社会贡献"
    )


@router.post(
    "/results/{pk}/evaluation",
    response={200: ResultOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary=f"录入四个维度的评价（{'、'.join(rules.DIMENSIONS)}；品德不合格一票否决）",
)
def evaluate(request: HttpRequest, pk: int, payload: EvaluationIn) -> Any:
    result = _result(request, pk)
    done = _attempt(
        lambda: services.result_evaluate_enterprise(
            result=result, scores=payload.scores, actor=request_actor(request)
        )
    )
    return done if isinstance(done, Status) else _result_out(done)


EVIDENCE_FILE = File(..., description="证明材料（PDF、PNG 或 JPEG，不超过 10 MB）")


@router.post(
    "/results/{pk}/recognition",
    response={200: ResultOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="技能竞赛认定（成绩录入专用账号）或高技能人才直评（主管部门），附证明材料",
)
def recognise(
    request: HttpRequest,
    pk: int,
    route: str = Form(..., description="competition 技能竞赛, direct 高技能人才直评"),
    note: str = Form(..., max_length=200, description="竞赛名次或直评决定文号"),
    evidence: UploadedFile = EVIDENCE_FILE,
    passed: bool = Form(True, description="认定合格"),
) -> Any:
    result = _result(request, pk)
    done = _attempt(
        lambda: services.result_recognise(
            result=result,
            route=route,
            passed=passed,
            note=note,
            evidence=evidence,
            actor=request_actor(request),
        )
    )
    return done if isinstance(done, Status) else _result_out(done)
