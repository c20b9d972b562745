from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.itembank.choices import LABELS


class ItembankConfig(LabelsRegistered, AppConfig):
    name = "skillcert.itembank"
    label = "itembank"
    verbose_name = "题库与组卷"
    labels = LABELS

    def ready(self) -> None:
        # The menu (accounts) shows 题库 to whoever has a place in some bank; the rule lives
        # here, in permits, so accounts need not import the item bank.
        from skillcert.accounts.navigation import nav_visibility_register
        from skillcert.itembank.permits import bank_scope

        nav_visibility_register("itembank:list", lambda user: bank_scope(user).any_role)

        super().ready()
