"""Demo catalogue for `manage.py demo`: eight real occupations with their standards' levels,
weight tables and a few assessment elements, a directory, and the Jiangsu HR override.

Codes and levels follow public reposts; where a code is uncertain the occupation says so in
`code_note`. The percentages are illustrative (each standard's note says so): check them
against the published standard before relying on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillcert.accounts.actors import Actor
from skillcert.occupations.formats import FORMAT_TAG, validate_document
from skillcert.occupations.models import DirectoryEntry, Occupation
from skillcert.occupations.services import directory_entry_add, standards_import

ILLUSTRATIVE = "比重表数值为演示数据，须按标准原文核对后使用。"

# (code, name, code_note, standard year, levels, skill functions, specialties)
OCCUPATIONS: list[tuple[str, str, str, int, list[int], list[str], list[str]]] = [
    (
        "4-07-03-02",
        "企业人力资源管理师",
        "",
        2019,
        [4, 3, 2, 1],
        ["人力资源规划", "招聘与配置", "培训与开发", "绩效管理", "薪酬管理", "劳动关系管理"],
        [],
    ),
    (
        "4-07-03-03",
        "劳动关系协调师",
        "编码待核实：公开转载中另见 4-07-03-02；2015 年版大典名称为“劳动关系协调员”",
        2019,
        [4, 3, 2, 1],
        ["劳动标准实施管理", "劳动合同管理", "集体协商", "劳动规章制度建设", "劳动争议预防与处理"],
        [],
    ),
    (
        "6-31-01-03",
        "电工",
        "依据公开转载（职业分类大典），待核实",
        2018,
        [5, 4, 3, 2, 1],
        ["电气故障检修", "继电控制电路装调维修", "电气设备安装调试", "自动控制电路装调维修"],
        [],
    ),
    (
        "6-18-02-04",
        "焊工",
        "依据公开转载（职业分类大典），待核实",
        2018,
        [5, 4, 3, 2, 1],
        ["焊前准备", "焊接", "焊后检查", "技术管理与培训"],
        ["焊条电弧焊", "熔化极气体保护焊"],
    ),
    (
        "6-18-01-01",
        "车工",
        "依据公开转载（职业分类大典），待核实",
        2018,
        [5, 4, 3, 2, 1],
        ["工艺准备", "轴类零件加工", "套类零件加工", "螺纹加工", "精度检验"],
        [],
    ),
    (
        "4-03-02-01",
        "中式烹调师",
        "依据公开转载（职业分类大典），待核实",
        2018,
        [5, 4, 3, 2, 1],
        ["原料初加工", "原料切配", "菜肴制作", "宴席设计"],
        [],
    ),
    (
        "4-10-01-02",
        "育婴员",
        "依据公开转载（职业分类大典），待核实",
        2019,
        [5, 4, 3],
        ["生活照料", "保健与护理", "教育实施"],
        [],
    ),
    (
        "4-10-01-05",
        "养老护理员",
        "依据公开转载（职业分类大典），待核实",
        2019,
        [5, 4, 3, 2, 1],
        ["生活照护", "基础照护", "康复服务", "心理支持", "培训指导"],
        [],
    ),
]


def _split(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def _weights(levels: list[int], functions: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for level in levels:
        basics = 30 if level >= 4 else 20 if level == 3 else 10
        rows.append(
            {
                "part": "theory",
                "level": level,
                "section": "基本要求",
                "item": "职业道德",
                "percent": 5,
            }
        )
        rows.append(
            {
                "part": "theory",
                "level": level,
                "section": "基本要求",
                "item": "基础知识",
                "percent": basics - 5,
            }
        )
        for name, pct in zip(functions, _split(100 - basics, len(functions)), strict=True):
            rows.append(
                {
                    "part": "theory",
                    "level": level,
                    "section": "相关知识要求",
                    "item": name,
                    "percent": pct,
                }
            )
        for name, pct in zip(functions, _split(100, len(functions)), strict=True):
            rows.append(
                {
                    "part": "practical",
                    "level": level,
                    "section": "技能要求",
                    "item": name,
                    "percent": pct,
                }
            )
    return rows


def _elements(functions: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "code": chr(ord("A") + i),
            "name": name,
            "importance": "X",
            "children": [
                {"code": f"{chr(ord('A') + i)}-01", "name": f"{name}基础知识", "importance": "Y"},
                {"code": f"{chr(ord('A') + i)}-02", "name": f"{name}操作规范", "importance": "X"},
            ],
        }
        for i, name in enumerate(functions)
    ]


def demo_document() -> dict[str, Any]:
    return {
        "format": FORMAT_TAG,
        "occupations": [
            {
                "code": code,
                "name": name,
                "certification_kind": "skill_level",
                "code_note": note,
                "specialties": [{"name": s} for s in specialties],
                "standards": [
                    {
                        "kind": "national",
                        "code": code,
                        "name": f"{name}国家职业技能标准",
                        "edition_year": year,
                        "levels": levels,
                        "rule_set": "generic-2018",
                        "note": ILLUSTRATIVE,
                        "weights": _weights(levels, functions),
                        "elements": _elements(functions),
                    }
                ],
            }
            for code, name, note, year, levels, functions, specialties in OCCUPATIONS
        ],
    }


def load_catalogue_demo(actor: Actor) -> None:
    """Idempotent: occupations already present and directory lines already listed are left
    alone. (The demo's rule sets are eligibility's: `eligibility.demo.load_eligibility_demo`.)"""
    existing = set(Occupation.objects.values_list("code", flat=True))
    docs = [d for d in validate_document(demo_document()) if d.code not in existing]
    if docs:
        standards_import(occupations=docs, actor=actor)
    listed_from = dt.date(2020, 1, 1)
    for code, _name, _note, _year, levels, _functions, _specialties in OCCUPATIONS:
        occupation = Occupation.objects.get(code=code)
        for level in levels:
            if not DirectoryEntry.objects.filter(occupation=occupation, level=level).exists():
                directory_entry_add(
                    occupation=occupation,
                    level=level,
                    effective_from=listed_from,
                    document_no="演示：省级职业技能等级认定目录（2020）",
                    reason="演示数据",
                    actor=actor,
                )
