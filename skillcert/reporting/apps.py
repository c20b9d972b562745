from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "skillcert.reporting"
    label = "reporting"
    verbose_name = "技能人才统计"
