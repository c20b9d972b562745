"""Domain errors: a stable machine code plus a Chinese message a user can act on."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raised by services and pure cores. `code` is stable (API clients and tests match on
    it); `message` is shown to the user; `field` names the input at fault, when there is one."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        # An exception pickles as its class called with `args` (the message alone), which the
        # code and the keyword-only field would not survive, nor a subclass with a signature of
        # its own. It is rebuilt without calling __init__ and given back every attribute, so it
        # crosses a process boundary (the render pool's workers) as itself.
        return (_rebuild, (type(self), self.args, self.__dict__))

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class Forbidden(DomainError):
    """A refusal of who may act (not input the user can fix): pages answer 403, the API 403."""


def _rebuild(cls: type[DomainError], args: tuple[Any, ...], state: dict[str, Any]) -> DomainError:
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error
