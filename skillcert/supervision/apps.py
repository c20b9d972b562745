from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "skillcert.supervision"
    label = "supervision"
    verbose_name = "质量督导与投诉举报"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.supervision.choices import LABELS
        from skillcert.supervision.models import ComplaintStatus

        labels_register(LABELS)
        labels_register({f"status.complaint.{k}": str(v) for k, v in ComplaintStatus.choices})
