"""Re-check windows recorded before versions become each province's first version."""

from django.db import migrations


def first_version(apps, schema_editor):
    Policy = apps.get_model("scoring", "RecheckPolicy")
    for row in Policy.objects.filter(document_no=""):
        row.document_no = (row.source or "原系统配置（未注明文号）")[:200]
        row.needs_verification = not row.source
        row.save(update_fields=["document_no", "needs_verification"])


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_recheck_policy_versions")]
    operations = [migrations.RunPython(first_version, migrations.RunPython.noop)]
