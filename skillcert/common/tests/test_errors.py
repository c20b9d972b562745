"""A DomainError crosses a process boundary (pickling) as itself: class, code, message,
field and whatever a subclass adds."""

import pickle

import pytest

from skillcert.common.errors import DomainError, Forbidden


class _Shortage(DomainError):
    def __init__(self, short_by: dict[str, int]) -> None:
        super().__init__("seating.short", f"座位不足：{short_by}")
        self.short_by = short_by


def _round_trip(error: DomainError) -> DomainError:
    return pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, as the render pool's)


def test_pickled_error_keeps_code_message_and_field():
    error = _round_trip(DomainError("pdf.glyph_missing", "字体无法显示", field="name"))
    assert type(error) is DomainError
    assert (error.code, error.message, error.field) == ("pdf.glyph_missing", "字体无法显示", "name")
    assert str(error) == "[pdf.glyph_missing] 字体无法显示"
    assert error.args == ("字体无法显示",)


def test_pickled_error_without_field_keeps_none():
    error = _round_trip(Forbidden("perm.denied", "无权操作"))
    assert type(error) is Forbidden
    assert (error.code, error.field) == ("perm.denied", None)


def test_pickled_subclass_with_its_own_signature_comes_back_whole():
    error = _round_trip(_Shortage({"玄武区": 3}))
    assert type(error) is _Shortage
    assert error.code == "seating.short"
    assert error.short_by == {"玄武区": 3}


def test_pickled_error_still_raises_and_is_caught_by_its_code():
    with pytest.raises(DomainError) as caught:
        raise _round_trip(DomainError("tickets.empty", "没有需要生成的准考证"))
    assert caught.value.code == "tickets.empty"
