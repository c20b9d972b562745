from django.apps import AppConfig


class ItembankConfig(AppConfig):
    name = "skillcert.itembank"
    label = "itembank"
    verbose_name = "题库与组卷"

    def ready(self) -> None:
        # The menu (accounts) shows 题库 to whoever has a place in some bank; the rule lives
        # here, in permits, so accounts need not import the item bank.
        from skillcert.accounts.navigation import nav_visibility_register
        from skillcert.itembank.permits import bank_scope

        nav_visibility_register("itembank:list", lambda user: bank_scope(user).any_role)

        from skillcert.common.labels import labels_register
        from skillcert.itembank.choices import LABELS

        labels_register(LABELS)
