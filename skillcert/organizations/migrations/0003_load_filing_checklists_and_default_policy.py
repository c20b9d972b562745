"""Filing conditions per organisation type (seed 001 §一–§四, seed 004 §十二/§十七) and the
default filing policy. Data, not code: provinces edit, add and retire items afterwards."""

from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels

F, N, T, D = "file", "number", "text", "declaration"

# (kind, code, title, evidence, min_value, guidance, basis)
COMMON_TAIL = [
    ("examiners", "考评人员数量（具备相应资质）", N, 3,
     "持有相应职业三级及以上证书，或相关专业中级及以上职称并从事相关工作满2年", "seed 001 §二"),
    ("item_writers", "命题人员数量", N, 1,
     "持有二级及以上证书或相关专业高级职称，并与机构签订保密协议", "seed 001 §三"),
    ("venues", "场地设施设备情况", F, None, "场地平面图、主要设施设备清单及照片", "seed 004 §十二"),
    ("management_rules", "管理制度", F, None,
     "财务、人员管理制度；考务、试题、证书、质量督导、档案管理等实施办法", "seed 001 §三"),
    ("sample_papers", "各等级样题", F, None, "申报职业各等级样题", "seed 001 §四"),
    ("item_bank", "题库（卷库）建设情况说明", T, None, "题库来源、规模、更新机制", "seed 001 §四"),
    ("no_bad_credit", "无违法违纪和不良信用记录", D, None,
     "机构及其负责人未被列入异常名录或黑名单", "seed 004 §二十二"),
    ("confidentiality", "命题及考评人员保密承诺", D, None, "已与命题人员签订保密协议", "seed 001 §三"),
]

CHECKLISTS = {
    "S": [
        ("legal_entity", "独立法人资格证明", F, None, "营业执照或民办非企业单位登记证书", "seed 004 §十二"),
        ("related_business", "已开展相关职业培训或评价", T, None,
         "已开展申报职业相关培训或评价的情况说明", "seed 001 §一"),
        ("staff", "专职工作人员数量", N, 5, "从事认定组织管理的专职人员", "seed 004 §十二"),
    ],
    "Y": [
        ("legal_entity", "营业执照", F, None, "企业法人营业执照", "seed 004 §十三"),
        ("evaluation_plan", "企业自主评价实施方案", F, None,
         "评价职业（工种）、评价方式（过程考核、结果认定、业绩评审、技能竞赛、校企合作）", "seed 004 §十三"),
        ("skill_staff", "本单位技能人员数量", N, 1, "在职技能人员总数", "seed 002"),
    ],
    "school": [
        ("legal_entity", "办学许可证或事业单位法人证书", F, None, "", "seed 001 §一"),
        ("related_majors", "设有相关专业", T, None, "与申报职业相关的专业设置情况", "seed 001 §一"),
        ("staff", "专职工作人员数量", N, 3, "", "seed 004 §十二"),
    ],
    "association": [
        ("legal_entity", "社会团体法人登记证书", F, None, "已与行政机关脱钩", "seed 001 §一"),
        ("research_background", "相关研究背景或工作经历", T, None,
         "从事申报职业相关理论研究或行业工作的情况", "seed 001 §一"),
        ("staff", "专职工作人员数量", N, 3, "", "seed 004 §十二"),
    ],
}


def load(apps, schema_editor):
    ChecklistItem = apps.get_model("organizations", "FilingCondition")
    FilingPolicy = apps.get_model("organizations", "FilingPolicy")
    rows = []
    for kind, items in CHECKLISTS.items():
        for position, (code, title, evidence, min_value, guidance, basis) in enumerate(
            items + COMMON_TAIL
        ):
            rows.append(
                ChecklistItem(
                    kind=kind, code=code, title=title, evidence=evidence, min_value=min_value,
                    guidance=guidance, basis=basis, position=position, required=True,
                )
            )
    ChecklistItem.objects.bulk_create(rows)
    FilingPolicy.objects.create(
        province="",
        validity_years=3,
        renewal_window_days=90,
        province_review_levels=[2, 1],
        annual_report_due_month=12,
        annual_report_due_day=31,
        note="默认规则：技师、高级技师须经省级审核；年度报告每年12月31日前报送（seed 001 §五）",
    )


def unload(apps, schema_editor):
    apps.get_model("organizations", "FilingCondition").objects.all().delete()
    apps.get_model("organizations", "FilingPolicy").objects.filter(province="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ('organizations', '0001_squashed_0009'),
        ('regions', '0002_load_gbt2260_divisions'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
