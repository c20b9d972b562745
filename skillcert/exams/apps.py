from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.exams.choices import LABELS


class ExamsConfig(LabelsRegistered, AppConfig):
    name = "skillcert.exams"
    label = "exams"
    verbose_name = "考务"
    labels = LABELS
