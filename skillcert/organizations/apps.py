from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.organizations.choices import LABELS


class OrganizationsConfig(LabelsRegistered, AppConfig):
    name = "skillcert.organizations"
    label = "organizations"
    verbose_name = "评价机构"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.organizations.models import OrgEventKind

        super().ready()
        labels_register({f"org.{k}": str(v) for k, v in OrgEventKind.choices})
