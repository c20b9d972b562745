"""`manage.py scoring score --paper PAPER --responses responses.csv --out scores.csv
[--analysis analysis.json]`: score an answer file against the sealed paper's key, record each
candidate's objective score on their result, write the per-candidate scores and (optionally)
the item analysis; the analysis also goes back to the item bank (difficulty, discrimination,
flagged items back to review).

Exit codes: 0 scored (scores.csv written); 2 bad input — unknown or unsealed paper, unreadable
file, or an answer file rejected whole (wrong form, unknown candidate, wrong item count,
duplicate candidate, unreadable answer): `{"code", "message", "field"}` on stderr, nothing
recorded and no output written."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.accounts.actors import SystemActor
from skillcert.common.errors import DomainError
from skillcert.common.exports import formula_safe
from skillcert.common.untrusted_files import text_decode
from skillcert.scoring.services import responses_score

EXIT_BAD_INPUT = 2
ACTOR = SystemActor("scoring-command")


def _read(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DomainError(
            "responses.unreadable", f"无法读取作答文件 {path}：{exc.strerror}", field="responses"
        ) from None
    return text_decode(data, what="作答文件")


class Command(BaseCommand):
    help = (
        "阅卷：scoring score --paper 试卷编号 --responses 作答.csv --out 成绩.csv "
        "[--analysis 分析.json]。退出码 0 已评分；2 输入有误或作答文件整体被拒绝"
        "（stderr 输出 JSON {code, message, field}）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        score = sub.add_parser(
            "score",
            help="按封存试卷的标准答案评分；退出码 0 已评分，2 输入有误/文件整体被拒绝",
        )
        score.add_argument("--paper", required=True, help="封存试卷编号")
        score.add_argument(
            "--responses", required=True, help="作答 CSV（docs/formats/responses.md）"
        )
        score.add_argument("--out", required=True, help="输出每名考生成绩的 CSV")
        score.add_argument("--analysis", help="输出试题与试卷分析 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = _read(options["responses"])
            report = responses_score(
                paper_code=options["paper"],
                text=text,
                actor=ACTOR,
                with_analysis=True,
            )
        except DomainError as exc:
            sys.stderr.write(json.dumps(exc.as_dict(), ensure_ascii=False) + "\n")
            raise CommandError(exc.message, returncode=EXIT_BAD_INPUT) from None
        with Path(options["out"]).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["candidate_id", "form", "score", "max_score"])
            for candidate, score in report.rows:
                writer.writerow(  # ids come from the uploaded responses: kept inert
                    [formula_safe(candidate), report.form, f"{score:g}", f"{report.max_score:g}"]
                )
        if options.get("analysis"):
            data: dict[str, Any] = {"paper": report.paper.code, "form": report.form}
            data |= (
                report.analysis.as_dict() if report.analysis else {"candidates": len(report.rows)}
            )
            data["flagged_items"] = report.flagged
            Path(options["analysis"]).write_text(
                json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        self.stdout.write(
            f"试卷 {report.paper.code}（{report.form}卷）已评分 {len(report.rows)} 人；"
            f"{len(report.flagged)} 道试题退回审核"
        )
