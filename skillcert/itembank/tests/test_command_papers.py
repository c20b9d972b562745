from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


BANK = {
    "items": [
        {
            "id": f"I{n:04d}",
            "element": "A-01",
            "type": "single",
            "difficulty": 0.4 + 0.02 * n,
            "score": 1,
            "exposure": n % 2,
        }
        for n in range(12)
    ]
    + [
        {
            "id": "I0100",
            "element": "B-01",
            "type": "true_false",
            "difficulty": 0.5,
            "enemy_group": "E7",
        },
        {
            "id": "I0101",
            "element": "B-01",
            "type": "true_false",
            "difficulty": 0.6,
            "enemy_group": "E7",
        },
    ]
}
BLUEPRINT = {
    "cells": [{"element": "A-01", "type": "single", "count": 4}],
    "difficulty": {"mean": 0.5, "tolerance": 0.05},
    "max_overlap": 1,
    "max_exposure": 5,
}


def _run(tmp_path, bank, blueprint, forms=3):
    out = tmp_path / "forms.json"
    args = [
        "papers",
        "assemble",
        "--bank",
        _write(tmp_path, "bank.json", bank),
        "--blueprint",
        _write(tmp_path, "blueprint.json", blueprint),
        "--forms",
        str(forms),
        "--seed",
        "1",
        "--out",
        str(out),
    ]
    try:
        call_command(*args)
    except CommandError as exc:
        return exc.returncode, out
    return 0, out


def test_assembles_forms_into_the_documented_json(tmp_path):
    code, out = _run(tmp_path, BANK, BLUEPRINT)
    assert code == 0
    forms = json.loads(out.read_text())["forms"]
    assert len(forms) == 3
    for form in forms:
        assert len(form["items"]) == 4 and abs(form["mean_difficulty"] - 0.5) <= 0.05
    for a in range(3):
        for b in range(a + 1, 3):
            assert len(set(forms[a]["items"]) & set(forms[b]["items"])) <= 1


def test_infeasible_exits_3_with_conflicts(tmp_path):
    blueprint = dict(BLUEPRINT, cells=[{"element": "B-01", "type": "true_false", "count": 2}])
    code, out = _run(tmp_path, BANK, blueprint, forms=1)
    assert code == 3
    report = json.loads(out.read_text())
    assert report["infeasible"] is True
    assert {"code", "message"} <= set(report["conflicts"][0])
    assert "敌对组 E7" in report["conflicts"][0]["message"]


@pytest.mark.parametrize(
    ("bank", "blueprint"),
    [
        ("{not json", BLUEPRINT),
        ({"items": [{"id": "I1", "element": "A-01", "type": "single"}]}, BLUEPRINT),
        (
            BANK,
            {
                "cells": [{"element": "A-01", "type": "single", "count": "4"}],
                "difficulty": {"mean": 0.5, "tolerance": 0.05},
            },
        ),
    ],
)
def test_bad_input_exits_2(tmp_path, bank, blueprint):
    code, out = _run(tmp_path, bank, blueprint)
    assert code == 2
    assert not out.exists()


def test_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command(
            "papers",
            "assemble",
            "--bank",
            str(tmp_path / "none.json"),
            "--blueprint",
            str(tmp_path / "none.json"),
            "--out",
            str(tmp_path / "o.json"),
        )
    assert caught.value.returncode == 2
