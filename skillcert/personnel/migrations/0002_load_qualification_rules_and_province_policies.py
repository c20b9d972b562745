"""Version 1 of the qualification rules in rulesets/*.yaml (seeds 001 and 003), and the
personnel policy of Sichuan (seed 003) and of Jiangsu, the demo province, which starts from
the same numbers until its own notice is entered. Later versions go through
`qualification_rule_publish`, never by editing this file's output."""

from pathlib import Path

import yaml
from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

RULESETS = Path(__file__).resolve().parent.parent / "rulesets"

# province code: (examiner window, senior window, validity years, collection workdays,
#                 uncollected ban count, reminder days, max consecutive sittings, source)
POLICIES = {
    "510000": (5, 10, 3, 60, 2, 90, 3,
               "川人社职鉴〔2021〕13号；提醒天数与连续考评场次为平台默认值"),
    "320000": (5, 10, 3, 60, 2, 90, 3,
               "暂参照川人社职鉴〔2021〕13号，待江苏省文件确认"),
}


def load(apps, schema_editor):
    from skillcert.personnel.qualification import clause_to_dict, parse_rule_document

    Rule = apps.get_model("personnel", "QualificationRule")
    Clause = apps.get_model("personnel", "QualificationClause")
    Policy = apps.get_model("personnel", "ProvincePolicy")
    Region = apps.get_model("regions", "Region")
    for path in sorted(RULESETS.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = parse_rule_document(document)
        if Rule.objects.filter(code=rule.code, version=1).exists():
            continue
        row = Rule.objects.create(
            code=rule.code, version=1, role=rule.role,
            province=str(document.get("province") or ""), occupation_code=rule.occupation_code,
            title=document["title"], source=document["source"],
            related_occupation_codes=list(rule.related_occupation_codes),
            related_majors=list(rule.related_majors),
        )
        Clause.objects.bulk_create(
            Clause(rule=row, position=i, **{**clause_to_dict(c),
                                             "role_required": c.role_required or ""})
            for i, c in enumerate(rule.clauses)
        )
    for code, values in POLICIES.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        Policy.objects.get_or_create(
            province=region,
            defaults=dict(zip(
                ["registration_workdays_examiner", "registration_workdays_senior",
                 "card_validity_years", "collection_workdays", "uncollected_ban_count",
                 "reminder_days", "max_consecutive_sittings", "source"],
                values, strict=True,
            )),
        )


def unload(apps, schema_editor):
    codes = [yaml.safe_load(p.read_text(encoding="utf-8"))["code"]
             for p in sorted(RULESETS.glob("*.yaml"))]
    apps.get_model("personnel", "QualificationRule").objects.filter(
        code__in=codes, version=1
    ).delete()
    apps.get_model("personnel", "ProvincePolicy").objects.filter(
        province_id__in=list(POLICIES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0001_squashed_0012'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
