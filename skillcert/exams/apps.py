from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "skillcert.exams"
    label = "exams"
    verbose_name = "考务"
