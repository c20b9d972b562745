from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "skillcert.operations"
    label = "operations"
    verbose_name = "运维"
