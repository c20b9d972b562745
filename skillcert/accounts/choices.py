"""The vocabulary of accounts: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", "省级人社部门/鉴定中心"
    CITY_OFFICER = "city_officer", "市级人社部门"
    ORG_ADMIN = "org_admin", "评价机构管理员"
    ORG_CLERK = "org_clerk", "评价机构经办人"
    EXAMINER = "examiner", "考评员"
    SUPERVISOR = "supervisor", "质量督导员"
    CANDIDATE = "candidate", "考生"


OFFICER_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.CITY_OFFICER})


ORG_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_CLERK})
