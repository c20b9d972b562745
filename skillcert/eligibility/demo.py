"""Demo rule sets for `manage.py demo`: the Jiangsu override for 企业人力资源管理师 (a
经济师 title counts towards level 2), published once after the demo catalogue is loaded."""

from __future__ import annotations

from pathlib import Path

import yaml

from skillcert.accounts.actors import Actor
from skillcert.eligibility.models import RuleSet
from skillcert.eligibility.services import rule_set_publish

RULESETS = Path(__file__).resolve().parent / "rulesets"
DEMO_RULE_SETS = ("js-hr-economist",)


def load_eligibility_demo(actor: Actor) -> None:
    """Idempotent: a rule set already published is left alone. Needs the occupations the
    rule sets name (`occupations.demo.load_catalogue_demo` first)."""
    for code in DEMO_RULE_SETS:
        if RuleSet.objects.filter(code=code).exists():
            continue
        document = yaml.safe_load((RULESETS / f"{code}.yaml").read_text(encoding="utf-8"))
        rule_set_publish(document=document, actor=actor, note="演示数据")
