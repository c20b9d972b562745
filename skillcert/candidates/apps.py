from django.apps import AppConfig

from skillcert.candidates.choices import LABELS
from skillcert.common.labels import LabelsRegistered


class CandidatesConfig(LabelsRegistered, AppConfig):
    name = "skillcert.candidates"
    label = "candidates"
    verbose_name = "考生"
    labels = LABELS
