"""Hostile and broken room and candidate files for `manage.py seating solve`: other
encodings are read; the rest exits 2 with a coded Chinese error and writes no chart."""

from __future__ import annotations

import codecs
import json
import re

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from skillcert.common.tests.hostile_files import FORMULAS, FUZZ, byte_mutation, is_chinese

CANDIDATES = "candidate_id,district,org,form\n" + "".join(
    f"c{i},南京,o{i % 3},{'AB'[i % 2]}\n" for i in range(20)
)
ROOMS = "room_id,district,site,rows,cols\nnj1,南京,s1,5,6\n"


def _solve(tmp_path, capsys, rooms: bytes, candidates: bytes | None = None):
    (tmp_path / "r.csv").write_bytes(rooms)
    (tmp_path / "c.csv").write_bytes(candidates or CANDIDATES.encode())
    out = tmp_path / "seats.csv"
    args = ["--candidates", str(tmp_path / "c.csv"), "--rooms", str(tmp_path / "r.csv")]
    try:
        call_command("seating", "solve", *args, "--seed", "7", "--out", str(out))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(capsys.readouterr().out), out


@pytest.mark.parametrize(
    "rooms",
    [
        ROOMS.encode("gbk"),
        codecs.BOM_UTF8 + ROOMS.encode(),
        codecs.BOM_UTF16_LE + ROOMS.encode("utf-16-le"),
    ],
    ids=["gbk", "utf8-bom", "utf16"],
)
def test_reads_room_files_in_other_encodings(tmp_path, capsys, rooms):
    code, summary, out = _solve(tmp_path, capsys, rooms)
    assert code == 0 and summary["seated"] == 20 and out.exists()


@pytest.mark.parametrize(
    ("rooms", "code"),
    [
        (ROOMS.replace("nj1", "nj\x001").encode(), "upload.nul_byte"),
        (b"\x80\xff\xfe\x81" * 10, "upload.encoding"),
        ((ROOMS + '"' + "x" * 200_000 + '",南京,s,1,1\n').encode(), "upload.csv_invalid"),
        (b'[{"room_id": "nj1", "rows": 5}]', "seating.columns"),
        (ROOMS.replace(",6\n", "\n").encode(), "seating.row_shape"),
        (ROOMS.replace("5,6", "30000,30000").encode(), "seating.room_size"),
        (ROOMS.replace("5,6", f"{FORMULAS[0]},6").encode(), "seating.room_size"),
    ],
    ids=["nul", "undecodable", "huge-field", "json", "short-row", "huge-room", "formula"],
)
def test_bad_room_file_exits_2_and_writes_no_chart(tmp_path, capsys, rooms, code):
    status, payload, out = _solve(tmp_path, capsys, rooms)
    assert status == 2
    assert payload["code"] == code and is_chinese(payload["message"])
    assert len(payload["message"]) < 400
    assert not out.exists()


@FUZZ
@given(raw=st.data())
def test_mutated_room_files_end_in_a_chart_or_a_coded_exit(tmp_path, capsys, raw):
    rooms = raw.draw(byte_mutation(ROOMS.encode()))
    (tmp_path / "seats.csv").unlink(missing_ok=True)
    status, payload, out = _solve(tmp_path, capsys, rooms)
    assert status in (0, 2, 3)
    if status:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", payload["code"]) and is_chinese(payload["message"])
        assert not out.exists()
