from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "skillcert.plans"
    label = "plans"
    verbose_name = "评价计划"
