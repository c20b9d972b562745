from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.occupations.choices import LABELS


class OccupationsConfig(LabelsRegistered, AppConfig):
    name = "skillcert.occupations"
    label = "occupations"
    verbose_name = "职业目录与标准"
    labels = LABELS
