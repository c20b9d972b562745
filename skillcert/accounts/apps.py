from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skillcert.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        from skillcert.accounts.choices import LABELS
        from skillcert.common.labels import labels_register

        labels_register(LABELS)
