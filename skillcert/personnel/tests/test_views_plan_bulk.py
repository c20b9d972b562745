"""The training plan's batch forms in the web: the month-end exam's score sheet (template,
xlsx and CSV upload, a bad row named on the plan's page with nothing recorded) and 批量发证
by the province; a city officer's issue is refused (403), a user who cannot see the plan
gets 404."""

import datetime as dt
import io
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from skillcert.accounts.actors import COMMAND
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.common.tests.sheet_files import xlsx_bytes as _xlsx
from skillcert.personnel.forms_bulk import SheetRegistration, exam_sheet_read
from skillcert.personnel.models import Card, Registration
from skillcert.personnel.services import (
    Completion,
    course_completions_record_bulk,
    exam_results_record_bulk,
    pledge_sign,
    registrations_recommend_bulk,
    registrations_review_bulk,
)

from .conftest import certify, publish, register, registration_through

ISSUE_DAY = dt.datetime(2026, 4, 10, 10, tzinfo=dt.UTC)


@pytest.fixture
def learned(world):
    """The March plan with two Nanjing registrations through both reviews and the course."""
    from skillcert.personnel.demo import course_schedule, course_units_seed

    p = world.personas
    plan = publish(world, 3)
    second = register(p, seq=3, name="钱第二")
    certify(world, number="JS2019000001")
    certify(world, second, number="JS2019000002")
    regs = [
        registration_through(world, plan),
        registration_through(world, plan, person=second, actor=COMMAND),
    ]
    ids = [r.pk for r in regs]
    registrations_recommend_bulk(plan=plan, registration_ids=ids, actor=p.city_nanjing)
    for review, actor in (("city_review", p.city_nanjing), ("province_review", p.province)):
        registrations_review_bulk(
            plan=plan, registration_ids=ids, review=review, approve=True, actor=actor
        )
    units = course_units_seed(plan.province, COMMAND)
    schedule = course_schedule(units, first_day=plan.published_on, minutes=plan.required_minutes)
    course_completions_record_bulk(
        plan=plan,
        completions=[Completion(r.pk, u.pk, day) for r in regs for u, day in schedule],
        actor=p.province,
        today=plan.exam_on,
    )
    return plan, regs


def _upload(world, user, plan, content: bytes, name: str):
    return world.personas.client_for(user).post(
        reverse("personnel:exam_sheet", args=[plan.pk]),
        {"exam-file": SimpleUploadedFile(name, content)},
    )


def test_template_then_xlsx_sheet_records_every_score(world, learned):
    plan, regs = learned
    client = world.personas.client_for(world.personas.province)
    page = client.get(reverse("personnel:plan", args=[plan.pk])).content.decode()
    assert "批量录入考核成绩" in page and "批量发证" in page
    template = client.get(reverse("personnel:exam_sheet_template", args=[plan.pk]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(template.content))
    rows: list[list[Any]] = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0][0] == "报名编号" and rows[0][-1] == "成绩"
    assert sorted(int(r[0]) for r in rows[1:]) == [r.pk for r in regs]
    filled = [rows[0]] + [[*r[:-1], 88 if int(r[0]) == regs[0].pk else 40] for r in rows[1:]]
    response = _upload(world, world.personas.province, plan, _xlsx(filled), "成绩.xlsx")
    assert response.status_code == 302
    scores = dict(Registration.objects.values_list("pk", "exam_score"))
    assert scores == {regs[0].pk: 88, regs[1].pk: 40}
    assert AuditEvent.objects.filter(action="personnel.exam_result_record_bulk").count() == 1


