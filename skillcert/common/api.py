"""What every API router shares: the body of an error answer. `config.api` turns a
`DomainError` and a validation error into it, so each operation lists `ErrorOut` for its
error statuses instead of defining its own."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
