"""The exam rules of the public repost (DOMAIN.md §4) for Jiangsu (seed 000) and Sichuan, as
editable data: a province changes its row, the code never carries these numbers."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

CHECKLIST = ["核验准考证", "核验有效身份证件", "人像比对", "随身物品检查（通讯工具关机并集中存放）"]
SOURCE = "公开转载的考务规则（监考1:15且每场不少于2人，实操考评1:5、不少于3人且为单数）"


def load(apps, schema_editor):
    Policy = apps.get_model("exams", "LogisticsPolicy")
    Region = apps.get_model("regions", "Region")
    for code in ("320000", "510000"):
        region = Region.objects.filter(code=code).first()
        if region is None or Policy.objects.filter(province=region).exists():
            continue
        Policy.objects.create(
            province=region,
            invigilator_per=15,
            min_invigilators_theory=2,
            examiner_per=5,
            min_examiners_practical=3,
            examiners_odd=True,
            supervisors_per_site=1,
            late_entry_minutes=30,
            no_leave_minutes=30,
            entry_checklist=CHECKLIST + (["健康检查（测温）"] if code == "320000" else []),
            source=SOURCE,
        )


def unload(apps, schema_editor):
    apps.get_model("exams", "LogisticsPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ('exams', '0001_squashed_0005'),
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0002_load_qualification_rules_and_province_policies'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
