"""The personnel policy rows become each province's first version. Jiangsu's values were
copied from Sichuan's document pending Jiangsu's own: they are flagged 待核实 until an officer
confirms them."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

COPIED_FROM_ANOTHER_PROVINCE = {"320000"}


def first_version(apps, schema_editor):
    Policy = apps.get_model("personnel", "ProvincePolicy")
    for row in Policy.objects.filter(document_no=""):
        row.document_no = (row.source or "原系统配置（未注明文号）")[:200]
        row.needs_verification = row.province_id in COPIED_FROM_ANOTHER_PROVINCE or "待" in (
            row.source or ""
        )
        row.save(update_fields=["document_no", "needs_verification"])


class Migration(migrations.Migration):
    dependencies = [
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0002_load_qualification_rules_and_province_policies'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(first_version, migrations.RunPython.noop)]
