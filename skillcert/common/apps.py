from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "skillcert.common"
    label = "common"
    verbose_name = "通用"
