from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "skillcert.personnel"
    label = "personnel"
    verbose_name = "考评人员"
