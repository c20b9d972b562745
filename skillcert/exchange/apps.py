from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "skillcert.exchange"
    label = "exchange"
    verbose_name = "数据交换"

    def ready(self) -> None:
        from skillcert.common.labels import labels_register
        from skillcert.exchange.choices import LABELS

        labels_register(LABELS)
