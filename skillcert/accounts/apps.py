from django.apps import AppConfig

from skillcert.accounts.choices import LABELS
from skillcert.common.labels import LabelsRegistered


class AccountsConfig(LabelsRegistered, AppConfig):
    name = "skillcert.accounts"
    label = "accounts"
    verbose_name = "账户与角色"
    labels = LABELS
