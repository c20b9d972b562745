from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.plans.choices import LABELS


class PlansConfig(LabelsRegistered, AppConfig):
    name = "skillcert.plans"
    label = "plans"
    verbose_name = "评价计划"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.plans.choices import FilingStatus, PlanStatus

        super().ready()
        labels_register({f"status.plan.{k}": str(v) for k, v in PlanStatus.choices})
        labels_register({f"status.plan_filing.{k}": str(v) for k, v in FilingStatus.choices})
