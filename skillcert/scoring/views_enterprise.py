"""Enterprise self-evaluation pages (seed 002, seed 004 §七–§十六): the enterprise plans with
their occupations, the evaluation scheme per plan × occupation, the four dimensions entered
per candidate on the dedicated entry account, and a level recognised through a competition
(the entry account) or the high-skill direct channel (the authority).

Every object is fetched through a scoped selector (404 outside scope); pages are for the
organisation's staff, the batch's entry account and the officers over its region. Each write
runs one service through `run_service`: a refusal is a 403, refused input lands beside its
field with nothing changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import Scope, get_object_in_scope, scope_for, scope_or_404
from skillcert.audit.selectors import audit_events_of_object
from skillcert.audit.services import audit_record
from skillcert.common.exports import xlsx_response
from skillcert.common.service_runner import run_service
from skillcert.plans.choices import PlanKind
from skillcert.plans.selectors import offerings_of_plans, plans_visible
from skillcert.scoring import rules, selectors, services
from skillcert.scoring.forms_enterprise import (
    DIMENSION_KEYS,
    METHOD_CHOICES,
    EvaluationForm,
    RecognitionForm,
    SchemeFilingForm,
    SchemeForm,
)
from skillcert.scoring.models import (
    BatchStatus,
    EnterpriseScheme,
    Result,
    ResultBatch,
    Route,
    SchemeFilingStatus,
)
from skillcert.scoring.services import CANDIDATE_KINDS, EVIDENCE_METHODS
from skillcert.scoring.services.enterprise import (
    enterprise_scheme_acknowledge,
    enterprise_scheme_file,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation
    from skillcert.plans.models import EvaluationPlan

METHOD_LABELS = dict(METHOD_CHOICES)


def _enterprise_plans(scope: Scope) -> QuerySet[Any]:
    return plans_visible(scope=scope).filter(kind=PlanKind.ENTERPRISE)


# --- the enterprise plans and their occupations ------------------------------------------


def _plan_rows(scope: Scope, q: str, norms: str = "") -> list[dict[str, Any]]:
    plans = _enterprise_plans(scope)
    if q:
        plans = plans.filter(Q(code__icontains=q) | Q(title__icontains=q))
    plans_by_pk = {p.pk: p for p in plans.order_by("-pk")[:200]}
    offerings = (
        offerings_of_plans(plan_ids=list(plans_by_pk))
        .select_related("occupation")
        .order_by("-plan_id", "occupation__code", "-level")
    )
    schemes = {
        (s.plan_id, s.occupation_id): s
        for s in EnterpriseScheme.objects.filter(plan_id__in=list(plans_by_pk))
    }
    batches = {b.plan_id: b for b in ResultBatch.objects.filter(plan_id__in=list(plans_by_pk))}
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for offering in offerings:
        key = (offering.plan_id, offering.occupation_id)
        row = rows.setdefault(
            key,
            {
                "plan": plans_by_pk[offering.plan_id],
                "occupation": offering.occupation,
                "levels": [],
                "scheme": schemes.get(key),
                "batch": batches.get(offering.plan_id),
            },
        )
        row["levels"].append(offering.get_level_display())
    if norms:  # the province's to-do: norms in one filing status
        return [r for r in rows.values() if r["scheme"] and r["scheme"].filing_status == norms]
    return list(rows.values())


@login_required
@require_http_methods(["GET"])
def enterprise_plans(request: HttpRequest) -> HttpResponse:
    """The enterprise plans in scope, one row per occupation, with their scheme and batch."""
    scope = scope_or_404(request.user, org_staff=True)
    q = request.GET.get("q", "").strip()
    norms = request.GET.get("norms", "")
    norms = norms if norms in SchemeFilingStatus.values else ""
    rows = _plan_rows(scope, q, norms)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "企业自主评价.xlsx",
            [
                "计划编号",
                "计划名称",
                "机构",
                "职业",
                "等级",
                "评价方案",
                "评价规范备案",
                "成绩批次",
            ],
            [
                [
                    r["plan"].code,
                    r["plan"].title,
                    r["plan"].organization.name,
                    r["occupation"].name,
                    "、".join(r["levels"]),
                    "已设置" if r["scheme"] else "未设置",
                    r["scheme"].get_filing_status_display() if r["scheme"] else "",
                    r["batch"].get_status_display() if r["batch"] else "未开启",
                ]
                for r in rows
            ],
        )
    return render(request, "scoring/enterprise_plans.html", {"rows": rows, "q": q, "norms": norms})


# --- the scheme ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_scheme(request: HttpRequest, plan_pk: int, occupation_pk: int) -> HttpResponse:
    """One occupation's scheme: methods, four dimensions (weights summing to 1, methods of
    evidence), pass marks with 品德 first, and who may be evaluated."""
    scope = scope_or_404(request.user, org_staff=True)
    plan, occupation, scheme = _scheme_of(scope, plan_pk, occupation_pk)
    here = reverse("scoring:enterprise_scheme", args=[plan.pk, occupation.pk])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    filing_form = SchemeFilingForm(
        request.POST if action == "file" else None,
        initial={
            "posts": "\n".join(scheme.posts) if scheme else "",
            "companies": "\n".join(scheme.companies) if scheme else "",
        },
    )
    if action:
        if scheme is None:
            raise Http404
        acted = _scheme_filing_act(request, scheme, action=action, form=filing_form, here=here)
        if acted is not None:
            return acted
    form = SchemeForm(
        request.POST if request.method == "POST" and not action else None,
        initial=SchemeForm.initial_from(scheme),
    )
    if request.method == "POST" and not action and form.is_valid():
        done = _scheme_form_save(request, plan, occupation, form=form, here=here)
        if done is not None:
            return done
    return render(
        request,
        "scoring/enterprise_scheme.html",
        _scheme_context(scope, plan, occupation, scheme, form=form, filing_form=filing_form),
    )


def _scheme_of(
    scope: Scope, plan_pk: int, occupation_pk: int
) -> tuple[EvaluationPlan, Occupation, EnterpriseScheme | None]:
    """The enterprise plan in scope, its occupation (404 when the plan has none such) and
    the occupation's scheme, if set."""
    plan = get_object_in_scope(_enterprise_plans(scope), pk=plan_pk)
    offering = offerings_of_plans(plan_ids=[plan.pk]).filter(occupation_id=occupation_pk).first()
    if offering is None:
        raise Http404
    occupation = offering.occupation
    scheme = EnterpriseScheme.objects.filter(plan=plan, occupation=occupation).first()
    return plan, occupation, scheme


