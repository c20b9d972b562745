"""The score sheet the dedicated entry account uploads (成绩录入表): one part's scores of many
candidates, read by 考生编号 and checked row by row against the batch before the service
enters them all or none. A refused row names its line and column; the rules (who may enter,
which part a candidate sits, a locked batch) stay in `results_score_enter_bulk`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms

from skillcert.common.errors import DomainError
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.sheet_uploads import Column, SheetRow, row_error, sheet_read
from skillcert.scoring.forms import PART_CHOICES

WHAT = "成绩录入表"
COLUMNS = (
    Column("ref", "考生编号", aliases=("candidate_ref",)),
    Column("name", "姓名", required=False),
    Column("score", "成绩", aliases=("score",)),
)
TEMPLATE_HEADERS = ["考生编号", "姓名", "职业", "等级", "成绩"]
# One plan's candidates; the API's limit too.
MAX_ROWS = 5000


class ScoreSheetForm(NamedErrorsForm):
    part = forms.ChoiceField(label="科目", choices=PART_CHOICES)
    file = forms.FileField(label="成绩录入表（.xlsx、.xls 或 .csv）")


@dataclass(frozen=True)
class SheetCandidate:
    """A result of the batch as the sheet names it."""

    result_id: int
    name: str


@dataclass(frozen=True)
class ScoreSheet:
    """The scores by result id, and each result's line in the file (to name it later)."""

    scores: dict[int, float]
    lines: dict[str, int]


def _score(row: SheetRow) -> float:
    text = row.text("score")
    try:
        value = float(text)
    except ValueError:
        raise row_error(
            row,
            "score",
            "scoring.sheet_score_invalid",
            f"应为0到100的数字（现为“{text[:20]}”）；缺考、违纪作废、免考请在下方逐人记录",
        ) from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise row_error(
            row, "score", "scoring.sheet_score_invalid", f"应在0到100之间（现为{text}）"
        )
    return value


def score_sheet_read(
    content: bytes, *, filename: str, candidates: Mapping[str, SheetCandidate]
) -> ScoreSheet:
    """The filled rows of the sheet (a row without a score is left as it is). Refused: a
    candidate not of the batch, one listed twice, a name that is not the candidate's, a score
    that is not a number from 0 to 100, a sheet with no score at all."""
    rows: Sequence[SheetRow] = sheet_read(
        content, filename=filename, what=WHAT, columns=COLUMNS, max_rows=MAX_ROWS
    )
    scores: dict[int, float] = {}
    lines: dict[str, int] = {}
    for row in rows:
        ref = row.text("ref")
        if not ref:
            raise row_error(row, "ref", "scoring.sheet_candidate_missing", "请填写考生编号")
        candidate = candidates.get(ref)
        if candidate is None:
            raise row_error(
                row, "ref", "scoring.sheet_candidate_unknown", f"考生编号 {ref[:20]} 不属于本批次"
            )
        if ref in lines:
            raise row_error(
                row, "ref", "scoring.sheet_candidate_repeated", f"考生 {ref} 与第{lines[ref]}行重复"
            )
        lines[ref] = row.line
        name = row.text("name")
        if name and name != candidate.name:
            raise row_error(
                row,
                "name",
                "scoring.sheet_name_mismatch",
                f"考生 {ref} 的姓名是“{candidate.name}”，表中为“{name[:20]}”，请核对是否错行",
            )
        if row.text("score"):
            scores[candidate.result_id] = _score(row)
    if not scores:
        raise DomainError("scoring.sheet_no_scores", f"{WHAT}中没有填写任何成绩", field="file")
    return ScoreSheet(scores, lines)
