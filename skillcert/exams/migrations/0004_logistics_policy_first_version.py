"""The exam rules loaded from a public repost become each province's first version, flagged
待核实: a repost is not the province's document, so an officer confirms them (or records the
province's own)."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels


def first_version(apps, schema_editor):
    Policy = apps.get_model("exams", "LogisticsPolicy")
    for row in Policy.objects.filter(document_no=""):
        row.document_no = (row.source or "原系统配置（未注明文号）")[:200]
        row.needs_verification = True
        row.save(update_fields=["document_no", "needs_verification"])


class Migration(migrations.Migration):
    dependencies = [
        ('exams', '0002_load_logistics_policies'),
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0002_load_qualification_rules_and_province_policies'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(first_version, migrations.RunPython.noop)]
