"""The entry account's score sheet page: the template of one part, an upload that enters every
filled score (xlsx and CSV), a bad row named by its line and column with nothing entered, and
the wrong persona (403) or a user outside the batch's scope (404)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.common.tests.sheet_files import xlsx_bytes as _xlsx
from skillcert.scoring.forms_bulk import SheetCandidate, score_sheet_read
from skillcert.scoring.models import PartState


def _post(world: Any, user: Any, content: bytes, name: str, part: str = "practical") -> Any:
    client = world.personas.client_for(user)
    upload = SimpleUploadedFile(name, content)
    return client.post(
        reverse("scoring:entry_sheet", args=[world.batch.pk]),
        {"sheet-part": part, "sheet-file": upload},
    )


def _ref(world: Any, index: int) -> str:
    return str(world.result(index).candidate_ref)


def test_template_lists_the_batch_and_an_xlsx_upload_enters_the_filled_scores(world: Any) -> None:
    chief = world.users["chief"]
    client = world.personas.client_for(chief)
    template = client.get(
        reverse("scoring:entry_sheet_template", args=[world.batch.pk]) + "?part=practical"
    )
    assert template.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(template.content))
    rows: list[list[Any]] = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0][:2] == ["考生编号", "姓名"] and rows[0][-1] == "成绩"
    assert {r[0] for r in rows[1:]} == {_ref(world, i) for i in range(5)}
    assert AuditEvent.objects.filter(action="result.export", object_id=str(world.batch.pk)).exists()

    scores: dict[str, Any] = {_ref(world, 0): 66, _ref(world, 1): 72.5}
    sheet = [rows[0]] + [[r[0], r[1], r[2], r[3], scores.get(r[0])] for r in rows[1:]]
    response = _post(world, chief, _xlsx(sheet), "成绩.xlsx")
    assert response.status_code == 302
    assert world.result(0).practical_score == Decimal("66.0")
    assert world.result(1).practical_score == Decimal("72.5")
    assert world.result(2).practical_state == PartState.PENDING  # left blank: not entered
    assert AuditEvent.objects.filter(action="result.enter_bulk").count() == 1


def test_csv_upload_enters_the_scores(world: Any) -> None:
    text = f"考生编号,姓名,成绩\n{_ref(world, 3)},{world.candidates[3].full_name},81\n"
    response = _post(world, world.users["chief"], text.encode("gb18030"), "成绩.csv", "theory")
    assert response.status_code == 302
    assert world.result(3).theory_score == Decimal("81.0")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["{ref1}", "", "一百"], "第3行“成绩”：应为0到100的数字"),
        (["{ref1}", "", 101], "第3行“成绩”：应在0到100之间"),
        (["X999", "", 70], "第3行“考生编号”：考生编号 X999 不属于本批次"),
        (["{ref0}", "", 70], "第3行“考生编号”：考生 {ref0} 与第2行重复"),
        (["{ref1}", "张冠李戴", 70], "第3行“姓名”：考生 {ref1} 的姓名是"),
        (["{ref1}", "", "=60+10"], "第3行“成绩”：请填写数值，不要使用公式"),
    ],
)
def test_a_bad_row_is_named_on_the_page_and_nothing_is_entered(
    world: Any, row: list[Any], expected: str
) -> None:
    refs = {"ref0": _ref(world, 0), "ref1": _ref(world, 1)}
    filled = [c.format(**refs) if isinstance(c, str) and "{" in c else c for c in row]
    sheet: list[list[Any]] = [["考生编号", "姓名", "成绩"], [refs["ref0"], "", 66], filled]
    response = _post(world, world.users["chief"], _xlsx(sheet), "成绩.xlsx")
    assert response.status_code == 200
    assert expected.format(**refs) in response.content.decode()
    assert world.result(0).practical_score is None
    assert not AuditEvent.objects.filter(action="result.enter_bulk").exists()


def test_the_services_refusal_names_the_line_of_its_candidate(world: Any) -> None:
    # Level 4 candidates do not sit the panel review: the service refuses, the page says where.
    ref = _ref(world, 2)
    sheet: list[list[Any]] = [["考生编号", "成绩"], [_ref(world, 4), 80], [ref, 70]]
    response = _post(world, world.users["chief"], _xlsx(sheet), "成绩.xlsx", "panel")
    assert response.status_code == 200
    assert f"第3行：考生 {ref} 不考核此科目" in response.content.decode()
    assert world.result(4).panel_score is None


def test_a_file_that_is_not_a_sheet_is_refused_with_its_code(world: Any) -> None:
    candidates = {"R1": SheetCandidate(1, "甲")}
    with pytest.raises(DomainError) as err:
        score_sheet_read(b"PK\x03\x04broken", filename="a.xlsx", candidates=candidates)
    assert err.value.code == "upload.corrupt"
    with pytest.raises(DomainError) as err:
        score_sheet_read("编号,分数\nR1,60\n".encode(), filename="a.csv", candidates=candidates)
    assert err.value.code == "upload.header_missing"
    with pytest.raises(DomainError) as err:
        score_sheet_read("考生编号,成绩\nR1,\n".encode(), filename="a.csv", candidates=candidates)
    assert err.value.code == "scoring.sheet_no_scores"
    response = _post(world, world.users["chief"], b"PK\x03\x04broken", "a.xlsx")
    assert response.status_code == 200 and "已损坏" in response.content.decode()


def test_other_personas_get_403_and_users_outside_the_batch_404(world: Any) -> None:
    personas = world.personas
    sheet = _xlsx([["考生编号", "成绩"], [_ref(world, 0), 70]])
    assert _post(world, personas.clerk_a, sheet, "a.xlsx").status_code == 403
    assert _post(world, world.users["m1"], sheet, "a.xlsx").status_code == 403
    assert _post(world, personas.clerk_b, sheet, "a.xlsx").status_code == 404
    template = reverse("scoring:entry_sheet_template", args=[world.batch.pk])
    assert personas.client_for(personas.clerk_a).get(template).status_code == 403
    assert personas.client_for(personas.clerk_b).get(template).status_code == 404
    assert world.result(0).practical_score is None
