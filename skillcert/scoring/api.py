"""/api/v1/scoring: result batches, publication, registration, re-checks and the public
result query, over the same selectors and services as the pages.

Objects are fetched through scoped selectors (404 outside scope). A service's
refusal (`Forbidden`: the caller sees the batch but holds the wrong role for the step) is a
403; other domain errors are 400 with {code, message, field}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from skillcert.accounts.actors import request_actor
from skillcert.accounts.scope import get_object_in_scope, scope_for, scope_or_404
from skillcert.common.api import BULK_COUNT_RESPONSES, ErrorOut
from skillcert.common.batch_input import keyed_once
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.throttle import too_many_requests
from skillcert.plans.selectors import plans_visible
from skillcert.scoring import selectors, services
from skillcert.scoring.models import (
    BatchDuty,
    Recheck,
    ResponseUpload,
    Result,
    ResultBatch,
)
from skillcert.scoring.tasks import response_upload_start

router = Router(tags=["scoring"])

T = TypeVar("T")
# The same group and rate as the HTML query page (scoring.views.public_query), so that an
# IPv4 client's page and API requests count against one allowance.
QUERY_GROUP, QUERY_RATE = "result-query", "20/m"


def _attempt(action: Callable[[], T]) -> T | Status:
    try:
        return action()
    except Forbidden as exc:
        return Status(403, exc.as_dict())


# --- batches ---------------------------------------------------------------------------------


# The output schemas read the rows themselves (django-ninja: `alias` is a path through the
# row, a `resolve_<field>` computes a value), so an endpoint returns the row.


class BatchOut(Schema):
    id: int
    plan_code: str = Field(alias="plan.code")
    plan_title: str = Field(alias="plan.title")
    organization: str = Field(alias="organization.name")
    route: str
    status: str
    entry_account_set: bool
    supervised: bool
    reopened_count: int
    submitted_at: dt.datetime | None
    registration_submitted_at: dt.datetime | None
    registered_at: dt.datetime | None

    @staticmethod
    def resolve_entry_account_set(b: ResultBatch) -> bool:
        return b.entry_account_id is not None


class CountsOut(Schema):
    results: int
    draft: int
    submitted: int
    published: int
    registered: int
    passed: int
    pending: int
    rechecks_open: int


class PublicationOut(Schema):
    district: str
    published_at: dt.datetime
    recheck_closes_on: dt.date
    count: int


class BatchDetailOut(BatchOut):
    counts: CountsOut
    publications: list[PublicationOut]

    @staticmethod
    def resolve_counts(b: ResultBatch) -> dict[str, int]:
        counts = selectors.batch_counts(batch=b)
        return {
            "results": counts.results,
            **counts.by_status,
            "passed": counts.passed,
            "pending": counts.pending,
            "rechecks_open": counts.rechecks_open,
        }


def _batch(request: HttpRequest, pk: int) -> ResultBatch:
    return get_object_in_scope(selectors.batches_visible(scope=scope_for(request.user)), pk=pk)


@router.get("/batches", response=list[BatchOut], summary="成绩批次（按权限范围）")
def list_batches(
    request: HttpRequest, status: str = "", q: str = "", limit: int = 100, offset: int = 0
) -> list[ResultBatch]:
    rows = selectors.batches_visible(scope=scope_for(request.user))
    if status:
        rows = rows.filter(status=status)
    if q.strip():
        rows = rows.filter(plan__code__icontains=q.strip()) | rows.filter(
            plan__title__icontains=q.strip()
        )
    start = max(offset, 0)
    return list(rows.order_by("-pk")[start : start + max(1, min(limit, 500))])


@router.get(
    "/batches/{pk}",
    response={200: BatchDetailOut, 404: ErrorOut},
    summary="成绩批次详情与各状态人数",
)
def get_batch(request: HttpRequest, pk: int) -> ResultBatch:
    return _batch(request, pk)


class PublishIn(Schema):
    district: str = Field("", max_length=60, description="考区；空为全部尚未发布的考区")


@router.post(
    "/batches/{pk}/publish",
    response={200: PublicationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="发布成绩（整批或单个考区）",
)
def publish(request: HttpRequest, pk: int, payload: PublishIn) -> Any:
    batch = _batch(request, pk)
    return _attempt(
        lambda: services.batch_publish(
            batch=batch, district=payload.district, actor=request_actor(request)
        )
    )


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


def _batch_step(request: HttpRequest, pk: int, step: Callable[[ResultBatch], ResultBatch]) -> Any:
    batch = _batch(request, pk)
    return _attempt(lambda: step(batch))


BATCH_STEP = {200: BatchOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/batches/{pk}/reopen", response=BATCH_STEP, summary="重新开放成绩录入（须说明原因）")
def reopen(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    return _batch_step(
        request,
        pk,
        lambda b: services.batch_reopen(
            batch=b, reason=payload.reason, actor=request_actor(request)
        ),
    )


@router.post("/batches/{pk}/registration", response=BATCH_STEP, summary="提交登记备案（评价机构）")
def registration_submit(request: HttpRequest, pk: int) -> Any:
    return _batch_step(
        request,
        pk,
        lambda b: services.batch_registration_submit(batch=b, actor=request_actor(request)),
    )


@router.post("/batches/{pk}/register", response=BATCH_STEP, summary="确认登记备案（主管部门）")
def register(request: HttpRequest, pk: int) -> Any:
    return _batch_step(
        request, pk, lambda b: services.batch_register(batch=b, actor=request_actor(request))
    )


@router.post(
    "/batches/{pk}/return", response=BATCH_STEP, summary="退回登记备案（主管部门，须说明原因）"
)
def registration_return(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    return _batch_step(
        request,
        pk,
        lambda b: services.batch_registration_return(
            batch=b, reason=payload.reason, actor=request_actor(request)
        ),
    )


# --- re-checks ---------------------------------------------------------------------------------


class RecheckOut(Schema):
    id: int
    result: int = Field(alias="result_id")
    candidate_ref: str = Field(alias="result.candidate_ref")
    subject: str
    reason: str
    status: str
    requested_at: dt.datetime
    before: float | None
    after: float | None
    changed: bool
    outcome: str
    handled_at: dt.datetime | None


@router.get(
    "/batches/{pk}/rechecks",
    response={200: list[RecheckOut], 404: ErrorOut},
    summary="本批次的复查申请（未办结在前）",
)
def batch_rechecks(request: HttpRequest, pk: int) -> list[Recheck]:
    scope = scope_for(request.user)
    batch = _batch(request, pk)
    if not (scope.is_officer or scope.is_org_staff):
        return []
    return list(selectors.batch_rechecks(batch=batch)[:1000])


class RecheckCompleteIn(Schema):
    outcome: str = Field("", max_length=300)


@router.post(
    "/rechecks/{pk}/complete",
    response={200: RecheckOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="办结复查：按已记录的评分重新合计（不重新评分）",
)
def recheck_complete(request: HttpRequest, pk: int, payload: RecheckCompleteIn) -> Any:
    recheck = get_object_in_scope(selectors.rechecks_visible(scope=scope_for(request.user)), pk=pk)
    return _attempt(
        lambda: services.recheck_complete(
            recheck=recheck, outcome=payload.outcome, actor=request_actor(request)
        )
    )


# --- the candidate's own results ----------------------------------------------------------------


class PartsOut(Schema):
    theory_score: float | None
    theory_state: str
    practical_score: float | None
    practical_state: str
    panel_score: float | None
    panel_state: str


class MyResultOut(PartsOut):
    id: int
    plan_code: str = Field(alias="batch.plan.code")
    organization: str = Field(alias="organization.name")
    occupation: str = Field(alias="occupation.name")
    level: int
    route: str
    passed: bool
    status: str
    published_at: dt.datetime | None
    recheck_closes_on: dt.date | None
    recheck_open: bool

    @staticmethod
    def resolve_recheck_open(r: Result) -> bool:
        return selectors.recheck_open(r)


@router.get("/results/mine", response=list[MyResultOut], summary="本人已发布的成绩")
def my_results(request: HttpRequest) -> list[Result]:
    return list(selectors.my_results(user=request.user)[:200])


class RecheckRequestIn(Schema):
    subject: str = Field(..., description="theory / practical / panel")
    reason: str = Field("", max_length=300)


@router.post(
    "/results/{pk}/rechecks",
    response={201: RecheckOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="申请复查一个科目（考生本人，复查期内）",
)
def recheck_request(request: HttpRequest, pk: int, payload: RecheckRequestIn) -> Any:
    result = get_object_in_scope(selectors.my_results(user=request.user), pk=pk)
    done = _attempt(
        lambda: services.recheck_request(
            result=result,
            subject=payload.subject,
            reason=payload.reason,
            actor=request_actor(request),
        )
    )
    return done if isinstance(done, Status) else Status(201, done)


# --- the public query -----------------------------------------------------------------------------


class QueryIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30)
    ticket_no: str = Field(..., max_length=30)


# A result found, or the answer `{"found": False}` (every other field None).
class QueryOut(Schema):
    found: bool
    id_number: str | None = Field(None, alias="application.candidate.id_number_masked")
    occupation: str | None = Field(None, alias="occupation.name")
    level: int | None = None
    organization: str | None = Field(None, alias="organization.name")
    theory_score: float | None = None
    theory_state: str | None = None
    practical_score: float | None = None
    practical_state: str | None = None
    panel_score: float | None = None
    panel_state: str | None = None
    passed: bool | None = None

    @staticmethod
    def resolve_found(obj: Result | dict[str, bool]) -> bool:
        return obj["found"] if isinstance(obj, dict) else True


@router.post(
    "/query",
    auth=None,
    response={200: QueryOut, 429: ErrorOut},
    summary="按姓名、身份证号码、准考证号查询已发布成绩（按来源 IP 限流）",
)
def public_query(request: HttpRequest, payload: QueryIn) -> Any:
    """A mismatch, a missing record and someone else's record all answer {found: false}."""
    limited = too_many_requests(request, group=QUERY_GROUP, rate=QUERY_RATE)
    if limited is not None:
        return limited
    found = selectors.result_public_query(
        name=payload.name, id_number=payload.id_number, ticket_no=payload.ticket_no
    )
    return {"found": False} if found is None else found


