from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "skillcert.occupations"
    label = "occupations"
    verbose_name = "职业目录与标准"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.occupations.choices import LABELS

        labels_register(LABELS)
