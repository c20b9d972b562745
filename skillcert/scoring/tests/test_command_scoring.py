"""`manage.py scoring score`: exit 0 with scores and analysis written; exit 2 with the JSON
error on stderr and nothing recorded when the file is rejected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillcert.scoring.models import ItemAnalysis, Result


def _score(responses: Path, out: Path, *extra: str) -> None:
    """`manage.py scoring score` of the sealed paper P-HR4-A."""
    call_command(
        "scoring",
        "score",
        "--paper",
        "P-HR4-A",
        "--responses",
        str(responses),
        "--out",
        str(out),
        *extra,
    )


def test_scores_file_and_writes_scores_and_analysis(world: Any, tmp_path: Path) -> None:
    responses = tmp_path / "responses.csv"
    responses.write_text(world.csv(), encoding="utf-8")
    out, analysis = tmp_path / "scores.csv", tmp_path / "analysis.json"
    _score(responses, out, "--analysis", str(analysis))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "candidate_id,form,score,max_score"
    assert lines[1] == f"{world.applications[0].pk},A,40,40"
    data = json.loads(analysis.read_text(encoding="utf-8"))
    assert data["candidates"] == 4 and "S003" in data["flagged_items"]
    assert {i["item_id"] for i in data["items"]} == {"S001", "S002", "S003", "S004"}


def test_rejected_file_exits_2_with_json_and_records_nothing(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    responses = tmp_path / "responses.csv"
    responses.write_text(world.csv(form="B"), encoding="utf-8")
    out = tmp_path / "scores.csv"
    with pytest.raises(CommandError) as err:
        _score(responses, out)
    assert err.value.returncode == 2
    error = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert error["code"] == "responses.wrong_form" and error["field"] == "row 2"
    assert not out.exists()
    assert not Result.objects.filter(theory_objective__isnull=False).exists()
    assert not ItemAnalysis.objects.exists()


def test_missing_file_exits_2(world: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as err:
        _score(tmp_path / "none.csv", tmp_path / "o.csv")
    assert err.value.returncode == 2
    assert "none.csv" in str(err.value)
