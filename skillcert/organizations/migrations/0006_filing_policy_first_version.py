"""The filing policy rows that existed before versions become their province's first version.
The default row's annual-report date comes from the 2023 notice on 劳动关系协调师 (seed 001 §五);
its validity and renewal numbers are the platform's defaults, so it is flagged 待核实."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

DEFAULT_DOCUMENT = (
    "人社厅（2023）劳动关系协调师职业技能等级认定工作通知 五；有效期、延续期限为平台默认值"
)


def first_version(apps, schema_editor):
    Policy = apps.get_model("organizations", "FilingPolicy")
    for row in Policy.objects.filter(document_no=""):
        if row.province == "":
            row.document_no = DEFAULT_DOCUMENT
            row.needs_verification = True
        else:
            row.document_no = (row.note or "原系统配置（未注明文号）")[:200]
        row.save(update_fields=["document_no", "needs_verification"])


class Migration(migrations.Migration):
    dependencies = [
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(first_version, migrations.RunPython.noop)]
