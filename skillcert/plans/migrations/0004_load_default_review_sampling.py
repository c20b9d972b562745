"""The default review sampling rates: every application reviewed at the city and province
tiers (what every plan got before), flagged 待核实 so that the province sets its own."""

import datetime

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels


def load(apps, schema_editor):
    Policy = apps.get_model("plans", "ReviewSamplingPolicy")
    if not Policy.objects.filter(province="").exists():
        Policy.objects.create(
            province="",
            city_sample_rate=1,
            province_sample_rate=1,
            effective_from=datetime.date(2000, 1, 1),
            document_no="平台默认：全部复审、全部终审（待省级按文件设定）",
            needs_verification=True,
        )


def unload(apps, schema_editor):
    apps.get_model("plans", "ReviewSamplingPolicy").objects.filter(province="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0002_load_qualification_rules_and_province_policies'),
        ('plans', '0001_squashed_0005'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
