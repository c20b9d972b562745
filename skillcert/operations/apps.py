from django.apps import AppConfig

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "backup": "备份",
    "jobs": "后台任务",
    "backup.restore": "从备份恢复",
    "jobs.requeue_stale": "重新排队中断的任务",
}


class OperationsConfig(AppConfig):
    name = "skillcert.operations"
    label = "operations"
    verbose_name = "运维"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register

        labels_register(LABELS)
