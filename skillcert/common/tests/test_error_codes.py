"""The error-code registry: docs/errors.md lists every domain error code the source raises,
and every code belongs to a registered prefix."""

from __future__ import annotations

import pytest

from skillcert.common.error_codes import DOC, REGENERATE, ErrorCode, problems, registry, render


@pytest.fixture(scope="module")
def codes() -> dict[str, ErrorCode]:
    return registry()[0]  # reads every source file: once for the module


def test_docs_errors_md_is_current(codes):
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert current == render(codes), f"docs/errors.md is out of date: run `{REGENERATE}`"


def test_every_code_has_a_registered_prefix_and_the_prefix_dot_name_shape(codes):
    assert problems(codes) == [], "add the prefix to PREFIXES in skillcert/common/error_codes.py"


def test_codes_are_found_through_subclasses_and_builder_functions(codes):
    assert "skillcert.exams.seating" in codes["seating.short"].modules  # SeatShortage's super()
    assert "upload.corrupt" in codes  # built by untrusted_files' helper from "corrupt"
    assert codes["workdays.year_missing"].messages  # with the message(s) it is raised with
