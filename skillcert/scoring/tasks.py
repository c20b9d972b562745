"""Answer files as background work (django-tasks; the database backend in production, the
immediate backend under tests). A scanner's export for a whole sitting can hold thousands of
rows: the request only checks who uploads what and stores the file (`response_upload_start`);
a worker checks every row and, when the whole file is sound, runs objective scoring
(`response_upload_run`). The queueing write lives here, beside its task, so that the services
never import the worker."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.untrusted_files import csv_rows, text_decode
from skillcert.common.uploads import FileKind, document_store
from skillcert.itembank.permits import BankAction, item_may
from skillcert.itembank.selectors import paper_is_sealed
from skillcert.scoring import objective, selectors
from skillcert.scoring.models import (
    BatchStatus,
    PartState,
    ResponseUpload,
    ResponseUploadStatus,
    Result,
)
from skillcert.scoring.responses import read_responses
from skillcert.scoring.services import form_letter, responses_score
from skillcert.scoring.services._access import acting_person, require_org_or_officer

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from skillcert.accounts.actors import Actor
    from skillcert.itembank.models import Paper
    from skillcert.scoring.models import ResultBatch

RESPONSES_MAX_BYTES = 20 * 1024 * 1024
# The error list kept for the page; the count is always complete up to the cap.
MAX_ROW_ERRORS = 500
_TEXT_SNIFF = 64


def _looks_like_text(head: bytes) -> bool:
    """UTF-16 (with its BOM) has NUL bytes; any other text encoding accepted has none."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head[:_TEXT_SNIFF]


CSV = FileKind("text/csv", (".csv", ".txt"), "CSV 文件", _looks_like_text)


def response_upload_start(
    *, batch: ResultBatch, paper: Paper, upload: UploadedFile | None, actor: Actor
) -> ResponseUpload:
    """Check who uploads for which batch and paper, store the file (content-checked, mode
    0600) and queue the job after commit, so that the worker finds the row."""
    user = acting_person(actor)
    require_org_or_officer(actor, batch, "上传作答文件")
    if user is None:
        raise DomainError("responses.person_required", "作答文件须由具体人员上传")
    if batch.status != BatchStatus.ENTERING:
        raise DomainError("scoring.entry_locked", "成绩批次已提交，不能再导入作答")
    if not selectors.batch_papers(batch=batch).filter(pk=paper.pk).exists():
        raise DomainError(
            "responses.paper_not_of_plan",
            f"试卷 {paper.code} 不属于本批次的评价计划",
            field="paper",
        )
    if not paper_is_sealed(paper=paper):
        raise DomainError(
            "scoring.paper_not_sealed", f"试卷 {paper.code} 尚未封存，不能评分", field="paper"
        )
    if upload is None:
        raise DomainError("responses.file_missing", "请选择作答文件（CSV）", field="file")
    with transaction.atomic():
        job = ResponseUpload(batch=batch, paper=paper, created_by=user)
        stored = document_store(
            upload=upload, into=job.file, kinds=(CSV,), max_bytes=RESPONSES_MAX_BYTES
        )
        job.file_name, job.sha256 = stored.original_name, stored.sha256
        try:
            job.save()
        except Exception:
            job.file.delete(save=False)
            raise
        audit_record(
            actor=actor,
            action="responses.upload",
            obj=batch,
            changes={"upload": job.pk, "paper": paper.code, "bytes": stored.size},
        )
        transaction.on_commit(lambda: response_upload_run.enqueue(job.pk))
    return job


# --- the worker ------------------------------------------------------------------------------


def _row_error(row: Any, code: str, message: str) -> dict[str, Any]:
    return {"row": row, "code": code, "message": message}


def _row_number(field: str | None) -> int | None:
    if field and field.startswith("row "):
        try:
            return int(field[4:])
        except ValueError:
            return None
    return None


