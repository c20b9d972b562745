"""Old 职业资格 level names and the skill levels they map onto one-to-one (seed 004 §二)."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

MAPPING = [
    ("初级", 5), ("初级工", 5), ("国家职业资格五级", 5),
    ("中级", 4), ("中级工", 4), ("国家职业资格四级", 4),
    ("高级", 3), ("高级工", 3), ("国家职业资格三级", 3),
    ("技师", 2), ("国家职业资格二级", 2),
    ("高级技师", 1), ("国家职业资格一级", 1),
]
NOTE = "职业技能等级与国家职业资格初级至高级技师一一对应（苏人社征求意见稿 §二）"


def load(apps, schema_editor):
    LegacyLevel = apps.get_model("occupations", "LegacyLevel")
    for name, level in MAPPING:
        LegacyLevel.objects.update_or_create(name=name, defaults={"level": level, "note": NOTE})


def unload(apps, schema_editor):
    apps.get_model("occupations", "LegacyLevel").objects.filter(name__in=[n for n, _ in MAPPING]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ('occupations', '0001_squashed_0001'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
