from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "skillcert.eligibility"
    label = "eligibility"
    verbose_name = "申报条件"
