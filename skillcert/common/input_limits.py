"""Every text column's length, checked before any row of the product is saved. SQLite stores
an over-long value silently and PostgreSQL refuses it with a database error; both are caught
here instead, with a stable code and a Chinese message naming the field, whatever the path
(page, API, admin, command, import). Bulk writes (`bulk_create`, `update`) bypass `save()`:
the imports that use them validate their rows themselves."""

from __future__ import annotations

from typing import Any

from django.db import models

from skillcert.common.errors import DomainError

TOO_LONG = "input.too_long"


def field_lengths_check(instance: models.Model) -> None:
    """Raises `input.too_long` for the first text field longer than its column."""
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        if not limit or not isinstance(field, models.CharField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > limit:
            label = str(field.verbose_name or field.name)
            raise DomainError(
                TOO_LONG,
                f"{label}最多 {limit} 个字符，现在有 {len(value)} 个，请缩短后重新提交",
                field=field.name,
            )


def check_before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender.__module__.startswith("skillcert."):
        field_lengths_check(instance)
