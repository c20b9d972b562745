from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "skillcert.organizations"
    label = "organizations"
    verbose_name = "评价机构"
