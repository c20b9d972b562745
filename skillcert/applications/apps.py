from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "skillcert.applications"
    label = "applications"
    verbose_name = "申报与审核"
