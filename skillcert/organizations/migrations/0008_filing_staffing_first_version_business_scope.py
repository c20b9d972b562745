"""The filing checklists' staff counts become a province setting (`FilingStaffingPolicy`), and
the checklists follow seed 001 §一 and cite their real source.

- The counts the checklists carried (专职工作人员 5 or 3, 考评人员 3, 命题人员 1, 技能人员 1)
  have no source: seed 001 §二、§三 ask for 「具备相应资质的考评人员、命题」 without a number,
  and seed 004 §十二 (拓展评价主体) says nothing of staff. They become the default row's first
  version, flagged 待核实, and leave the conditions (one source of the number, not two).
- 用人单位 gain seed 001 §一's condition: 经营范围 includes the occupation's business.
- Conditions that cited seed 004 §十二 for documents cite seed 001 §四 (材料 per the ministry's
  and the province's rules); the staff counts cite the setting."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

DOCUMENT = (
    "人社厅（2023）劳动关系协调师职业技能等级认定工作通知 二、三：仅要求具备相应资质的"
    "考评人员、命题人员，未规定人数；各项人数为平台默认值，请以本省文件核实"
)
DEFAULTS = {
    "social_staff_min": 5,
    "school_staff_min": 3,
    "association_staff_min": 3,
    "employer_skill_staff_min": 1,
    "examiners_min": 3,
    "item_writers_min": 1,
}
# (kind, code) of the conditions whose count the setting now gives, with the old minimum.
COUNTED = {
    ("S", "staff"): 5,
    ("school", "staff"): 3,
    ("association", "staff"): 3,
    ("Y", "skill_staff"): 1,
    ("S", "examiners"): 3,
    ("Y", "examiners"): 3,
    ("school", "examiners"): 3,
    ("association", "examiners"): 3,
    ("S", "item_writers"): 1,
    ("Y", "item_writers"): 1,
    ("school", "item_writers"): 1,
    ("association", "item_writers"): 1,
}
COUNT_BASIS = "省级设置：备案人员数量要求"
OLD_COUNT_BASIS = {
    "staff": "seed 004 §十二",
    "skill_staff": "seed 002",
    "examiners": "seed 001 §二",
    "item_writers": "seed 001 §三",
}
BASIS_FIXES = {
    # code: (old basis, new basis)
    "legal_entity": ("seed 004 §十二", "seed 001 §四"),
    "venues": ("seed 004 §十二", "seed 001 §四"),
}
BUSINESS_SCOPE = {
    "code": "business_scope",
    "title": "经营范围包含申报职业相关业务",
    "evidence": "text",
    "guidance": (
        "营业执照载明的经营范围须包含与申报职业相关的业务，如劳动关系协调师："
        "人力资源管理服务、劳动法律服务、劳动争议调解代理等"
    ),
    "basis": "seed 001 §一",
}


def forward(apps, schema_editor):
    Policy = apps.get_model("organizations", "FilingStaffingPolicy")
    Condition = apps.get_model("organizations", "FilingCondition")
    if not Policy.objects.filter(province="").exists():
        Policy.objects.create(
            province="", document_no=DOCUMENT, needs_verification=True, **DEFAULTS
        )
    for kind, code in COUNTED:
        Condition.objects.filter(kind=kind, code=code).update(min_value=None, basis=COUNT_BASIS)
    for code, (old, new) in BASIS_FIXES.items():
        Condition.objects.filter(code=code, basis=old).update(basis=new)
    employer = Condition.objects.filter(kind="Y")
    if employer.exists() and not employer.filter(code=BUSINESS_SCOPE["code"]).exists():
        for row in employer.filter(position__gte=1).order_by("-position"):
            row.position += 1
            row.save(update_fields=["position"])
        Condition.objects.create(kind="Y", position=1, required=True, **BUSINESS_SCOPE)


def backward(apps, schema_editor):
    Policy = apps.get_model("organizations", "FilingStaffingPolicy")
    Condition = apps.get_model("organizations", "FilingCondition")
    Policy.objects.filter(province="", document_no=DOCUMENT).delete()
    for (kind, code), minimum in COUNTED.items():
        Condition.objects.filter(kind=kind, code=code).update(
            min_value=minimum, basis=OLD_COUNT_BASIS[code]
        )
    for code, (old, new) in BASIS_FIXES.items():
        Condition.objects.filter(code=code, basis=new).update(basis=old)
    removed = Condition.objects.filter(kind="Y", code=BUSINESS_SCOPE["code"])
    if removed.exists():
        removed.delete()
        for row in Condition.objects.filter(kind="Y", position__gt=1).order_by("position"):
            row.position -= 1
            row.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [
        ('organizations', '0006_filing_policy_first_version'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(forward, backward)]
