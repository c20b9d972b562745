from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.reporting.choices import LABELS


class ReportingConfig(LabelsRegistered, AppConfig):
    name = "skillcert.reporting"
    label = "reporting"
    verbose_name = "技能人才统计"
    labels = LABELS
