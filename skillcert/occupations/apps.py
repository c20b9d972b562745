from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "skillcert.occupations"
    label = "occupations"
    verbose_name = "职业目录与标准"
