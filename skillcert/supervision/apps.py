from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.supervision.choices import LABELS


class SupervisionConfig(LabelsRegistered, AppConfig):
    name = "skillcert.supervision"
    label = "supervision"
    verbose_name = "质量督导与投诉举报"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.supervision.models import ComplaintStatus

        super().ready()

        # The staffing ratios bind plan approval and a room's start (supervision.ratios).
        from skillcert.exams.examday import staffing_exception_register
        from skillcert.plans.services import plan_approval_check_register
        from skillcert.supervision.ratios import plan_staffing_check, slot_staffing_exception

        plan_approval_check_register("staffing_ratio", plan_staffing_check)
        staffing_exception_register("province_override", slot_staffing_exception)
        labels_register({f"status.complaint.{k}": str(v) for k, v in ComplaintStatus.choices})
