import csv
import json

import pytest
from django.core.management import call_command


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("seating", "solve", *args)
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def _solve_refused(capsys, cand, rooms, out):
    """A solve that stops before writing `out`: its exit code and the JSON it printed."""
    return _run(capsys, "--candidates", cand, "--rooms", rooms, "--seed", "1", "--out", str(out))


def test_solve_writes_the_chart_and_a_summary(tmp_path, capsys):
    cand = _write(
        tmp_path / "c.csv",
        ["candidate_id", "district", "org", "form"],
        [[f"c{i}", "南京" if i < 40 else "苏州", f"o{i % 4}", "AB"[i % 2]] for i in range(50)],
    )
    rooms = _write(
        tmp_path / "r.csv",
        ["room_id", "district", "site", "rows", "cols"],
        [["nj1", "南京", "s1", 5, 6], ["nj2", "南京", "s1", 5, 6], ["sz1", "苏州", "s2", 5, 6]],
    )
    out = tmp_path / "seats.csv"
    call_command(
        "seating", "solve", "--candidates", cand, "--rooms", rooms, "--seed", "7", "--out", str(out)
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "seated": 50,
        "rooms_used": 3,
        "adjacent_same_org": summary["adjacent_same_org"],
    }
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["candidate_id", "room_id", "seat_no", "row", "col"]
    assert len(rows) == 50


def test_formulas_in_input_ids_are_inert_in_the_output(tmp_path, capsys):
    cand = _write(
        tmp_path / "c.csv",
        ["candidate_id", "district", "org", "form"],
        [['=HYPERLINK("http://x","点我")', "南京", "o1", "A"], ["c2", "南京", "o2", "A"]],
    )
    rooms = _write(
        tmp_path / "r.csv",
        ["room_id", "district", "site", "rows", "cols"],
        [["+cmd", "南京", "s1", 2, 2]],
    )
    out = tmp_path / "seats.csv"
    call_command(
        "seating", "solve", "--candidates", cand, "--rooms", rooms, "--seed", "7", "--out", str(out)
    )
    capsys.readouterr()
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = {r["candidate_id"] for r in rows}
    assert '\'=HYPERLINK("http://x","点我")' in ids and "c2" in ids
    assert {r["room_id"] for r in rows} == {"'+cmd"}


def test_short_district_exits_3_naming_it(tmp_path, capsys):
    cand = _write(
        tmp_path / "c.csv",
        ["candidate_id", "district", "org", "form"],
        [[f"c{i}", "南京", "o", ""] for i in range(12)],
    )
    rooms = _write(
        tmp_path / "r.csv",
        ["room_id", "district", "site", "rows", "cols"],
        [["r", "南京", "s", 2, 5]],
    )
    code, payload = _solve_refused(capsys, cand, rooms, tmp_path / "o.csv")
    assert code == 3
    assert payload["short_districts"] == [{"district": "南京", "short_by": 2}]
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    ("cand_rows", "room_rows", "cand_header", "field"),
    [
        (
            [["c1", "南京", "o", ""]],
            [["r", "南京", "s", 2, 5]],
            ["candidate_id", "district", "organisation", "form"],
            "考生",
        ),
        (
            [["c1", "南京", "o", ""], ["c1", "南京", "o", ""]],
            [["r", "南京", "s", 2, 5]],
            None,
            "candidate_id",
        ),
        ([["c1", "南京", "o", ""]], [["r", "南京", "s", 0, 5]], None, "rows"),
        ([["c1", "南京", "o", ""]], [["r", "南京", "s", "x", 5]], None, "rows"),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_the_field(
    tmp_path, capsys, cand_rows, room_rows, cand_header, field
):
    cand = _write(
        tmp_path / "c.csv", cand_header or ["candidate_id", "district", "org", "form"], cand_rows
    )
    rooms = _write(tmp_path / "r.csv", ["room_id", "district", "site", "rows", "cols"], room_rows)
    code, payload = _solve_refused(capsys, cand, rooms, tmp_path / "o.csv")
    assert code == 2
    assert payload["field"] == field
    assert payload["message"]
