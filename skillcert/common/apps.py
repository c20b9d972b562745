import sqlite3

from django.apps import AppConfig
from django.db.models.signals import pre_save


class CommonConfig(AppConfig):
    name = "skillcert.common"
    label = "common"
    verbose_name = "通用"

    def ready(self) -> None:
        from skillcert.common.input_limits import check_before_save

        # A guard on every save, not a workflow: lengths are a property of the columns.
        pre_save.connect(check_before_save, dispatch_uid="skillcert-field-lengths")
        sqlite_bind_fast()


def sqlite_bind_fast() -> None:
    """Bind True, False and None the way sqlite3 already does (1, 0, NULL) through its
    adapter table: a value of neither exact int, float nor str is looked up there and, when
    missing, searched for `__adapt__` and `__conform__` hooks, which cost a third of binding
    a row of flags (the roster import binds 10^6 such values). Adapting int, float or str
    would disable sqlite3's fast path for every value, so only these two are registered."""
    sqlite3.register_adapter(bool, int)
    sqlite3.register_adapter(type(None), _none)


def _none(value: None) -> None:
    return value
