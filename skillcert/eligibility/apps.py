import re

from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.occupations.choices import LEVEL_CHOICES

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "rule_set": "申报条件规则集",
    "rule_set.publish": "发布申报条件规则集",
}


CLAUSE_ID = r"[a-z0-9][a-z0-9-]*/(?P<level>[1-5])/(?P<letter>[a-z])"


def clause_label(match: re.Match[str]) -> str:
    level = dict(LEVEL_CHOICES)[int(match["level"])]
    return f"{level}申报条件第{ord(match['letter']) - ord('a') + 1}条"


class EligibilityConfig(LabelsRegistered, AppConfig):
    name = "skillcert.eligibility"
    label = "eligibility"
    verbose_name = "申报条件"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.common.labels import label_resolver_register

        super().ready()
        # A clause id ("generic-2018/4/b") read as the level and the clause's number.
        label_resolver_register(
            r"[a-z0-9][a-z0-9-]*/(?P<level>[1-5])/(?P<letter>[a-z])", clause_label
        )