def _scheme_filing_act(
    request: HttpRequest,
    scheme: EnterpriseScheme,
    *,
    action: str,
    form: SchemeFilingForm,
    here: str,
) -> HttpResponse | None:
    """The enterprise files the scheme as a norm, or the province acknowledges it; None when
    the page is shown again (refused input, or an action that is neither)."""
    if action == "file" and form.is_valid():
        filed = run_service(
            request,
            lambda: enterprise_scheme_file(
                scheme=scheme,
                posts=form.lines("posts"),
                companies=form.lines("companies"),
                actor=request_actor(request),
            ),
            success="评价规范已报省人社厅备案",
            next=here,
            form=form,
        )
        if filed is not None:
            return filed
    if action == "acknowledge":
        return run_service(
            request,
            lambda: enterprise_scheme_acknowledge(scheme=scheme, actor=request_actor(request)),
            success="已确认评价规范备案",
            next=here,
        )
    return None


def _scheme_form_save(
    request: HttpRequest,
    plan: EvaluationPlan,
    occupation: Occupation,
    *,
    form: SchemeForm,
    here: str,
) -> HttpResponse | None:
    user, data = request_actor(request), form.cleaned_data
    return run_service(
        request,
        lambda: services.enterprise_scheme_set(
            plan=plan,
            occupation=occupation,
            methods=data["methods"],
            weights=form.weights(),
            evidence=form.evidence(),
            pass_mark=data["pass_mark"],
            conduct_pass_mark=data["conduct_pass_mark"],
            candidate_kinds=data["candidate_kinds"],
            actor=user,
        ),
        success=f"已保存{occupation.name}的评价方案",
        next=here,
        form=form,
    )


