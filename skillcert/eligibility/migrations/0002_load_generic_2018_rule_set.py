"""Version 1 of generic-2018, the 2018 template (DOMAIN.md §3), from rulesets/generic-2018.yaml.
Later versions are published through the service, never by editing this file's output."""

from pathlib import Path

import yaml
from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

SOURCE = Path(__file__).resolve().parent.parent / "rulesets" / "generic-2018.yaml"


def load(apps, schema_editor):
    from skillcert.eligibility.schema import condition_to_dict, parse_rule_set_document

    RuleSet = apps.get_model("eligibility", "RuleSet")
    Clause = apps.get_model("eligibility", "Clause")
    header, parsed = parse_rule_set_document(yaml.safe_load(SOURCE.read_text(encoding="utf-8")))
    if RuleSet.objects.filter(code=header["code"], version=1).exists():
        return
    row = RuleSet.objects.create(
        code=header["code"], version=1, title=header["title"], source=header["source"],
        note="初始版本（数据迁移载入）",
    )
    Clause.objects.bulk_create(
        Clause(
            rule_set=row, level=c.level, letter=c.id.rsplit("/", 1)[1], text=c.text,
            condition=condition_to_dict(c.condition), exempt=list(c.exempt), position=i,
        )
        for i, c in enumerate(parsed.clauses)
    )


def unload(apps, schema_editor):
    apps.get_model("eligibility", "RuleSet").objects.filter(code="generic-2018", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ('eligibility', '0001_squashed_0001'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
