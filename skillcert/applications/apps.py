from django.apps import AppConfig

from skillcert.applications.choices import LABELS
from skillcert.common.labels import LabelsRegistered


class ApplicationsConfig(LabelsRegistered, AppConfig):
    name = "skillcert.applications"
    label = "applications"
    verbose_name = "申报与审核"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.applications.selectors import plan_roster_snapshot
        from skillcert.plans.services import filing_snapshot_part_register

        # A plan's filing records the roster it was filed with (plans cannot import us).
        filing_snapshot_part_register("roster", plan_roster_snapshot)

        from skillcert.applications.choices import Status
        from skillcert.applications.transitions import TRANSITIONS
        from skillcert.common.labels import labels_register

        super().ready()
        labels_register({f"application.{n}": t.label for n, t in TRANSITIONS.items() if t.label})
        labels_register({f"status.application.{k}": str(v) for k, v in Status.choices})
