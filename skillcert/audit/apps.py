from django.apps import AppConfig

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "admin": "后台管理",
    "admin.delete": "后台删除记录",
}


class AuditConfig(AppConfig):
    name = "skillcert.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register

        labels_register(LABELS)
