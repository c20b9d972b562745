from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "skillcert.regions"
    label = "regions"
    verbose_name = "行政区划"