def _scheme_context(
    scope: Scope,
    plan: EvaluationPlan,
    occupation: Occupation,
    scheme: EnterpriseScheme | None,
    *,
    form: SchemeForm,
    filing_form: SchemeFilingForm,
) -> dict[str, Any]:
    return {
        "plan": plan,
        "occupation": occupation,
        "scheme": scheme,
        "form": form,
        "filing_form": filing_form,
        "can_acknowledge": scope.is_province_officer,
        "editable": scope.is_platform or plan.organization_id in scope.organization_ids,
        "methods": [METHOD_LABELS.get(m, m) for m in (scheme.methods if scheme else [])],
        "kinds": [CANDIDATE_KINDS.get(k, k) for k in (scheme.candidate_kinds if scheme else [])],
        "dimensions": _scheme_dimensions(scheme),
    }


def _scheme_dimensions(scheme: EnterpriseScheme | None) -> list[tuple[str, Any, str]]:
    if scheme is None:
        return []
    return [
        (
            dim,
            scheme.weights.get(dim),
            "、".join(EVIDENCE_METHODS.get(e, e) for e in scheme.evidence.get(dim, [])),
        )
        for dim in rules.DIMENSIONS
    ]


# --- the four dimensions per candidate ------------------------------------------------------


def _visible_batch(request: HttpRequest, pk: int) -> tuple[ResultBatch, Scope]:
    scope = scope_for(request.user)
    batch = get_object_in_scope(
        selectors.batches_visible(scope=scope).filter(plan__kind=PlanKind.ENTERPRISE), pk=pk
    )
    return batch, scope


def _batch_results(batch: ResultBatch, scope: Scope, q: str) -> QuerySet[Result]:
    return selectors.results_visible(scope=scope, q=q).filter(batch=batch)


def _export(request: HttpRequest, batch: ResultBatch, results: QuerySet[Result], q: str) -> Any:
    # Candidates' names with their evaluations: every export is on the record.
    audit_record(
        actor=request_actor(request),
        action="result.export",
        obj=batch,
        changes={"q": [None, q], "count": [None, results.count()]},
    )
    return xlsx_response(
        f"企业评价_{batch.plan.code}.xlsx",
        ["考生编号", "姓名", "职业", "等级", "途径", *rules.DIMENSIONS, "综合得分", "结论", "说明"],
        [
            [
                r.candidate_ref,
                r.application.candidate.full_name,
                r.occupation.name,
                r.level,
                r.get_route_display(),
                *[r.dimension_scores.get(d, "") for d in rules.DIMENSIONS],
                r.weighted_score,
                _verdict(r),
                r.decision_note,
            ]
            for r in results
        ],
    )


def _verdict(result: Result) -> str:
    if result.route == Route.SELF_EVALUATION and result.weighted_score is None:
        return "待评价"
    return "合格" if result.passed else "不合格"


def _evaluation_page(
    request: HttpRequest,
    batch: ResultBatch,
    scope: Scope,
    *,
    bound: tuple[int, EvaluationForm] | None = None,
) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = _batch_results(batch, scope, q)
    entry = batch.entry_account_id == request.user.pk and batch.status == BatchStatus.ENTERING
    rows = []
    for result in results[:1000]:
        form = None
        if entry and result.route == Route.SELF_EVALUATION:
            if bound is not None and bound[0] == result.pk:
                form = bound[1]
            else:
                form = EvaluationForm(
                    initial={
                        key: result.dimension_scores.get(dim) for dim, key in DIMENSION_KEYS.items()
                    },
                    prefix=f"r{result.pk}",
                )
        rows.append(
            {
                "result": result,
                "form": form,
                "verdict": _verdict(result),
                "scores": [result.dimension_scores.get(d, "") for d in rules.DIMENSIONS],
            }
        )
    schemes = selectors.schemes_for(plan=batch.plan)
    return render(
        request,
        "scoring/enterprise_batch.html",
        {
            "batch": batch,
            "rows": rows,
            "q": q,
            "entry": entry,
            "officer": scope.is_officer,
            "schemes": schemes,
            "dimensions": rules.DIMENSIONS,
        },
    )