# --- scoring set-up ----------------------------------------------------------------------------


def _managed_batch(request: HttpRequest, pk: int) -> ResultBatch:
    """Set-up is for the organisation's staff and the officers over it: a marker or the entry
    account who sees the batch still gets 404 here."""
    scope = scope_or_404(request.user, org_staff=True)
    return get_object_in_scope(selectors.batches_visible(scope=scope), pk=pk)


@router.post(
    "/plans/{plan_pk}/batch",
    response=BATCH_STEP,
    summary="建立成绩批次（计划考核结束后；已建立则同步新审核通过的考生）",
)
def open_batch(request: HttpRequest, plan_pk: int) -> Any:
    scope = scope_or_404(request.user, org_staff=True)
    plan = get_object_in_scope(plans_visible(scope=scope), pk=plan_pk)
    return _attempt(
        lambda: services.batch_open_after_exam(
            plan=plan, actor=request_actor(request), now=timezone.now()
        )
    )


class EntryAccountIn(Schema):
    user_id: int


@router.post("/batches/{pk}/entry-account", response=BATCH_STEP, summary="指定成绩录入专用账号")
def set_entry_account(request: HttpRequest, pk: int, payload: EntryAccountIn) -> Any:
    batch = _managed_batch(request, pk)
    user = selectors.entry_account_choices(batch=batch).filter(pk=payload.user_id).first()
    if user is None:
        raise DomainError(
            "scoring.entry_account_role",
            "该账号不能担任本批次的成绩录入专用账号（社会化评价为本批次的阅卷组长，"
            "企业自主评价为本企业的账号）",
            field="user_id",
        )
    return _attempt(
        lambda: services.batch_entry_account_set(
            batch=batch, user=user, actor=request_actor(request)
        )
    )


