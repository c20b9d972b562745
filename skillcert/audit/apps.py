from django.apps import AppConfig

from skillcert.audit.choices import LABELS
from skillcert.common.labels import LabelsRegistered


class AuditConfig(LabelsRegistered, AppConfig):
    name = "skillcert.audit"
    label = "audit"
    verbose_name = "审计日志"
    labels = LABELS