@login_required
@require_http_methods(["GET"])
def enterprise_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's batch: every candidate with the four dimensions, the weighted score
    and the verdict with its reason; the entry account enters the scores here."""
    batch, scope = _visible_batch(request, pk)
    if request.GET.get("export") == "xlsx":
        q = request.GET.get("q", "").strip()
        return _export(request, batch, _batch_results(batch, scope, q), q)
    return _evaluation_page(request, batch, scope)


@login_required
@require_POST
def enterprise_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_in_scope(
        selectors.results_visible(scope=scope_for(request.user)).filter(
            batch__plan__kind=PlanKind.ENTERPRISE
        ),
        pk=pk,
    )
    batch, scope = _visible_batch(request, result.batch_id)
    user = request_actor(request)
    form = EvaluationForm(request.POST, prefix=f"r{result.pk}")
    if form.is_valid():
        scores = form.scores()
        done = run_service(
            request,
            lambda: services.result_evaluate_enterprise(result=result, scores=scores, actor=user),
            success=lambda r: (
                f"已保存考生 {r.candidate_ref} 的评价：{_verdict(r)}"
                + (f"（{r.decision_note}）" if not r.passed else "")
            ),
            next=reverse("scoring:enterprise_batch", args=[batch.pk]),
            form=form,
        )
        if done is not None:
            return done
    return _evaluation_page(request, batch, scope, bound=(result.pk, form))


# --- competition and the direct channel -----------------------------------------------------


def _recognition_evidence(result: Result) -> int | None:
    """The stored file of the latest recognition (its id is on the result's audit row)."""
    event = (
        audit_events_of_object(object_type="scoring.result", object_id=str(result.pk))
        .filter(action="result.recognise")
        .first()
    )
    evidence = event.changes.get("evidence") if event is not None else None
    return evidence if isinstance(evidence, int) else None


def _routes_for(result: Result, user: Any, scope: Scope) -> list[str]:
    routes = []
    if result.batch.entry_account_id == user.pk:
        routes.append(Route.COMPETITION.value)
    if scope.is_officer and scope.covers_region_code(result.batch.organization.region_id):
        routes.append(Route.DIRECT.value)
    return routes


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    """Recognise a candidate's level from a competition result (the entry account) or by
    the high-skill direct channel (the authority over the organisation's region), with the
    basis and a document proving it."""
    scope = scope_for(request.user)
    result = get_object_in_scope(
        selectors.results_visible(scope=scope).filter(batch__plan__kind=PlanKind.ENTERPRISE),
        pk=pk,
    )
    if not (
        scope.is_officer or scope.is_org_staff or result.batch.entry_account_id == request.user.pk
    ):
        raise Http404  # a candidate sees their own result on 我的成绩, not here
    routes = _routes_for(result, request.user, scope)
    form = RecognitionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        routes=routes,
    )
    if request.method == "POST":
        if not routes:
            raise PermissionDenied(
                "只有本批次的成绩录入专用账号（技能竞赛）或主管部门（高技能人才直评）可以认定"
            )
        if form.is_valid():
            user, data = request_actor(request), form.cleaned_data
            done = run_service(
                request,
                lambda: services.result_recognise(
                    result=result,
                    route=data["route"],
                    passed=data["decision"] == "pass",
                    note=data["note"],
                    evidence=data["evidence"],
                    actor=user,
                ),
                success=lambda r: f"已记录考生 {r.candidate_ref} 的{r.get_route_display()}认定",
                next=reverse("scoring:enterprise_batch", args=[result.batch_id]),
                form=form,
            )
            if done is not None:
                return done
    return render(
        request,
        "scoring/enterprise_recognise.html",
        {
            "result": result,
            "form": form,
            "routes": routes,
            "evidence": _recognition_evidence(result),
            "open": result.batch.status == BatchStatus.ENTERING,
        },
    )
