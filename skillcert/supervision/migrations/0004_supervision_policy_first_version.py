"""Supervision policies recorded before versions become each province's first version."""

from django.db import migrations


def first_version(apps, schema_editor):
    Policy = apps.get_model("supervision", "SupervisionPolicy")
    for row in Policy.objects.filter(document_no=""):
        row.document_no = (row.note or "原系统配置（未注明文号）")[:200]
        row.needs_verification = not row.note
        row.save(update_fields=["document_no", "needs_verification"])


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_supervision_policy_versions")]
    operations = [migrations.RunPython(first_version, migrations.RunPython.noop)]
