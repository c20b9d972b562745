import io
import json
import zipfile

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from skillcert.applications.importing import roster_validate
from skillcert.applications.models import Application, ReviewEvent, Status
from skillcert.applications.roster_files import read_roster, roster_error_report, roster_template
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.candidates.models import Candidate
from skillcert.plans.models import EvaluationPlan
from skillcert.plans.tests.factories import make_id


def run(capsys, *args):
    try:
        call_command("roster", "import", *args)
        status: object = 0
    except SystemExit as exc:
        status = exc.code
    return status, capsys.readouterr().out


@pytest.fixture
def write(tmp_path):
    def _write(content, name="roster.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return _write


def test_imports_every_row_and_exits_0(capsys, plan, write):
    path = write(roster_bytes([valid_row(make_id(i), 姓名=f"张{i}") for i in range(1, 4)]))
    status, out = run(capsys, "--plan", plan.code, "--file", path, "--json")
    assert status == 0
    assert json.loads(out) == {"imported": 3, "errors": [], "warnings": []}
    assert Application.objects.filter(plan=plan, status=Status.ORG_REVIEW).count() == 3
    assert Candidate.objects.count() == 3
    assert ReviewEvent.objects.filter(transition="submit").count() == 3
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 3
    app = Application.objects.get(plan=plan, candidate__full_name="张1")
    assert app.matched_clause == "generic-2018/4/b" and app.rule_set_version == 1


def test_any_error_imports_nothing_and_exits_1(capsys, plan, write):
    rows = [valid_row(make_id(1)), valid_row(3.2010219900307e17), valid_row(make_id(3))]
    status, out = run(capsys, "--plan", plan.code, "--file", write(roster_bytes(rows)), "--json")
    assert status == 1
    payload = json.loads(out)
    assert payload["imported"] == 0
    assert payload["errors"][0]["row"] == 3
    assert payload["errors"][0]["column"] == "证件号码"
    assert payload["errors"][0]["code"] == "id_float"
    assert Application.objects.count() == 0 and Candidate.objects.count() == 0


def test_partial_imports_valid_rows_and_exits_1(capsys, plan, write):
    rows = [valid_row(make_id(1)), valid_row(make_id(1)), valid_row(make_id(3))]
    status, out = run(
        capsys, "--plan", plan.code, "--file", write(roster_bytes(rows)), "--partial", "--json"
    )
    assert status == 1
    payload = json.loads(out)
    assert payload["imported"] == 2
    assert [e["code"] for e in payload["errors"]] == ["duplicate_in_file"]
    assert Application.objects.count() == 2


def test_dry_run_writes_nothing_and_exits_0(capsys, plan, write):
    path = write(roster_bytes([valid_row(make_id(1))]))
    status, out = run(capsys, "--plan", plan.code, "--file", path, "--dry-run", "--json")
    assert status == 0 and json.loads(out)["imported"] == 1
    assert Application.objects.count() == 0


def test_already_applied_on_second_import(capsys, plan, write):
    path = write(roster_bytes([valid_row(make_id(1))]))
    assert run(capsys, "--plan", plan.code, "--file", path)[0] == 0
    status, out = run(capsys, "--plan", plan.code, "--file", path, "--json")
    assert status == 1
    assert json.loads(out)["errors"][0]["code"] == "already_applied"


def test_quota_exceeded(capsys, plan, write):
    EvaluationPlan.objects.filter(pk=plan.pk).update(capacity=1)
    path = write(roster_bytes([valid_row(make_id(1)), valid_row(make_id(2))]))
    status, out = run(capsys, "--plan", plan.code, "--file", path, "--json")
    assert status == 1
    assert json.loads(out)["errors"][0]["code"] == "quota_exceeded"
    assert EvaluationPlan.objects.get(pk=plan.pk).seats_taken == 0


def test_unreadable_file_exits_2(capsys, plan, write):
    status, out = run(capsys, "--plan", plan.code, "--file", write(b"not a spreadsheet"), "--json")
    assert status == 2
    assert json.loads(out)["errors"][0]["code"] == "roster.unreadable"


def test_missing_header_exits_2(capsys, plan, write):
    path = write(roster_bytes([{"姓名": "张三"}], headers=["姓名", "电话"]))
    status, _out = run(capsys, "--plan", plan.code, "--file", path)
    assert status == 2


def test_unknown_plan_exits_2(capsys, plan, write):
    status, _ = run(capsys, "--plan", "NOPE", "--file", write(roster_bytes([])))
    assert status == 2


def test_merged_cells_are_refused(capsys, plan, write):
    rows = [valid_row(make_id(1)), valid_row(make_id(2))]
    path = write(roster_bytes(rows, merge=(1, 3, 2, 3)))
    status, out = run(capsys, "--plan", plan.code, "--file", path, "--json")
    assert status == 1
    assert json.loads(out)["errors"][0]["code"] == "merged_cells"


def test_formula_text_is_refused_as_a_name_and_neutralised_in_report(capsys, plan, write):
    rows = [valid_row(make_id(1), 姓名="=cmd|' /C calc'!A0"), valid_row("123", 姓名="+1")]
    content = roster_bytes(rows)
    sheet, result = roster_validate(plan=plan, source=content)
    assert [(e.row, e.code) for e in result.errors if e.column == "姓名"] == [
        (2, "name_invalid"),
        (3, "name_invalid"),
    ]
    report = roster_error_report(sheet, result.errors)
    status, _ = run(capsys, "--plan", plan.code, "--file", write(content), "--partial")
    assert status == 1
    assert not Candidate.objects.exists()  # a formula is never stored as somebody's name
    marked = CalamineWorkbook.from_filelike(io.BytesIO(report)).get_sheet_by_index(0).to_python()
    assert marked[1][0] == 2  # original row number
    assert marked[1][1] == "'=cmd|' /C calc'!A0"  # neutralised: opens as text, never runs
    assert marked[2][1] == "'+1"
    assert "姓名" in str(marked[1][-1])
    styles = zipfile.ZipFile(io.BytesIO(report)).read("xl/styles.xml").decode()
    assert "FFFFC7CE" in styles  # the offending cell's fill
    comments = [n for n in zipfile.ZipFile(io.BytesIO(report)).namelist() if "comments" in n]
    assert comments


def test_template_has_text_columns_and_instructions():
    data = roster_template()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["花名册", "填写说明"]
    sheet = read_roster(data)
    assert set(sheet.columns) >= {"name", "id_number", "phone", "occupation_code", "level"}
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert '<numFmt numFmtId="164" formatCode="@"/>' in styles  # "@" = text
    columns = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    # 证件号码 and 手机号码 (columns B and C) carry the text style
    assert '<col min="2" max="3" width="22.7109375" style="1"' in columns
