"""Hostile and broken standards files (YAML, JSON, Excel): every one ends in a coded
Chinese DomainError before anything is written; any JSON shape is refused or validated."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.common.errors import DomainError
from skillcert.common.tests.hostile_files import (
    FUZZ,
    ZIP_BOMB,
    byte_mutation,
    is_chinese,
    many_entries_zip,
    sparse_corner_xlsx,
)
from skillcert.occupations.formats import dump_json, dump_xlsx, parse_upload, validate_document
from skillcert.occupations.tests.catalogue import hr_document

GOOD_JSON = dump_json(validate_document(hr_document()))
GOOD_XLSX = dump_xlsx(validate_document(hr_document()))

ALIAS_BOMB = (
    b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n".encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"occupations: *i\n"
)

HOSTILE = {
    "json-list": ("x.json", b"[1, 2, 3]", "standards."),
    "json-string": ("x.json", b'"occupations"', "standards."),
    "json-nested": ("x.json", b'{"occupations": [[[[[]]]]]}', "standards."),
    "json-nul": ("x.json", b'{"occupations": "\x00"}', "standards."),
    "json-undecodable": ("x.json", b"\x80\xff\xfe\x81" * 10, "standards.encoding"),
    "json-truncated": ("x.json", GOOD_JSON[: len(GOOD_JSON) // 2], "standards.syntax"),
    "json-deep": ("x.json", b"[" * 100_000 + b"]" * 100_000, "standards.syntax"),
    "yaml-deep": ("x.yaml", b"[" * 100_000 + b"]" * 100_000, "standards.syntax"),
    "yaml-alias-bomb": ("x.yaml", ALIAS_BOMB, "standards."),
    "yaml-python-tag": ("x.yaml", b"!!python/object/apply:os.system ['true']", "standards.syntax"),
    "xlsx-sparse": ("x.xlsx", sparse_corner_xlsx("职业"), "upload.sheet_too_large"),
    "xlsx-bomb": ("x.xlsx", ZIP_BOMB, "upload.uncompressed_too_large"),
    "xlsx-entries": ("x.xlsx", many_entries_zip(1500, base=GOOD_XLSX), "upload.too_many_entries"),
    "xlsx-truncated": ("x.xlsx", GOOD_XLSX[:-30], "upload.corrupt"),
}


def test_reads_a_json_file_saved_in_gbk():
    text = GOOD_JSON.decode("utf-8")
    assert parse_upload("x.json", text.encode("gbk")) == validate_document(hr_document())


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_standards_file_is_refused_with_a_code(name, heavy_files):
    filename, content, code = HOSTILE[name]
    content = heavy_files(content)
    with pytest.raises(DomainError) as caught:
        parse_upload(filename, content)
    assert caught.value.code.startswith(code)
    assert is_chinese(caught.value.message)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["format", "occupations", "code", "name", "standards", "levels", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(value=json_values)
def test_any_json_shape_is_refused_with_a_code_or_validated(value):
    try:
        validate_document(json.loads(json.dumps(value)))
    except DomainError as exc:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", exc.code) and is_chinese(exc.message)


@FUZZ
@given(data=st.data())
def test_mutated_standards_files_are_refused_with_a_code_or_parsed(data):
    name, good = data.draw(st.sampled_from([("x.json", GOOD_JSON), ("x.xlsx", GOOD_XLSX)]))
    try:
        parse_upload(name, data.draw(byte_mutation(good)))
    except DomainError as exc:
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", exc.code) and is_chinese(exc.message)
