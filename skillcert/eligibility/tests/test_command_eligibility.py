import io
import json

import pytest
from django.core.management import call_command

from skillcert.accounts.actors import SystemActor
from skillcert.occupations.tests.catalogue import hr_catalogue

PROFILE = {
    "as_of": "2026-11-23",
    "work": [{"start": "2015-07-01", "end": None, "related": True}],
    "certificates": [{"level": 4, "date": "2020-06-30", "related": True}],
    "education": [{"kind": "大专", "major_related": True, "graduation": "2014-06-30"}],
    "apprenticeship_completed": False,
    "titles": [],
}


def run(tmp_path, *args, profile=PROFILE, raw=None):
    path = tmp_path / "profile.json"
    path.write_text(
        raw if raw is not None else json.dumps(profile, ensure_ascii=False), encoding="utf-8"
    )
    out = io.StringIO()
    argv = [a.replace("@profile", str(path)) for a in args]
    with pytest.raises(SystemExit) as exit_info:
        call_command("eligibility", *argv, stdout=out)
    return exit_info.value.code, json.loads(out.getvalue())


pytestmark = pytest.mark.django_db


def test_eligible_profile_exits_0_with_contract_fields(tmp_path):
    code, out = run(tmp_path, "--rules", "generic-2018", "--level", "3", "--profile", "@profile")
    assert code == 0
    assert out["eligible"] is True
    assert out["rule_set"] == "generic-2018"
    assert out["level"] == 3
    assert out["matched_clause"] == "generic-2018/3/a"
    assert out["rule_set_version"] == 1
    assert out["clauses"][0] == {"id": "generic-2018/3/a", "met": True, "unmet": []}
    assert {c["id"] for c in out["clauses"]} == {
        "generic-2018/3/a",
        "generic-2018/3/b",
        "generic-2018/3/c",
    }


def test_ineligible_profile_exits_1_and_explains_each_clause(tmp_path):
    code, out = run(tmp_path, "--rules", "generic-2018", "--level", "1", "--profile", "@profile")
    assert code == 1
    assert out["eligible"] is False
    assert out["matched_clause"] is None
    assert out["clauses"][0]["id"] == "generic-2018/1/a"
    assert any("二级" in text for text in out["clauses"][0]["unmet"])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--rules", "nope-2000", "--level", "3", "--profile", "@profile"], "rules"),
        (["--rules", "generic-2018", "--level", "6", "--profile", "@profile"], "level"),
        (["--rules", "generic-2018", "--level", "0", "--profile", "@profile"], "level"),
        (["--rules", "generic-2018", "--profile", "@profile"], "level"),
        (
            ["--rules", "generic-2018", "--level", "3", "--profile", "/nonexistent/p.json"],
            "profile",
        ),
    ],
)
def test_bad_arguments_exit_2_naming_the_field(tmp_path, args, field):
    code, out = run(tmp_path, *args)
    assert code == 2
    assert out["field"] == field
    assert out["code"] and out["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hobby": "chess"}, "hobby"),
        ({"work": [{"start": "2023-02-30", "end": None}]}, "work[0].start"),
        ({"work": [{"start": "2020-01-01", "end": "2019-01-01"}]}, "work[0].end"),
        ({"work": [{"start": "2020-01-01", "colour": "red"}]}, "work[0].colour"),
        ({"certificates": [{"level": 7, "date": "2020-01-01"}]}, "certificates[0].level"),
        ({"education": [{"kind": "幼儿园", "graduation": "2020-01-01"}]}, "education[0].kind"),
        ({"as_of": "23/11/2026"}, "as_of"),
    ],
)
def test_bad_profiles_exit_2_naming_the_field(tmp_path, change, field):
    code, out = run(
        tmp_path,
        "--rules",
        "generic-2018",
        "--level",
        "3",
        "--profile",
        "@profile",
        profile={**PROFILE, **change},
    )
    assert code == 2
    assert out["field"] == field


def test_malformed_json_exits_2(tmp_path):
    code, out = run(
        tmp_path, "--rules", "generic-2018", "--level", "3", "--profile", "@profile", raw="{nope"
    )
    assert code == 2
    assert out["code"] == "input.profile_json"


def test_province_override_is_composed_when_asked(tmp_path):
    import yaml

    from skillcert.eligibility.services import rule_set_publish
    from skillcert.eligibility.tests.rulesets import RULESETS

    hr_catalogue()
    rule_set_publish(
        document=yaml.safe_load((RULESETS / "js-hr-economist.yaml").read_text(encoding="utf-8")),
        actor=SystemActor("test"),
    )
    economist = {
        "as_of": "2026-01-01",
        "titles": [{"grade": "中级", "name": "经济师", "date": "2019-05-01"}],
    }
    code, out = run(
        tmp_path,
        "--rules",
        "generic-2018",
        "--level",
        "2",
        "--profile",
        "@profile",
        profile=economist,
    )
    assert code == 1
    code, out = run(
        tmp_path,
        "--rules",
        "generic-2018",
        "--level",
        "2",
        "--province",
        "32",
        "--occupation",
        "4-07-03-02",
        "--profile",
        "@profile",
        profile=economist,
    )
    assert code == 0
    assert out["matched_clause"] == "js-hr-economist/2/z"
    assert out["exempt"] == ["theory"]
