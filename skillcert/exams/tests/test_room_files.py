import pytest

from skillcert.common.exports import xlsx_bytes
from skillcert.exams.room_files import (
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADERS,
    RoomFileError,
    parse_rooms,
    read_table,
)

HEADER = ["考点编号", "考场号", "类型", "行数", "列数", "门的位置", "无障碍考场", "位置"]


def _parse(rows, *, existing=frozenset()):
    return parse_rooms(
        [HEADER, *rows], site_codes={"01", "02"}, existing=set(existing), district_name="南京市考区"
    )


def test_reads_rooms_with_defaults_and_full_width_digits():
    rooms, errors = _parse(
        [
            ["01", "001", "纸笔", 5, 6, "", "", "一楼"],
            ["０２", "１０１", "实操", "２", "５", "前门在右", "是", ""],
        ]
    )
    assert errors == []
    assert [(r.site, r.code, r.kind, r.rows, r.cols, r.door, r.accessible) for r in rooms] == [
        ("01", "001", "paper", 5, 6, "front_left", False),
        ("02", "101", "practical", 2, 5, "front_right", True),
    ]


def test_every_bad_cell_is_reported_with_its_line_and_column():
    rooms, errors = _parse(
        [
            ["01", "001", "纸笔", 5, 6],
            ["03", "002", "教室", 0, "x", "中间", "也许"],
            ["01", "001", "纸笔", 5, 6],
            ["01", "009", "机考", 5, 6],
        ],
        existing={("01", "009")},
    )
    assert [r.code for r in rooms] == ["001"]
    described = {(e.row, e.column): e.message for e in errors}
    assert "南京市考区没有编号为“03”的考点" in described[(3, "考点编号")]
    assert "应为纸笔、机考或实操（现为“教室”）" in described[(3, "类型")]
    assert "应为1到50的整数（现为“0”）" in described[(3, "行数")]
    assert "现为“x”" in described[(3, "列数")]
    assert "前门在左" in described[(3, "门的位置")]
    assert "应为“是”或“否”" in described[(3, "无障碍考场")]
    assert described[(4, "考场号")] == "与第2行重复（考点01第001考场）"
    assert described[(5, "考场号")] == "考点01已有第009考场"
    assert str(errors[0]).startswith("第3行“考点编号”：")


def test_missing_required_columns_refuse_the_file():
    with pytest.raises(RoomFileError) as exc:
        parse_rooms(
            [["考点编号", "考场号"], ["01", "001"]],
            site_codes={"01"},
            existing=set(),
            district_name="南京市考区",
        )
    assert exc.value.code == "rooms.header_missing" and "类型、行数、列数" in exc.value.message


def test_english_headers_of_the_seating_files_are_accepted():
    rooms, errors = parse_rooms(
        [["site", "room_id", "kind", "rows", "cols"], ["01", "7", "paper", "3", "4"]],
        site_codes={"01"},
        existing=set(),
        district_name="南京市考区",
    )
    assert errors == [] and rooms[0].code == "7" and rooms[0].rows == 3


def test_reads_xlsx_and_gbk_csv_alike():
    from_xlsx = read_table(xlsx_bytes(TEMPLATE_HEADERS, [TEMPLATE_EXAMPLE]), "rooms.xlsx")
    csv_text = ",".join(TEMPLATE_HEADERS) + "\n" + ",".join(map(str, TEMPLATE_EXAMPLE)) + "\n"
    from_csv = read_table(csv_text.encode("gb18030"), "rooms.csv")
    for table in (from_xlsx, from_csv):
        rooms, errors = parse_rooms(
            table, site_codes={"01"}, existing=set(), district_name="南京市考区"
        )
        assert errors == [] and rooms[0].location == "教学楼1层101"


def test_unreadable_file_is_refused():
    with pytest.raises(RoomFileError) as exc:
        read_table(b"not a workbook", "rooms.xlsx")
    assert exc.value.code == "rooms.unreadable"
