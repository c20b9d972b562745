"""Issue #23 (seed 003 §三): the five training topics are course content the province keeps —
course units with a title and a duration, added and edited by the province officer, audited."""

from __future__ import annotations

from typing import Any

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import CourseUnit, TrainingTopic
from skillcert.personnel.services import course_unit_create, course_unit_update
from skillcert.regions.models import Region


def create(world, *, actor=None, **kw):
    args: dict[str, Any] = {"topic": TrainingTopic.POLICY, "title": "评价政策解读", "minutes": 90}
    args.update(kw)
    return course_unit_create(
        province=world.jiangsu, actor=actor or world.personas.province, **args
    )


def test_the_five_topics_are_those_of_the_notice():
    assert [label for _, label in TrainingTopic.choices] == [
        "国家技能人才评价的政策、制度体系及相应的规章制度",
        "职业分类及命（审）题技术",
        "考评程序和考评技术、方法",
        "技能人才评价考务管理流程及规范要求",
        "考评员的管理使用",
    ]


def test_province_officer_adds_and_edits_a_unit_audited(world):
    unit = create(world)
    assert (unit.province, unit.topic, unit.title, unit.minutes, unit.active) == (
        world.jiangsu,
        "policy",
        "评价政策解读",
        90,
        True,
    )
    created = AuditEvent.objects.get(action="personnel.course_unit_create")
    assert created.changes["minutes"] == [None, 90]
    course_unit_update(
        unit=unit,
        topic=TrainingTopic.PROCEDURE,
        title="考评技术",
        minutes=120,
        active=False,
        actor=world.personas.province,
    )
    unit.refresh_from_db()
    assert (unit.topic, unit.title, unit.minutes, unit.active) == (
        "procedure",
        "考评技术",
        120,
        False,
    )
    updated = AuditEvent.objects.get(action="personnel.course_unit_update")
    assert updated.changes["minutes"] == [90, 120]
    assert updated.changes["active"] == [True, False]


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"topic": "cooking"}, "personnel.topic_invalid", "topic"),
        ({"title": "  "}, "personnel.unit_title_required", "title"),
        ({"title": "长" * 201}, "personnel.unit_title_too_long", "title"),
        ({"minutes": 0}, "personnel.unit_minutes_invalid", "minutes"),
        ({"minutes": 481}, "personnel.unit_minutes_invalid", "minutes"),
    ],
)
def test_bad_unit_input_is_refused_and_nothing_is_stored(world, kw, code, field):
    with pytest.raises(DomainError) as err:
        create(world, **kw)
    assert (err.value.code, err.value.field) == (code, field)
    assert not CourseUnit.objects.exists()
    assert not AuditEvent.objects.filter(action="personnel.course_unit_create").exists()


def test_a_title_is_used_once_per_province(world):
    create(world)
    with pytest.raises(DomainError) as err:
        create(world, minutes=30)
    assert err.value.code == "personnel.unit_title_taken"
    assert CourseUnit.objects.count() == 1


def test_only_the_province_officer_keeps_the_content(world):
    for actor in (world.personas.city_nanjing, world.personas.clerk_a, world.personas.examiner):
        with pytest.raises(DomainError) as err:
            create(world, actor=actor)
        assert err.value.code == "personnel.forbidden"
    with pytest.raises(DomainError) as err:
        course_unit_create(
            province=Region.objects.get(code="320100"),
            topic="policy",
            title="市级课件",
            minutes=30,
            actor=world.personas.province,
        )
    assert err.value.code == "personnel.province_invalid"
    assert not CourseUnit.objects.exists()


def test_province_officer_keeps_units_through_the_page(world):
    client = world.personas.client_for(world.personas.province)
    page = client.get("/personnel/training/units/")
    assert page.status_code == 200
    assert "职业分类及命（审）题技术" in page.content.decode()
    done = client.post(
        "/personnel/training/units/",
        {"unit-topic": "classification", "unit-title": "命题技术", "unit-minutes": 60},
        follow=True,
    )
    assert "已添加课件：命题技术" in done.content.decode()
    unit = CourseUnit.objects.get()
    bad = client.post(
        "/personnel/training/units/",
        {"unit-topic": "classification", "unit-title": "命题技术", "unit-minutes": 45},
    )
    assert bad.status_code == 200
    assert "课件“命题技术”已存在" in bad.content.decode()
    edited = client.post(
        f"/personnel/training/units/{unit.pk}/",
        {"unit-topic": "classification", "unit-title": "命（审）题技术", "unit-minutes": 90},
        follow=True,
    )
    assert "已保存课件：命（审）题技术" in edited.content.decode()
    unit.refresh_from_db()
    assert (unit.title, unit.minutes, unit.active) == ("命（审）题技术", 90, False)
    too_long = client.post(
        f"/personnel/training/units/{unit.pk}/",
        {"unit-topic": "classification", "unit-title": "x", "unit-minutes": 481},
    )
    assert too_long.status_code == 200
    unit.refresh_from_db()
    assert unit.minutes == 90


def test_others_cannot_open_the_course_units_page(world):
    unit = create(world)
    for persona in (world.personas.city_nanjing, world.personas.clerk_a):
        client = world.personas.client_for(persona)
        assert client.get("/personnel/training/units/").status_code == 403
        assert client.get(f"/personnel/training/units/{unit.pk}/").status_code == 403
        response = client.post(
            "/personnel/training/units/",
            {"unit-topic": "policy", "unit-title": "偷加", "unit-minutes": 30},
        )
        assert response.status_code == 403
    assert CourseUnit.objects.count() == 1


def test_the_plans_page_links_to_the_course_units_and_offline_sessions(world):
    province = world.personas.client_for(world.personas.province).get("/personnel/plans/")
    assert "/personnel/training/units/" in province.content.decode()
    assert "/personnel/training/offline/" in province.content.decode()
    clerk = world.personas.client_for(world.personas.clerk_a).get("/personnel/plans/")
    assert "/personnel/training/units/" not in clerk.content.decode()
    assert "/personnel/training/offline/" in clerk.content.decode()
    examiner = world.personas.client_for(world.personas.examiner).get("/personnel/plans/")
    assert "/personnel/training/offline/" not in examiner.content.decode()
