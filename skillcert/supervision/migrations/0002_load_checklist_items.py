"""The starting checklists (seed 004 §二十, 逢考必督 and process supervision); provinces edit
them as data afterwards."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

ITEMS = {
    "process": [
        ("plan_filed", "评价计划已按规定提前备案，实施与备案一致"),
        ("methods", "评价方式（过程考核、结果认定、业绩评审等）符合企业评价规范"),
        ("examiners", "考评人员具备资格，回避和轮换规定得到执行"),
        ("records", "评价过程记录、成绩和佐证材料完整可追溯"),
        ("four_dimensions", "品德、职业能力、工作业绩、社会贡献四个维度均已评价"),
    ],
    "onsite": [
        ("identity", "考生身份核验严格，人证一致"),
        ("papers", "试卷保密、启封和回收符合规定"),
        ("room_order", "考场秩序良好，考场记录完整"),
        ("examiners", "考评员、监考人员配备比例和回避符合规定"),
        ("scoring", "评分标准执行一致，成绩记录真实"),
        ("facilities", "场地设备满足操作技能考核要求"),
    ],
}


def load(apps, schema_editor):
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    for kind, rows in ITEMS.items():
        for position, (code, title) in enumerate(rows, start=1):
            ChecklistItem.objects.update_or_create(
                kind=kind, code=code, defaults={"title": title, "position": position}
            )


def unload(apps, schema_editor):
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    for kind, rows in ITEMS.items():
        ChecklistItem.objects.filter(kind=kind, code__in=[c for c, _ in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ('occupations', '0002_load_legacy_level_mapping'),
        ('organizations', '0003_load_filing_checklists_and_default_policy'),
        ('personnel', '0002_load_qualification_rules_and_province_policies'),
        ('regions', '0002_load_gbt2260_divisions'),
        ('supervision', '0001_squashed_0005'),
    ]

    operations = [RunPythonOnRenderedModels(load, unload)]
