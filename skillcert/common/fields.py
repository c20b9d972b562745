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
    return ref_fk(
        settings.AUTH_USER_MODEL,
        verbose_name,
        null=null,
        blank=blank,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def ref_fk(
    to: str,
    verbose_name: str | None = None,
    *,
    optional: bool = False,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    **options: Any,
) -> models.ForeignKey[Any, Any]:
    """A reference to another app's row ("app.Model"): protected from deletion (PROTECT) and
    with no reverse accessor unless the caller says otherwise, so the other app's model does
    not grow attributes for every table that points at it. `optional` allows NULL and a blank
    form value."""
    if verbose_name is not None:
        options["verbose_name"] = verbose_name
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(to, on_delete=on_delete, related_name=related_name, **options)
