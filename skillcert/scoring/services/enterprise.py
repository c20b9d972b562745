"""Enterprise self-evaluation (the scheme and the four dimensions), the scheme's filing with the
province as an enterprise evaluation norm (seed 004 §六: 「经审定并报省人社厅备案…应明确适用的
岗位和企业范围」), and levels recognised through a skill competition or the high-skill direct
channel."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import SystemActor, actor_scope, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.organizations.uploads import file_store
from skillcert.plans.choices import PlanKind, PlanMethod
from skillcert.scoring import rules
from skillcert.scoring.models import (
    EnterpriseScheme,
    PartState,
    Result,
    Route,
    SchemeFilingStatus,
)
from skillcert.scoring.services._access import (
    forbidden,
    officer_over,
    org_staff_of,
    require_entry_account,
)
from skillcert.scoring.services._common import (
    as_score_or_none,
    lock_result,
    require_writable,
    score_arg,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from skillcert.accounts.actors import Actor
    from skillcert.occupations.models import Occupation
    from skillcert.plans.models import EvaluationPlan

EVIDENCE_METHODS = {
    "self_assessment": "自我评价",
    "peer_review": "同行评议",
    "opinion_survey": "民意调查",
    "production_records": "生产记录",
    "assessment": "考核测评",
}
CANDIDATE_KINDS = {
    "employee": "本单位职工",
    "apprentice": "学徒",
    "dispatched": "劳务派遣人员",
    "school_student": "合作院校学生",
}
ENTERPRISE_METHODS = frozenset(PlanMethod.values) - {PlanMethod.EXAM}


def _check_methods(methods: Sequence[str]) -> None:
    if not methods or any(m not in ENTERPRISE_METHODS for m in methods):
        raise DomainError(
            "enterprise.methods",
            "评价方式应为过程考核、结果认定、业绩评审、技能竞赛、校企合作中的一种或多种",
            field="methods",
        )


def _clean_weights(weights: Mapping[str, Any]) -> dict[str, float]:
    """The four dimensions' weights, each in (0, 1], summing to 1."""
    clean: dict[str, float] = {}
    for dim in rules.DIMENSIONS:
        try:
            clean[dim] = float(weights.get(dim, 0))
        except (TypeError, ValueError):
            raise DomainError(
                "enterprise.weights", f"{dim}的权重应为数字", field="weights"
            ) from None
        if clean[dim] <= 0 or clean[dim] > 1:
            raise DomainError("enterprise.weights", f"{dim}的权重应在 0 到 1 之间", field="weights")
    if abs(sum(clean.values()) - 1.0) > 1e-6:
        raise DomainError(
            "enterprise.weights",
            f"四个维度的权重之和应为 1，当前为 {sum(clean.values()):g}",
            field="weights",
        )
    return clean


def _clean_evidence(evidence: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    clean: dict[str, list[str]] = {}
    for dim in rules.DIMENSIONS:
        chosen = list(evidence.get(dim, ()))
        if not chosen or any(e not in EVIDENCE_METHODS for e in chosen):
            raise DomainError(
                "enterprise.evidence",
                f"{dim}的评价方法应从自我评价、同行评议、民意调查、生产记录、考核测评中选择",
                field="evidence",
            )
        clean[dim] = chosen
    return clean


def _clean_kinds(candidate_kinds: Sequence[str]) -> list[str]:
    kinds = [k for k in candidate_kinds if k in CANDIDATE_KINDS]
    if len(kinds) != len(candidate_kinds) or not kinds:
        raise DomainError(
            "enterprise.candidate_kinds",
            "参评人员类别应为本单位职工、学徒、劳务派遣人员或合作院校学生",
            field="candidate_kinds",
        )
    return kinds


def enterprise_scheme_set(
    *,
    plan: EvaluationPlan,
    occupation: Occupation,
    methods: Sequence[str],
    weights: Mapping[str, Any],
    evidence: Mapping[str, Sequence[str]],
    actor: Actor,
    pass_mark: Any = 60,
    conduct_pass_mark: Any = 60,
    candidate_kinds: Sequence[str] = ("employee",),
) -> EnterpriseScheme:
    """An enterprise plan's design for one occupation: methods (one or a mix), the four
    dimensions' weights (summing to 1) and methods of evidence, and the pass marks."""
    _scheme_plan_check(plan=plan, occupation=occupation, actor=actor)
    design = _scheme_design(
        methods=methods,
        weights=weights,
        evidence=evidence,
        pass_mark=pass_mark,
        conduct_pass_mark=conduct_pass_mark,
        candidate_kinds=candidate_kinds,
    )
    with transaction.atomic():
        return _scheme_save(plan=plan, occupation=occupation, design=design, actor=actor)


def _scheme_plan_check(*, plan: EvaluationPlan, occupation: Occupation, actor: Actor) -> None:
    if not org_staff_of(actor, plan.organization_id):
        raise forbidden("只有本企业可以设置评价方案")
    if plan.kind != PlanKind.ENTERPRISE:
        raise DomainError(
            "enterprise.plan_kind", "只有企业自主评价计划可以设置评价方案", field="plan"
        )
    if not plan.offerings.filter(occupation=occupation).exists():
        raise DomainError(
            "enterprise.occupation", f"计划未包含职业 {occupation.name}", field="occupation"
        )


def _scheme_design(
    *,
    methods: Sequence[str],
    weights: Mapping[str, Any],
    evidence: Mapping[str, Sequence[str]],
    pass_mark: Any,
    conduct_pass_mark: Any,
    candidate_kinds: Sequence[str],
) -> dict[str, Any]:
    """The scheme's fields, checked and cleaned."""
    _check_methods(methods)
    clean_weights = _clean_weights(weights)
    clean_evidence = _clean_evidence(evidence)
    kinds = _clean_kinds(candidate_kinds)
    marks = (
        score_arg(pass_mark, field="pass_mark"),
        score_arg(conduct_pass_mark, field="conduct_pass_mark"),
    )
    return {
        "methods": list(dict.fromkeys(methods)),
        "weights": clean_weights,
        "evidence": clean_evidence,
        "pass_mark": Decimal(str(marks[0])),
        "conduct_pass_mark": Decimal(str(marks[1])),
        "candidate_kinds": kinds,
    }


def _scheme_save(
    *, plan: EvaluationPlan, occupation: Occupation, design: Mapping[str, Any], actor: Actor
) -> EnterpriseScheme:
    """Create or update the scheme (locked) with `design`, on the record."""
    scheme = (
        EnterpriseScheme.objects.select_for_update()
        .filter(plan=plan, occupation=occupation)
        .first()
    )
    created = scheme is None
    if scheme is None:
        scheme = EnterpriseScheme(plan=plan, occupation=occupation)
    changed = created or any(getattr(scheme, k) != v for k, v in design.items())
    for key, value in design.items():
        setattr(scheme, key, value)
    before = scheme.filing_status
    if changed:
        # A changed norm is not the one the province acknowledged: it is filed again.
        scheme.filing_status = SchemeFilingStatus.DRAFT
    scheme.save()
    audit_record(
        actor=actor,
        action="enterprise_scheme.set",
        obj=scheme,
        changes={
            "methods": scheme.methods,
            "weights": design["weights"],
            "created": created,
            "filing_status": [before, scheme.filing_status],
        },
    )
    return scheme


def _clean_list(values: Sequence[str], *, field: str, what: str) -> list[str]:
    clean = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not clean:
        raise DomainError(
            f"enterprise.{field}_required", f"请填写评价规范适用的{what}", field=field
        )
    if len(clean) > 200 or any(len(v) > 100 for v in clean):
        raise DomainError(
            f"enterprise.{field}_invalid", f"{what}最多 200 项，每项不超过 100 字", field=field
        )
    return clean


def enterprise_scheme_file(
    *, scheme: EnterpriseScheme, posts: Sequence[str], companies: Sequence[str], actor: Actor
) -> EnterpriseScheme:
    """The enterprise files its scheme with the province as an evaluation norm, naming the
    posts and the companies it applies to."""
    if not org_staff_of(actor, scheme.plan.organization_id):
        raise forbidden("只有本企业可以报送评价规范备案")
    clean_posts = _clean_list(posts, field="posts", what="岗位")
    clean_companies = _clean_list(companies, field="companies", what="企业范围")
    with transaction.atomic():
        scheme = EnterpriseScheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.filing_status != SchemeFilingStatus.DRAFT:
            raise DomainError(
                "enterprise.scheme_already_filed",
                "评价方案已报备案；修改方案后方可重新报送",
                field="scheme",
            )
        scheme.posts, scheme.companies = clean_posts, clean_companies
        scheme.filing_status = SchemeFilingStatus.FILED
        scheme.filed_at, scheme.filed_by = timezone.now(), actor_user(actor)
        scheme.acknowledged_at, scheme.acknowledged_by = None, None
        scheme.acknowledged_digest = ""
        scheme.save()
        audit_record(
            actor=actor,
            action="enterprise_scheme.file",
            obj=scheme,
            changes={
                "filing_status": ["draft", "filed"],
                "posts": clean_posts,
                "companies": clean_companies,
            },
        )
    return scheme


def enterprise_scheme_acknowledge(*, scheme: EnterpriseScheme, actor: Actor) -> EnterpriseScheme:
    """The province acknowledges a filed norm (省人社厅备案)."""
    scope = actor_scope(actor)
    if not (
        scope.is_province_officer and scope.covers_region_code(scheme.plan.organization.region_id)
    ):
        raise forbidden("评价规范备案由省人社厅确认")
    with transaction.atomic():
        scheme = EnterpriseScheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.filing_status != SchemeFilingStatus.FILED:
            raise DomainError(
                "enterprise.scheme_not_filed", "评价方案尚未报送备案，不能确认", field="scheme"
            )
        scheme.filing_status = SchemeFilingStatus.ACKNOWLEDGED
        scheme.acknowledged_at, scheme.acknowledged_by = timezone.now(), actor_user(actor)
        scheme.acknowledged_digest = norm_digest(scheme)
        scheme.save(
            update_fields=[
                "filing_status",
                "acknowledged_at",
                "acknowledged_by",
                "acknowledged_digest",
            ]
        )
        audit_record(
            actor=actor,
            action="enterprise_scheme.acknowledge",
            obj=scheme,
            changes={
                "filing_status": ["filed", "acknowledged"],
                "digest": [None, scheme.acknowledged_digest],
            },
        )
    return scheme


def norm_digest(scheme: EnterpriseScheme) -> str:
    """SHA-256 of everything the province acknowledged: the design and its scope of posts and
    companies. Stored at acknowledgement, so a norm changed afterwards by any path (not only
    `enterprise_scheme_set`, which sends it back to draft) no longer counts as acknowledged."""
    content = {
        "occupation": scheme.occupation_id,
        "methods": scheme.methods,
        "weights": {k: float(v) for k, v in scheme.weights.items()},
        "evidence": scheme.evidence,
        "pass_mark": str(Decimal(str(scheme.pass_mark)).quantize(Decimal("0.1"))),
        "conduct_pass_mark": str(Decimal(str(scheme.conduct_pass_mark)).quantize(Decimal("0.1"))),
        "candidate_kinds": scheme.candidate_kinds,
        "posts": scheme.posts,
        "companies": scheme.companies,
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


# In a norm's company scope, the enterprise that filed it (the plan's organisation).
OWN_COMPANY = "本企业"


def candidate_post(snapshot: Mapping[str, Any]) -> str:
    """The post (从事职业/岗位) of the candidate's current work, as frozen into the application
    at submission: the open work period that started last; "" when none is recorded."""
    current = [
        w
        for w in snapshot.get("work", [])
        if not w.get("end") and str(w.get("occupation_name", "")).strip()
    ]
    if not current:
        return ""
    latest = max(current, key=lambda w: str(w.get("start", "")))
    return str(latest["occupation_name"]).strip()


def enterprise_norm_check(*, scheme: EnterpriseScheme, result: Result) -> None:
    """An enterprise evaluation uses only a norm the province acknowledged, unchanged since,
    for an enterprise and a post inside the norm's scope (seed 004 §六: 「经审定并报省人社厅备案
    后…实施。企业评价规范应明确适用的岗位和企业范围」)."""
    occupation = scheme.occupation.name
    if scheme.filing_status != SchemeFilingStatus.ACKNOWLEDGED or not scheme.acknowledged_digest:
        raise DomainError(
            "enterprise.norm_not_acknowledged",
            f"职业“{occupation}”的企业评价规范尚未经省人社厅备案确认"
            f"（当前：{scheme.get_filing_status_display()}），不能开展企业评价",
            field="scheme",
        )
    if norm_digest(scheme) != scheme.acknowledged_digest:
        raise DomainError(
            "enterprise.norm_changed",
            f"职业“{occupation}”的企业评价规范在省人社厅备案确认后被修改，"
            "须重新报送备案并经确认后方可评价",
            field="scheme",
        )
    organization = result.organization
    if OWN_COMPANY not in scheme.companies and organization.name not in scheme.companies:
        raise DomainError(
            "enterprise.norm_company_outside",
            f"企业“{organization.name}”不在该评价规范适用的企业范围内"
            f"（适用企业：{'、'.join(scheme.companies)}）",
            field="companies",
        )
    post = candidate_post(result.application.profile_snapshot or {})
    name = result.application.candidate.full_name
    if not post:
        raise DomainError(
            "enterprise.norm_post_unknown",
            f"考生“{name}”的申报档案中没有当前岗位，无法确认其在评价规范适用的岗位范围内",
            field="post",
        )
    if post not in scheme.posts:
        raise DomainError(
            "enterprise.norm_post_outside",
            f"考生“{name}”的岗位“{post}”不在该评价规范适用的岗位范围内"
            f"（适用岗位：{'、'.join(scheme.posts)}）",
            field="post",
        )


def result_evaluate_enterprise(
    *, result: Result, scores: Mapping[str, Any], actor: Actor
) -> Result:
    """The enterprise account records the four dimensions; 品德 failing fails the evaluation."""
    clean = {d: score_arg(scores.get(d), field=d) for d in rules.DIMENSIONS}
    with transaction.atomic():
        result = lock_result(result)
        require_entry_account(actor, result.batch)
        require_writable(result)
        if result.route != Route.SELF_EVALUATION:
            raise DomainError("enterprise.route", "该成绩不是企业自主评价", field="result")
        scheme = (
            EnterpriseScheme.objects.select_related("occupation")
            .filter(plan_id=result.batch.plan_id, occupation_id=result.occupation_id)
            .first()
        )
        if scheme is None:
            raise DomainError("enterprise.scheme_missing", "该职业尚未设置企业评价方案")
        enterprise_norm_check(scheme=scheme, result=result)
        outcome = rules.enterprise_evaluation(
            scores=clean,
            weights={k: float(v) for k, v in scheme.weights.items()},
            pass_mark=float(scheme.pass_mark),
            conduct_pass_mark=float(scheme.conduct_pass_mark),
        )
        result.dimension_scores = clean
        result.weighted_score = as_score_or_none(outcome.weighted)
        result.passed = outcome.passed
        result.decision_note = outcome.reason or "合格"
        result.save(
            update_fields=[
                "dimension_scores",
                "weighted_score",
                "passed",
                "decision_note",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="result.enterprise",
            obj=result,
            changes={"scores": clean, "weighted": outcome.weighted, "passed": outcome.passed},
        )
    return result


# The direct channel is for high-skill talent (seed 004 §十四: 高技能人才, 高层次认定): 三级
# (高级工) and above; seniority is relaxed, which is why it is the authority that decides.
DIRECT_LEVELS = frozenset({1, 2, 3})
RECOGNITION_ROUTES = {Route.COMPETITION: "技能竞赛", Route.DIRECT: "高技能人才直评"}
# The system process that files the authority's evidence among the organisation's documents
# (the organisation's file store takes uploads from its own staff only); the officer who
# decided is named on the result's own audit row, with the stored file's id.
DIRECT_EVIDENCE_FILER = SystemActor("scoring:direct_channel")


def _evidence_store(*, result: Result, evidence: UploadedFile, route: str, actor: Actor) -> Any:
    filer = DIRECT_EVIDENCE_FILER if route == Route.DIRECT else actor
    try:
        return file_store(org=result.batch.organization, upload=evidence, actor=filer)
    except DomainError as exc:
        # The upload checks name the generic "file"; on this form it is the evidence.
        raise DomainError(exc.code, f"证明材料：{exc.message}", field="evidence") from None


def _recognition_basis(
    *, route: str, note: str, evidence: UploadedFile | None
) -> tuple[str, UploadedFile]:
    """The basis (stripped) and the proving document, once the route and both are given."""
    if route not in RECOGNITION_ROUTES:
        raise DomainError(
            "recognition.route", "认定途径应为技能竞赛或高技能人才直评", field="route"
        )
    note = note.strip()
    if not note:
        raise DomainError(
            "recognition.note", "须填写认定依据（竞赛名次或直评决定文号）", field="note"
        )
    if len(note) > 200:
        raise DomainError("recognition.note_too_long", "认定依据不能超过200个字", field="note")
    if evidence is None:
        raise DomainError(
            "recognition.evidence_required",
            "须上传证明材料（竞赛获奖证明或直评决定文件）",
            field="evidence",
        )
    return note, evidence


def _recognition_allowed(result: Result, *, route: str, actor: Actor) -> None:
    """Direct recognition by the authority over the organisation's region, for levels 3 to 1;
    a competition result by the batch's entry account; either on a writable result."""
    if route == Route.DIRECT:
        if not officer_over(actor, result.batch.organization.region_id):
            raise forbidden("高技能人才直评由主管部门认定")
    else:
        require_entry_account(actor, result.batch)
    require_writable(result)
    if route == Route.DIRECT and result.level not in DIRECT_LEVELS:
        raise DomainError(
            "recognition.direct_level",
            f"高技能人才直评仅适用于三级（高级工）及以上，考生 {result.candidate_ref} "
            f"申报的是{result.get_level_display()}",
            field="result",
        )


def result_recognise(
    *,
    result: Result,
    route: str,
    passed: bool,
    note: str,
    evidence: UploadedFile | None,
    actor: Actor,
) -> Result:
    """A level recognised through a skill competition (entered by the entry account) or the
    high-skill direct channel (decided by the authority over the organisation's region, for
    levels 3 to 1); registered through the same path. Either needs its basis (the ranking or
    the decision's document number) and a document proving it, stored with the organisation's
    files (PDF, PNG or JPEG, checked by content)."""
    note, document = _recognition_basis(route=route, note=note, evidence=evidence)
    with transaction.atomic():
        result = lock_result(result)
        _recognition_allowed(result, route=route, actor=actor)
        stored = _evidence_store(result=result, evidence=document, route=route, actor=actor)
        try:
            before = result.route
            result.route = route
            result.passed = bool(passed)
            result.decision_note = note
            for part in ("theory", "practical", "panel"):
                setattr(result, f"{part}_state", PartState.NOT_REQUIRED)
            result.save()
            audit_record(
                actor=actor,
                action="result.recognise",
                obj=result,
                changes={
                    "route": [before, route],
                    "passed": result.passed,
                    "note": result.decision_note,
                    "evidence": stored.pk,
                },
            )
        except Exception:
            stored.file.delete(save=False)  # no bytes left behind for a decision not written
            raise
    return result