class StaffIn(Schema):
    people: list[int] = Field(..., max_length=200, description="人员 id")


class StaffOut(Schema):
    duty: str
    people: list[int]


@router.put(
    "/batches/{pk}/staff/{duty}",
    response={200: StaffOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="安排阅卷员、阅卷组长、操作技能考评员或综合评审专家（整组替换）",
)
def set_staff(request: HttpRequest, pk: int, duty: str, payload: StaffIn) -> Any:
    batch = _managed_batch(request, pk)
    if duty not in BatchDuty.values:
        raise DomainError("scoring.duty_invalid", f"未知职责 {duty[:20]!r}", field="duty")
    choices = selectors.staff_choices(batch=batch)
    people = list(choices.filter(pk__in=payload.people))
    unknown = sorted(set(payload.people) - {p.pk for p in people})
    if unknown:
        raise DomainError(
            "scoring.staff_unknown",
            f"人员 {unknown[0]} 不是本省本职业的考评人员，不能安排",
            field="people",
        )
    done = _attempt(
        lambda: services.staff_set(
            batch=batch, duty=duty, people=people, actor=request_actor(request)
        )
    )
    if isinstance(done, Status):
        return done
    return {"duty": duty, "people": [s.person_id for s in done]}


class PaperIn(Schema):
    paper: str = Field(..., max_length=40, description="试卷编号（本计划职业等级的封存试卷）")


class ScriptsOut(Schema):
    created: int


def _batch_paper(batch: ResultBatch, code: str) -> Any:
    paper = selectors.batch_papers(batch=batch).filter(code=code.strip()).first()
    if paper is None:
        raise DomainError(
            "responses.paper_not_of_plan",
            f"没有本批次评价计划可用的封存试卷 {code.strip()[:40]}",
            field="paper",
        )
    return paper


@router.post(
    "/batches/{pk}/scripts",
    response={200: ScriptsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="按封存试卷分发主观题盲评答卷",
)
def create_scripts(request: HttpRequest, pk: int, payload: PaperIn) -> Any:
    batch = _managed_batch(request, pk)
    paper = _batch_paper(batch, payload.paper)
    done = _attempt(
        lambda: services.scripts_create(batch=batch, paper=paper, actor=request_actor(request))
    )
    return done if isinstance(done, Status) else {"created": done}


class ResponseUploadOut(Schema):
    id: int
    batch: int = Field(alias="batch_id")
    paper: str = Field(alias="paper.code")
    file_name: str
    status: str
    progress: int
    row_count: int
    scored_count: int
    error_count: int
    errors: list[dict[str, Any]]
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_errors(job: ResponseUpload) -> list[dict[str, Any]]:
        return job.errors[:500]


@router.post(
    "/batches/{pk}/responses",
    response={202: ResponseUploadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="上传作答文件（CSV，后台逐行校验后客观题评分）",
)
def upload_responses(
    request: HttpRequest, pk: int, paper: Form[str], file: File[UploadedFile]
) -> Any:
    batch = _managed_batch(request, pk)
    chosen = _batch_paper(batch, paper)
    done = _attempt(
        lambda: response_upload_start(
            batch=batch, paper=chosen, upload=file, actor=request_actor(request)
        )
    )
    if isinstance(done, Status):
        return done
    done.refresh_from_db()
    return Status(202, done)


@router.get(
    "/responses/{pk}",
    response={200: ResponseUploadOut, 404: ErrorOut},
    summary="作答文件的校验与评分进度",
)
def response_upload_status(request: HttpRequest, pk: int) -> Any:
    return get_object_in_scope(
        selectors.response_uploads_visible(scope=scope_for(request.user)), pk=pk
    )


# --- bulk score entry and panel marking -----------------------------------------------------------

# A batch holds the candidates of one plan; a sheet longer than this is split by the client.
BULK_ROWS = 5000


class ScoreRowIn(Schema):
    result: int = Field(..., description="成绩 id（本批次的考生）")
    score: float = Field(..., description="0–100 分")


class BulkScoresIn(Schema):
    part: str = Field(..., max_length=20, description="theory / practical / panel")
    scores: list[ScoreRowIn] = Field(..., min_length=1, max_length=BULK_ROWS)


class PanelMarksIn(Schema):
    scores: list[ScoreRowIn] = Field(..., min_length=1, max_length=BULK_ROWS)


BULK_STEP = BULK_COUNT_RESPONSES


def _by_result(pairs: Iterable[tuple[int, T]], field: str) -> dict[int, T]:
    """A result listed twice would let the second row silently win: refuse the sheet."""
    return keyed_once(
        pairs,
        lambda pk: DomainError(
            "scoring.result_repeated",
            f"成绩 {pk} 在名单中出现了两次，请核对后重新提交",
            field=field,
        ),
    )


def _count_of(step: Callable[[], int]) -> Any:
    """Run a batch service as `_attempt` does; its answer is the count of rows written."""
    done = _attempt(step)
    return done if isinstance(done, Status) else {"count": done}


@router.post(
    "/batches/{pk}/scores",
    response=BULK_STEP,
    summary="批量录入一个科目的成绩（本批次的成绩录入专用账号；整批成功或整批退回）",
)
def enter_scores(request: HttpRequest, pk: int, payload: BulkScoresIn) -> Any:
    batch = _batch(request, pk)
    scores = _by_result(((r.result, r.score) for r in payload.scores), "scores")
    return _count_of(
        lambda: services.results_score_enter_bulk(
            batch=batch, part=payload.part, scores=scores, actor=request_actor(request)
        )
    )


@router.post(
    "/batches/{pk}/panel-marks",
    response=BULK_STEP,
    summary="综合评审专家批量提交本人评分（整批成功或整批退回）",
)
def submit_panel_marks(request: HttpRequest, pk: int, payload: PanelMarksIn) -> Any:
    batch = _batch(request, pk)
    scores = _by_result(((r.result, r.score) for r in payload.scores), "scores")
    return _count_of(
        lambda: services.panel_marks_submit_bulk(
            batch=batch, scores=scores, actor=request_actor(request)
        )
    )


class SheetItemIn(Schema):
    item: str = Field("", max_length=50, description="评分项")
    max: float = Field(..., description="该项满分")
    score: float = Field(..., description="该项得分")


class SheetIn(Schema):
    result: int = Field(..., description="成绩 id（本批次的考生）")
    items: list[SheetItemIn] = Field(..., min_length=1, max_length=50)


class PracticalSheetsIn(Schema):
    sheets: list[SheetIn] = Field(..., min_length=1, max_length=BULK_ROWS)


@router.post(
    "/batches/{pk}/practical-sheets",
    response=BULK_STEP,
    summary="操作技能考评员批量提交本人评分表（整批成功或整批退回）",
)
def submit_practical_sheets(request: HttpRequest, pk: int, payload: PracticalSheetsIn) -> Any:
    batch = _batch(request, pk)
    sheets = _by_result(
        ((s.result, [row.dict() for row in s.items]) for s in payload.sheets), "sheets"
    )
    return _count_of(
        lambda: services.practical_sheets_submit_bulk(
            batch=batch, sheets=sheets, actor=request_actor(request)
        )
    )


class MarkRowIn(Schema):
    mark: int = Field(..., description="评分任务 id（本人在本批次的待评答卷）")
    score: float = Field(..., description="得分（0 到该题满分）")


class MarksIn(Schema):
    marks: list[MarkRowIn] = Field(..., min_length=1, max_length=BULK_ROWS)


@router.post(
    "/batches/{pk}/marks",
    response=BULK_STEP,
    summary="阅卷员批量提交本人主观题评分（整批成功或整批退回）",
)
def submit_marks(request: HttpRequest, pk: int, payload: MarksIn) -> Any:
    batch = _batch(request, pk)
    scores = keyed_once(
        ((row.mark, row.score) for row in payload.marks),
        lambda pk: DomainError(
            "marking.mark_repeated",
            f"评分任务 {pk} 在名单中出现了两次，请核对后重新提交",
            field="marks",
        ),
    )
    return _count_of(
        lambda: services.marks_submit_bulk(batch=batch, scores=scores, actor=request_actor(request))
    )


class PartStateRowIn(Schema):
    result: int = Field(..., description="成绩 id（本批次的考生）")
    part: str = Field(..., max_length=20, description="theory / practical / panel")
    state: str = Field(..., max_length=20, description="absent（缺考）/ voided（违纪作废）/ exempt")
    reason: str = Field("", max_length=300, description="原因")


class PartStatesIn(Schema):
    rows: list[PartStateRowIn] = Field(..., min_length=1, max_length=BULK_ROWS)


@router.post(
    "/batches/{pk}/part-states",
    response=BULK_STEP,
    summary="批量记录缺考、违纪作废或免考（本批次的成绩录入专用账号；整批成功或整批退回）",
)
def set_part_states(request: HttpRequest, pk: int, payload: PartStatesIn) -> Any:
    batch = _batch(request, pk)
    rows = [services.PartStateRow(r.result, r.part, r.state, r.reason) for r in payload.rows]
    return _count_of(
        lambda: services.results_part_state_set_bulk(
            batch=batch, rows=rows, actor=request_actor(request)
        )
    )
