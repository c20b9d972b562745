from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.personnel.choices import LABELS


class PersonnelConfig(LabelsRegistered, AppConfig):
    name = "skillcert.personnel"
    label = "personnel"
    verbose_name = "考评人员"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.common.labels import label_resolver_register, labels_register
        from skillcert.personnel.models import RegistrationStatus

        super().ready()
        # A qualification clause id ("examiner-2021/b") read as the clause's number.
        label_resolver_register(
            r"[a-z0-9][a-z0-9-]*/(?P<letter>[a-z])",
            lambda m: f"资格条件第{ord(m['letter']) - ord('a') + 1}条",
        )
        labels_register({f"status.registration.{k}": str(v) for k, v in RegistrationStatus.choices})
