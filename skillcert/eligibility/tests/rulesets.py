from pathlib import Path

import yaml

from skillcert.eligibility.schema import parse_rule_set_document

RULESETS = Path(__file__).resolve().parent.parent / "rulesets"


def load(name):
    return parse_rule_set_document(yaml.safe_load((RULESETS / name).read_text(encoding="utf-8")))[1]


GENERIC = load("generic-2018.yaml")
OVERRIDE = load("js-hr-economist.yaml")
