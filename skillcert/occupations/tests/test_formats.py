import copy
import json

import pytest

from skillcert.common.errors import DomainError
from skillcert.occupations.formats import (
    dump_json,
    dump_xlsx,
    dump_yaml,
    load_xlsx,
    parse_upload,
    validate_document,
)
from skillcert.occupations.tests.catalogue import hr_document


def test_valid_document_flattens_the_element_tree_parents_first():
    [occupation] = validate_document(hr_document())
    [standard] = occupation.standards
    assert standard.levels == [4, 3, 2, 1]
    assert [(e.code, e.parent) for e in standard.elements] == [("A", ""), ("A-01", "A")]
    assert occupation.specialties == [("招聘方向", "")]


@pytest.mark.parametrize("dump", [dump_yaml, dump_json, dump_xlsx])
def test_export_then_import_round_trips(dump):
    docs = validate_document(hr_document())
    name = {dump_yaml: "x.yaml", dump_json: "x.json", dump_xlsx: "x.xlsx"}[dump]
    assert parse_upload(name, dump(docs)) == docs


def mutate(change):
    document = hr_document()
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            lambda d: d["occupations"][0].update(code="4-7-3-2"),
            "occupation.code_invalid",
            "occupations[0]",
        ),
        (
            lambda d: d["occupations"][0].update(colour="red"),
            "standards.unknown_key",
            "occupations[0]",
        ),
        (
            lambda d: d["occupations"][0]["standards"][0]["weights"][0].update(percent=6),
            "weight.sum_not_100",
            "occupations[0].standards[0].weights",
        ),
        (
            lambda d: d["occupations"][0]["standards"][0]["weights"][0].update(level=5),
            "weight.level_not_offered",
            "occupations[0].standards[0].weights[0]",
        ),
        (
            lambda d: d["occupations"][0]["standards"][0].update(levels=[4, 4]),
            "standards.levels_duplicate",
            "occupations[0].standards[0]",
        ),
        (
            lambda d: d["occupations"][0]["standards"][0]["elements"][0]["children"][0].update(
                code="A"
            ),
            "element.code_duplicate",
            "occupations[0].standards[0].elements[0].children[0]",
        ),
        (
            lambda d: d["occupations"][0]["standards"][0]["elements"][0]["children"][0].update(
                levels=[5]
            ),
            "element.level_not_offered",
            "occupations[0].standards[0].elements[0].children[0]",
        ),
        (lambda d: d.update(format="other/9"), "standards.format_unknown", "format"),
    ],
)
def test_bad_documents_are_rejected_naming_the_place(change, code, field):
    with pytest.raises(DomainError) as exc:
        validate_document(mutate(change))
    assert exc.value.code == code
    assert exc.value.field == field


def test_excel_errors_name_the_sheet_and_row():
    docs = validate_document(hr_document())
    content = dump_xlsx(docs)
    document = load_xlsx(content)
    broken = copy.deepcopy(document)
    broken["occupations"][0]["standards"][0]["weights"][2]["percent"] = 170
    with pytest.raises(DomainError) as exc:
        validate_document(broken)
    assert exc.value.field == "工作表“比重表”第4行"
    assert "percent" in exc.value.message


def test_unreadable_uploads_are_rejected():
    with pytest.raises(DomainError) as exc:
        parse_upload("x.json", b"{not json")
    assert exc.value.code == "standards.syntax"
    with pytest.raises(DomainError) as exc:
        parse_upload("x.csv", b"a,b")
    assert exc.value.code == "standards.file_type"
    with pytest.raises(DomainError) as exc:
        parse_upload("x.xlsx", b"PK not really")
    assert exc.value.code == "standards.xlsx_unreadable"


def test_json_export_is_utf8_and_tagged():
    data = json.loads(dump_json(validate_document(hr_document())))
    assert data["format"] == "skillcert.standards/1"
    assert data["occupations"][0]["name"] == "企业人力资源管理师"
