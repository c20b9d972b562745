"""Personas and a small catalogue for the occupations and eligibility tests."""

import datetime as dt

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role
from skillcert.accounts.services import role_grant, user_create
from skillcert.occupations.formats import validate_document
from skillcert.occupations.services import directory_entry_add, standards_import
from skillcert.regions.models import Region

PASSWORD = "Persona-Pass-2026"


TEST = SystemActor("test")


def province_officer(username="sheng"):
    user = user_create(
        username=username, password=PASSWORD, full_name="王省级", actor=SystemActor("test")
    )
    role_grant(
        user=user,
        role=Role.PROVINCE_OFFICER,
        region=Region.objects.get(code="320000"),
        actor=SystemActor("test"),
    )
    return user


def city_officer(username="nanjing"):
    user = user_create(
        username=username, password=PASSWORD, full_name="李南京", actor=SystemActor("test")
    )
    role_grant(
        user=user,
        role=Role.CITY_OFFICER,
        region=Region.objects.get(code="320100"),
        actor=SystemActor("test"),
    )
    return user


def login_verified(client, user):
    """Sign in with the TOTP second factor already passed (officers need it)."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


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
