from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "skillcert.plans"
    label = "plans"
    verbose_name = "评价计划"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.plans.choices import LABELS, FilingStatus, PlanStatus

        labels_register(LABELS)
        labels_register({f"status.plan.{k}": str(v) for k, v in PlanStatus.choices})
        labels_register({f"status.plan_filing.{k}": str(v) for k, v in FilingStatus.choices})
