from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "skillcert.candidates"
    label = "candidates"
    verbose_name = "考生"
