"""Re-check windows recorded before versions become each province's first version."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels


def first_version(apps, schema_editor):
    Policy = apps.get_model("scoring", "RecheckPolicy")
    for row in Policy.objects.filter(document_no=""):
        row.document_no = (row.source or "原系统配置（未注明文号）")[:200]
        row.needs_verification = not row.source
        row.save(update_fields=["document_no", "needs_verification"])


class Migration(migrations.Migration):
    dependencies = [
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0002_load_qualification_rules_and_province_policies'),
        ('regions', '0002_load_gbt2260_divisions'),
        ('scoring', '0001_squashed_0009'),
    ]
    operations = [RunPythonOnRenderedModels(first_version, migrations.RunPython.noop)]
