from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "skillcert.workbench"
    verbose_name = "工作台"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register

        labels_register(
            {
                "policy.version_record": "省级设置：录入新版本",
                "policy.version_confirm": "省级设置：核实待核实规则",
            }
        )