def _records_text(header: list[str], records: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return out.getvalue()


def _check_rows(job: ResponseUpload, text: str) -> tuple[int, list[dict[str, Any]]]:
    """Every bad row of the file, not only the first: the parser stops at the first problem,
    so each rejected row is blanked (blank rows are skipped, numbering is kept) and the file is
    read again, until it passes or a problem is not a row's. Candidates recorded absent or
    voided must have no answers. Returns (candidate rows, errors)."""
    records = list(csv_rows(text.lstrip("\ufeff"), what="作答文件"))
    if not records:
        raise DomainError("responses.empty", "作答文件为空", field="file")
    header, body = records[0], records[1:]
    paper = job.paper
    item_count = job.paper.paper_items.filter(item__item_type__in=objective.ITEM_TYPES).count()
    refs = dict(Result.objects.filter(batch=job.batch).values_list("candidate_ref", "theory_state"))
    errors: list[dict[str, Any]] = []
    while len(errors) < MAX_ROW_ERRORS:
        try:
            parsed = read_responses(
                _records_text(header, body),
                form=form_letter(paper),
                item_count=item_count,
                known_candidates=frozenset(refs),
            )
        except DomainError as exc:
            line = _row_number(exc.field)
            if line is None:
                if not errors:
                    raise
                break  # only the rejected rows were left: their errors are listed
            errors.append(_row_error(line, exc.code, exc.message))
            body[line - 2] = []
            continue
        for line, record in enumerate(body, start=2):
            if not record or not record[0].strip():
                continue
            state = refs.get(record[0].strip())
            if state in (PartState.ABSENT, PartState.VOIDED):
                errors.append(
                    _row_error(
                        line,
                        "responses.absent_candidate",
                        f"第{line}行的考生 {record[0].strip()[:40]} 已记录为"
                        f"{PartState(state).label}，不能有作答",
                    )
                )
        return len(parsed.candidate_ids), sorted(errors, key=lambda e: e["row"])
    return sum(1 for r in body if r), sorted(errors, key=lambda e: e["row"])


def _manages_items(job: ResponseUpload) -> bool:
    """The item analysis feeds difficulty and discrimination back to the bank, which only its
    managers may update: an organisation's upload scores the candidates, and the analysis is
    run when a bank manager (the province's assessment centre) uploads."""
    items = [pi.item for pi in job.paper.paper_items.select_related("item__bank")]
    return all(item_may(job.created_by, it, BankAction.MANAGE) for it in items)


def _read(job: ResponseUpload) -> bytes:
    job.file.open("rb")
    try:
        return job.file.read()
    finally:
        job.file.close()


def _update(job: ResponseUpload, **fields: Any) -> None:
    ResponseUpload.objects.filter(pk=job.pk).update(**fields)


def _fail(job: ResponseUpload, errors: list[dict[str, Any]], message: str, rows: int = 0) -> None:
    # A refused file is not kept: only the errors, which quote candidate ids, not answers.
    job.file.delete(save=False)
    _update(
        job,
        file="",
        status=ResponseUploadStatus.FAILED,
        progress=100,
        row_count=rows,
        error_count=len(errors),
        errors=errors[:MAX_ROW_ERRORS],
        message=message,
        finished_at=timezone.now(),
    )


@task()
def response_upload_run(upload_id: int) -> None:
    job = ResponseUpload.objects.select_related("batch", "paper", "created_by").get(pk=upload_id)
    if job.status != ResponseUploadStatus.QUEUED:
        return  # a task delivered twice: the first run did the work
    _update(job, status=ResponseUploadStatus.CHECKING, progress=10)
    try:
        text = text_decode(_read(job), what="作答文件")
        rows, errors = _check_rows(job, text)
        if errors:
            _fail(job, errors, f"作答文件有 {len(errors)} 处错误，整个文件未评分", rows)
            return
        _update(job, status=ResponseUploadStatus.SCORING, progress=60, row_count=rows)
        report = responses_score(
            paper_code=job.paper.code,
            text=text,
            actor=job.created_by,
            with_analysis=_manages_items(job),
        )
    except DomainError as exc:
        line = _row_number(exc.field)
        _fail(job, [_row_error(line or "", exc.code, exc.message)], "作答文件未评分")
        return
    except Exception:
        _fail(job, [], "评分时发生内部错误，请联系系统管理员")
        raise
    _update(
        job,
        status=ResponseUploadStatus.DONE,
        progress=100,
        scored_count=len(report.rows),
        finished_at=timezone.now(),
    )
