"""Reading answer files from a computer-based exam export or an answer-sheet scanner.

Format (docs/formats/responses.md): UTF-8 CSV, header `candidate_id,form,1,2,…,N` — one
column per item in paper order — and one row per candidate. An answer is the letters chosen
("A", "ACD"), 对/错 (or T/F) for true/false, empty for blank. A file that does not match the
paper is rejected whole, naming the first problem: nothing is scored from half a file."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skillcert.common.errors import DomainError
from skillcert.common.untrusted_files import csv_rows
from skillcert.scoring.objective import parse_choice


@dataclass(frozen=True)
class ResponseBatch:
    candidate_ids: list[str]
    responses: np.ndarray  # uint8 (candidates × items)


def _check_header(header: list[str] | None, item_count: int) -> list[str]:
    expected = ["candidate_id", "form", *[str(i) for i in range(1, item_count + 1)]]
    if header is None:
        raise DomainError("responses.empty", "作答文件为空", field="file")
    header = [h.strip() for h in header]
    if header[:2] != ["candidate_id", "form"]:
        raise DomainError(
            "responses.header", "作答文件表头应以 candidate_id,form 开头", field="header"
        )
    if len(header) != len(expected):
        raise DomainError(
            "responses.item_count",
            f"作答文件有 {len(header) - 2} 道题，试卷为 {item_count} 道题",
            field="header",
        )
    if header != expected:
        raise DomainError("responses.header", "题号列应依次为 1 到 N", field="header")
    return expected


def read_responses(
    text: str, *, form: str, item_count: int, known_candidates: frozenset[str] | None = None
) -> ResponseBatch:
    reader = csv_rows(text.lstrip("\ufeff"), what="作答文件")
    expected = _check_header(next(reader, None), item_count)
    ids: list[str] = []
    seen: set[str] = set()
    rows: list[list[int]] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(expected):
            raise DomainError(
                "responses.item_count",
                f"第{line}行有 {len(row) - 2} 个作答，试卷为 {item_count} 道题",
                field=f"row {line}",
            )
        candidate, row_form = row[0].strip(), row[1].strip()
        shown = candidate[:40]  # quoted back in messages: a pasted blob stays out of them
        if row_form != form:
            raise DomainError(
                "responses.wrong_form",
                f"第{line}行为 {row_form[:10] or '(空)'} 卷，本试卷为 {form} 卷",
                field=f"row {line}",
            )
        if known_candidates is not None and candidate not in known_candidates:
            raise DomainError(
                "responses.unknown_candidate",
                f"第{line}行的考生 {shown} 不在本批次考生名单中",
                field=f"row {line}",
            )
        if candidate in seen:
            raise DomainError(
                "responses.duplicate_candidate",
                f"第{line}行的考生 {shown} 重复",
                field=f"row {line}",
            )
        seen.add(candidate)
        try:
            rows.append([parse_choice(cell) for cell in row[2:]])
        except ValueError as exc:
            raise DomainError(
                "responses.bad_answer",
                f"第{line}行有无法识别的作答“{str(exc)[:20]}”",
                field=f"row {line}",
            ) from None
        ids.append(candidate)
    if not ids:
        raise DomainError("responses.empty", "作答文件中没有考生作答", field="file")
    return ResponseBatch(ids, np.array(rows, dtype=np.uint8).reshape(len(ids), item_count))