def test_csv_sheet_with_a_blank_score_records_only_the_filled_row(world, learned):
    plan, regs = learned
    text = f"报名编号,姓名,成绩\n{regs[0].pk},,75\n{regs[1].pk},钱第二,\n"
    response = _upload(world, world.personas.city_nanjing, plan, text.encode(), "a.csv")
    assert response.status_code == 302
    assert dict(Registration.objects.values_list("pk", "exam_score")) == {
        regs[0].pk: 75,
        regs[1].pk: None,
    }


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("{r1},,八十", "第3行“成绩”：应为0到100的整数"),
        ("{r1},,80.5", "第3行“成绩”：应为0到100的整数"),
        ("999999,,80", "第3行“报名编号”：报名编号“999999”不属于本期培训计划"),
        ("{r0},,80", "第3行“报名编号”：报名 {r0} 与第2行重复"),
        ("{r1},孙错行,80", "第3行“姓名”：与报名 {r1} 的姓名不符"),
    ],
)
def test_a_bad_row_is_named_on_the_plan_page_and_nothing_is_recorded(
    world, learned, second, expected
):
    plan, regs = learned
    values = {"r0": regs[0].pk, "r1": regs[1].pk}
    text = f"报名编号,姓名,成绩\n{regs[0].pk},,70\n{second.format(**values)}\n"
    response = _upload(world, world.personas.province, plan, text.encode(), "a.csv")
    assert response.status_code == 200
    assert expected.format(**values) in response.content.decode()
    assert set(Registration.objects.values_list("exam_score", flat=True)) == {None}


def test_the_services_refusal_names_the_line_of_its_registration(world, learned):
    plan, regs = learned
    exam_results_record_bulk(plan=plan, scores={regs[1].pk: 60}, actor=world.personas.province)
    text = f"报名编号,成绩\n{regs[0].pk},70\n{regs[1].pk},80\n"
    response = _upload(world, world.personas.province, plan, text.encode(), "a.csv")
    assert response.status_code == 200
    assert "第3行：钱第二" in response.content.decode()
    assert Registration.objects.get(pk=regs[0].pk).exam_score is None


def test_reader_codes_for_a_bad_file():
    known = {5: SheetRegistration(frozenset({"甲"}))}
    with pytest.raises(DomainError) as err:
        exam_sheet_read("姓名,成绩\n甲,60\n".encode(), filename="a.csv", registrations=known)
    assert err.value.code == "upload.header_missing"
    with pytest.raises(DomainError) as err:
        exam_sheet_read("报名编号,成绩\n5,\n".encode(), filename="a.csv", registrations=known)
    assert err.value.code == "personnel.sheet_no_scores"


def test_province_issues_every_ready_card_and_a_city_officer_is_refused(world, learned):
    plan, regs = learned
    exam_results_record_bulk(
        plan=plan, scores={r.pk: 80 for r in regs}, actor=world.personas.province
    )
    for reg in regs:
        pledge_sign(registration=reg, actor=COMMAND)
    url = reverse("personnel:cards_issue_bulk", args=[plan.pk])
    city = world.personas.client_for(world.personas.city_nanjing)
    assert city.post(url, {"cards-collection_opens_on": ""}).status_code == 403
    assert not Card.objects.exists()
    province = world.personas.client_for(world.personas.province)
    with mock.patch.object(timezone, "now", return_value=ISSUE_DAY):
        bad = province.post(url, {"cards-collection_opens_on": "2026-04-01"})
        assert bad.status_code == 200 and "开始领取日期不能早于发证日期" in bad.content.decode()
        assert not Card.objects.exists()
        page = province.post(url, {"cards-collection_opens_on": ""}, follow=True)
    assert "已批量发放证卡 2 张" in page.content.decode()
    assert Card.objects.count() == 2
    assert AuditEvent.objects.filter(action="personnel.card_issue_bulk").count() == 1


def test_users_who_cannot_act_get_403_or_404(world, learned):
    plan, regs = learned
    p = world.personas
    text = f"报名编号,成绩\n{regs[0].pk},70\n".encode()
    template = reverse("personnel:exam_sheet_template", args=[plan.pk])
    issue = reverse("personnel:cards_issue_bulk", args=[plan.pk])
    # Only officers have the score sheet; only the province issues cards.
    for user in (p.clerk_a, p.candidate):
        assert _upload(world, user, plan, text, "a.csv").status_code == 404
        assert p.client_for(user).get(template).status_code == 404
        assert p.client_for(user).post(issue).status_code == 403
    assert p.client_for(p.city_suzhou).post(issue).status_code == 403
    assert set(Registration.objects.values_list("exam_score", flat=True)) == {None}
    assert not Card.objects.exists()
