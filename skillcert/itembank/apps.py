from django.apps import AppConfig


class ItembankConfig(AppConfig):
    name = "skillcert.itembank"
    label = "itembank"
    verbose_name = "题库与组卷"
