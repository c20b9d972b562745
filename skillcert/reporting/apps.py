from django.apps import AppConfig

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "reporting": "统计报表",
    "statistics": "技能人才统计",
    "reporting.subsidy_export": "导出补贴名单",
    "statistics.refresh": "刷新统计数据",
    "statistics.report": "生成统计报表",
}


class ReportingConfig(AppConfig):
    name = "skillcert.reporting"
    label = "reporting"
    verbose_name = "技能人才统计"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register

        labels_register(LABELS)
