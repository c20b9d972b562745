"""What every API router shares: the body of an error answer. `config.api` turns a
`DomainError` and a validation error into it, so each operation lists `ErrorOut` for its
error statuses instead of defining its own."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class BulkCountOut(Schema):
    """What a batch form answers: how many rows it wrote (all or none)."""

    count: int


# The answers of a batch endpoint: the count, or the whole list refused.
BULK_COUNT_RESPONSES = {200: BulkCountOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
