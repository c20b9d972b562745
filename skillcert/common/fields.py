"""Field shapes that many tables share, written once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def user_fk(
    verbose_name: str | None = None,
    *,
    null: bool = True,
    blank: bool = True,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    **options: Any,
) -> models.ForeignKey[Any, Any]:
    """Who did something: a nullable reference to a user with no reverse accessor. A deleted
    user cannot take the record with them (PROTECT) unless the caller says otherwise."""
    if verbose_name is not None:
        options["verbose_name"] = verbose_name
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=null,
        blank=blank,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )
