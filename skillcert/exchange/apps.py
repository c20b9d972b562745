from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.exchange.choices import LABELS


class ExchangeConfig(LabelsRegistered, AppConfig):
    name = "skillcert.exchange"
    label = "exchange"
    verbose_name = "数据交换"
    labels = LABELS
