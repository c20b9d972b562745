from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.operations.choices import LABELS


class OperationsConfig(LabelsRegistered, AppConfig):
    name = "skillcert.operations"
    label = "operations"
    verbose_name = "运维"
    labels = LABELS
