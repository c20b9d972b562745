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
