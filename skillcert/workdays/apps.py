from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.workdays.choices import LABELS


class WorkdaysConfig(LabelsRegistered, AppConfig):
    name = "skillcert.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    labels = LABELS
