from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "skillcert.organizations"
    label = "organizations"
    verbose_name = "评价机构"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.organizations.choices import LABELS
        from skillcert.organizations.models import OrgEventKind

        labels_register(LABELS)
        labels_register({f"org.{k}": str(v) for k, v in OrgEventKind.choices})
