"""Hostile and broken answer files through `manage.py scoring score`: other encodings are
read; everything else exits 2 with a coded Chinese error, records nothing, writes nothing."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from skillcert.accounts.actors import SystemActor
from skillcert.common.errors import DomainError
from skillcert.common.tests.hostile_files import (
    FORMULAS,
    FUZZ,
    byte_mutation,
    is_chinese,
    row_counts,
)
from skillcert.common.untrusted_files import text_decode
from skillcert.scoring.models import ItemAnalysis, Result
from skillcert.scoring.services import responses_score

SYSTEM_TEST = SystemActor("test")


def _score(tmp_path: Path, data: bytes) -> Path:
    responses, out = tmp_path / "responses.csv", tmp_path / "scores.csv"
    responses.write_bytes(data)
    call_command(
        "scoring", "score", "--paper", "P-HR4-A", "--responses", str(responses), "--out", str(out)
    )
    return out


def _scored() -> int:
    return Result.objects.filter(theory_objective__isnull=False).count()


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gbk"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    ],
    ids=["gbk", "utf8-bom", "utf16"],
)
def test_reads_answer_files_in_other_encodings(world: Any, tmp_path: Path, encode) -> None:
    out = _score(tmp_path, encode(world.csv()))
    assert out.exists() and _scored() == 4


def _hostile(world: Any) -> dict[str, tuple[bytes, str]]:
    good = world.csv()
    first = str(world.applications[0].pk)
    return {
        "nul": (good.replace(",B,", ",B\x00,", 1).encode(), "upload.nul_byte"),
        "undecodable": (b"\x80\xff\xfe\x81" * 30, "upload.encoding"),
        "huge-field": (
            (good + first + ',A,"' + "A" * 200_000 + '",,,\n').encode(),
            "upload.csv_invalid",
        ),
        "huge-candidate": (
            good.replace("\n" + first + ",", "\n" + "考" * 100_000 + ",", 1).encode(),
            "responses.unknown_candidate",
        ),
        "json": (json.dumps({"responses": [["B", "AC"]]}).encode(), "responses.header"),
        "truncated": (
            good[: good.index("\n", len(good) // 2) - 2].encode(),
            "responses.item_count",
        ),
        "formula": (good.replace(",B,", f",{FORMULAS[0]},", 1).encode(), "responses.bad_answer"),
        "empty": (b"", "responses.empty"),
    }


@pytest.mark.parametrize(
    "name",
    ["nul", "undecodable", "huge-field", "huge-candidate", "json", "truncated", "formula", "empty"],
)
def test_hostile_answer_file_exits_2_and_records_nothing(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    data, code = _hostile(world)[name]
    before = row_counts(Result, ItemAnalysis)
    with pytest.raises(CommandError) as caught:
        _score(tmp_path, data)
    assert caught.value.returncode == 2
    error = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert error["code"] == code
    assert is_chinese(error["message"]) and len(error["message"]) < 300
    assert row_counts(Result, ItemAnalysis) == before and _scored() == 0
    assert not (tmp_path / "scores.csv").exists()


@FUZZ
@given(data=st.data())
def test_mutated_answer_files_are_scored_whole_or_not_at_all(world: Any, data: Any) -> None:
    raw = data.draw(byte_mutation(world.csv().encode()))
    try:
        report = responses_score(
            paper_code="P-HR4-A", text=text_decode(raw, what="作答文件"), actor=SYSTEM_TEST
        )
    except DomainError as exc:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", exc.code) and is_chinese(exc.message)
        assert _scored() == 0
    else:
        assert _scored() == len(report.rows)
        Result.objects.update(theory_objective=None)  # the next example starts unscored
