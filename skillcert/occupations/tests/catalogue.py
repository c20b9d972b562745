"""A small catalogue (standards documents and their import) for the occupations and
eligibility tests; the personas are the root conftest's."""

import datetime as dt

from skillcert.accounts.actors import SystemActor
from skillcert.occupations.formats import validate_document
from skillcert.occupations.services import directory_entry_add, standards_import

TEST = SystemActor("test")


def _weight(part, level, section, item, percent):
    return {"part": part, "level": level, "section": section, "item": item, "percent": percent}


def hr_document():
    """A small valid standards document: 企业人力资源管理师, level 4 weights, one element."""
    standard = {
        "kind": "national",
        "code": "4-07-03-02",
        "name": "企业人力资源管理师国家职业技能标准",
        "edition_year": 2019,
        "levels": [4, 3, 2, 1],
        "weights": [
            _weight("theory", 4, "基本要求", "职业道德", 5),
            _weight("theory", 4, "基本要求", "基础知识", 25),
            _weight("theory", 4, "相关知识要求", "招聘与配置", 70),
            _weight("practical", 4, "技能要求", "招聘与配置", 100),
        ],
        "elements": [
            {
                "code": "A",
                "name": "招聘与配置",
                "importance": "X",
                "children": [
                    {"code": "A-01", "name": "招聘需求分析", "importance": "Y", "levels": [4, 3]},
                ],
            },
        ],
    }
    return {
        "format": "skillcert.standards/1",
        "occupations": [
            {
                "code": "4-07-03-02",
                "name": "企业人力资源管理师",
                "specialties": [{"name": "招聘方向"}],
                "standards": [standard],
            }
        ],
    }


def hr_catalogue(actor=TEST):
    standards_import(occupations=validate_document(hr_document()), actor=actor)
    from skillcert.occupations.models import Occupation

    occupation = Occupation.objects.get(code="4-07-03-02")
    for level in (4, 3, 2, 1):
        directory_entry_add(
            occupation=occupation,
            level=level,
            effective_from=dt.date(2020, 1, 1),
            document_no="苏人社〔2020〕1号",
            actor=actor,
        )
    return occupation
