"""The personnel registry pages: registering a person, their file, the qualification check,
appointments, agreements, recusal relations, suspension and ban, the platform account, the
list's filters, export and masking. Every write page: good input, bad input (the page names
the field, nothing changes) and someone who may not (404 when they cannot see the person,
403 when they can but may not act, nothing changes)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from python_calamine import CalamineWorkbook

from skillcert.accounts.models import User
from skillcert.audit.models import AuditEvent
from skillcert.personnel.models import (
    ConfidentialityAgreement,
    Person,
    PersonCertificate,
    PersonRole,
    PersonTitle,
    PersonWork,
    RecusalRelation,
    Registration,
)
from skillcert.personnel.selectors import person_by_id_number
from skillcert.personnel.services import (
    person_certificate_add,
    person_work_add,
)

from .conftest import certify, make_id, registration_through

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NEW_ID = make_id(31)


def url(person: Person, tail: str = "") -> str:
    return f"/personnel/{person.pk}/{tail}"


def new_person_data(personas, **changes):
    data = {
        "name": "钱新人",
        "id_number": NEW_ID,
        "education": "bachelor",
        "phone": "13812345678",
        "address": "南京市鼓楼区北京西路1号",
        "employer": str(personas.org_a.pk),
        "employer_name": "",
        "region": "",
    }
    return {**data, **changes}


def certificate_data(world, **changes):
    data = {
        "certificate-occupation": str(world.ldgx.pk),
        "certificate-level": "3",
        "certificate-number": "S000032010003001",
        "certificate-issued_on": "2020-06-30",
    }
    return {**data, **changes}


def role_data(world, role, **changes):
    data = {
        "role-role": role,
        "role-occupation": str(world.ldgx.pk),
        "role-level_high": "3",
        "role-level_low": "5",
        "role-organization": "",
    }
    return {**data, **changes}


def page(response) -> str:
    return response.content.decode()


# --- registering a person -------------------------------------------------------------------


def test_clerk_registers_a_person_of_their_organisation(world):
    p = world.personas
    response = p.client_for(p.clerk_a).post("/personnel/new/", new_person_data(p))
    person = person_by_id_number(NEW_ID)
    assert person is not None
    assert response.status_code == 302 and response["Location"] == url(person)
    assert person.name == "钱新人" and person.employer == p.org_a
    assert person.region_id == p.org_a.region_id  # the organisation's region
    assert person.gender == "M" and person.birth_date == dt.date(1980, 1, 1)
    assert AuditEvent.objects.filter(action="personnel.person_register", object_id=str(person.pk))
    # Stored encrypted: the column never holds the number in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM personnel_person WHERE id = %s", [person.pk])
        (stored,) = cursor.fetchone()
    assert stored and NEW_ID not in stored


def test_officer_registers_a_person_outside_any_organisation_with_a_region(world):
    p = world.personas
    data = new_person_data(p, employer="", employer_name="南京某某公司", region="320104")
    response = p.client_for(p.city_nanjing).post("/personnel/new/", data)
    assert response.status_code == 302
    person = person_by_id_number(NEW_ID)
    assert person is not None and person.region_id == "320104" and person.employer is None


def test_register_refuses_an_invalid_id_checksum_beside_the_field(world):
    p = world.personas
    wrong = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")
    response = p.client_for(p.clerk_a).post("/personnel/new/", new_person_data(p, id_number=wrong))
    assert response.status_code == 200
    assert "身份证号码校验位不正确" in page(response)
    assert Person.objects.count() == 2


def test_register_refuses_missing_fields_naming_each(world):
    p = world.personas
    response = p.client_for(p.clerk_a).post(
        "/personnel/new/", new_person_data(p, name="", education="")
    )
    assert response.status_code == 200
    text = page(response)
    assert "姓名：" in text and "文化程度：" in text
    assert Person.objects.count() == 2


def test_register_refuses_a_person_already_registered(world):
    p = world.personas
    response = p.client_for(p.clerk_a).post(
        "/personnel/new/", new_person_data(p, id_number=make_id(1))
    )
    assert response.status_code == 200
    assert "该身份证号码已登记，请勿重复登记" in page(response)
    assert Person.objects.count() == 2


def test_register_without_organisation_or_region_names_the_region(world):
    p = world.personas
    data = new_person_data(p, employer="", employer_name="某公司", region="")
    response = p.client_for(p.city_nanjing).post("/personnel/new/", data)
    assert response.status_code == 200
    assert "请选择单位所在地区或评价机构" in page(response)
    assert Person.objects.count() == 2


def test_another_organisations_clerk_cannot_register_into_organisation_a(world):
    p = world.personas
    response = p.client_for(p.clerk_b).post("/personnel/new/", new_person_data(p))
    assert response.status_code == 200  # org A is not among clerk B's choices
    assert person_by_id_number(NEW_ID) is None


@pytest.mark.parametrize("who", ["candidate", "examiner"])
def test_register_page_is_not_there_for_candidates_and_examiners(world, who):
    p = world.personas
    client = p.client_for(getattr(p, who))
    assert client.get("/personnel/new/").status_code == 404
    assert client.post("/personnel/new/", new_person_data(p)).status_code == 404
    assert person_by_id_number(NEW_ID) is None


def test_anonymous_is_sent_to_login_and_nothing_is_registered(world, client):
    response = client.post("/personnel/new/", new_person_data(world.personas))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert person_by_id_number(NEW_ID) is None


# --- certificates, titles, work -------------------------------------------------------------


def test_clerk_adds_and_removes_a_certificate(world):
    p = world.personas
    client = p.client_for(p.clerk_a)
    response = client.post(url(world.person, "certificates/"), certificate_data(world))
    assert response.status_code == 302
    cert = PersonCertificate.objects.get(person=world.person)
    assert (cert.level, cert.number) == (3, "S000032010003001")
    assert "S000032010003001" in page(client.get(url(world.person)))
    removed = client.post(url(world.person, f"certificates/{cert.pk}/remove/"))
    assert removed.status_code == 302
    assert not PersonCertificate.objects.filter(pk=cert.pk).exists()
    assert AuditEvent.objects.filter(action="personnel.certificate_remove").count() == 1


def test_certificate_bad_input_is_named_and_nothing_is_added(world):
    p = world.personas
    client = p.client_for(p.clerk_a)
    response = client.post(
        url(world.person, "certificates/"),
        certificate_data(
            world, **{"certificate-number": "", "certificate-issued_on": "2020-13-30"}
        ),
    )
    assert response.status_code == 200
    text = page(response)
    assert "证书编号：" in text and "发证日期：" in text
    client.post(url(world.person, "certificates/"), certificate_data(world))
    again = client.post(url(world.person, "certificates/"), certificate_data(world))
    assert again.status_code == 200 and "证书 S000032010003001 已登记" in page(again)
    assert PersonCertificate.objects.filter(person=world.person).count() == 1


@pytest.mark.parametrize("who", ["clerk_b", "candidate", "city_suzhou"])
def test_outsiders_cannot_touch_the_file_of_organisation_as_person(world, who):
    p = world.personas
    cert = person_certificate_add(
        person=world.person,
        occupation=world.ldgx,
        level=3,
        number="KEEP-1",
        issued_on=dt.date(2020, 6, 30),
        actor=p.clerk_a,
    )
    client = p.client_for(getattr(p, who))
    data = certificate_data(world, **{"certificate-number": "NEW-1"})
    assert client.post(url(world.person, "certificates/"), data).status_code == 404
    assert client.post(url(world.person, f"certificates/{cert.pk}/remove/")).status_code == 404
    assert client.get(url(world.person)).status_code == 404
    assert list(PersonCertificate.objects.values_list("number", flat=True)) == ["KEEP-1"]


def test_anonymous_cannot_add_to_a_file(world, client):
    response = client.post(url(world.person, "certificates/"), certificate_data(world))
    assert response.status_code == 302
    assert not PersonCertificate.objects.exists()


def test_work_record_added_and_a_reversed_period_refused(world):
    p = world.personas
    client = p.client_for(p.clerk_a)
    bad = client.post(
        url(world.person, "work/"),
        {
            "work-description": "劳动关系协调",
            "work-occupation": str(world.ldgx.pk),
            "work-start": "2020-01-01",
            "work-end": "2019-01-01",
        },
    )
    assert bad.status_code == 200 and "结束日期早于开始日期" in page(bad)
    assert not PersonWork.objects.exists()
    good = client.post(
        url(world.person, "work/"),
        {
            "work-description": "劳动关系协调",
            "work-occupation": str(world.ldgx.pk),
            "work-start": "2015-01-01",
            "work-end": "",
        },
    )
    assert good.status_code == 302
    work = PersonWork.objects.get(person=world.person)
    assert work.occupation == world.ldgx and work.end is None
    assert client.post(url(world.person, f"work/{work.pk}/remove/")).status_code == 302
    assert not PersonWork.objects.exists()


def test_title_added_removed_and_a_missing_major_refused(world):
    p = world.personas
    client = p.client_for(p.city_nanjing)
    data = {
        "title-grade": "中级",
        "title-name": "经济师",
        "title-major": "",
        "title-obtained_on": "2018-09-01",
    }
    bad = client.post(url(world.person, "titles/"), data)
    assert bad.status_code == 200 and "专业：" in page(bad)
    assert not PersonTitle.objects.exists()
    good = client.post(url(world.person, "titles/"), {**data, "title-major": "人力资源管理"})
    assert good.status_code == 302
    title = PersonTitle.objects.get(person=world.person)
    assert client.post(url(world.person, f"titles/{title.pk}/remove/")).status_code == 302
    assert not PersonTitle.objects.exists()


# --- qualification and appointments ---------------------------------------------------------


def test_qualification_check_shows_each_clause_and_writes_nothing(world):
    p = world.personas
    client = p.client_for(p.clerk_a)
    unmet = client.post(url(world.person, "qualification/"), role_data(world, "examiner"))
    assert unmet.status_code == 200
    text = page(unmet)
    assert "考评员资格核对：不符合资格条件" in text
    assert "ldgx-examiner-2023/a" in text and "不符合：" in text
    certify(world, number="C-3", issued_on=dt.date(2020, 6, 30), actor=p.clerk_a)
    met = page(client.post(url(world.person, "qualification/"), role_data(world, "examiner")))
    assert "考评员资格核对：符合资格条件" in met and "符合条款 ldgx-examiner-2023/a" in met
    assert "须经培训考核并领取证卡" in met
    assert not PersonRole.objects.exists()


def test_examiner_role_is_not_appointed_but_trained(world):
    p = world.personas
    response = p.client_for(p.province).post(
        url(world.person, "roles/"), role_data(world, "examiner")
    )
    assert response.status_code == 200 and "须经培训考核并领取证卡后取得资格" in page(response)
    assert not PersonRole.objects.exists()


def test_question_setter_refused_without_agreement_then_appointed(world):
    p = world.personas
    client = p.client_for(p.province)
    certify(world, level=2, number="C-2", issued_on=dt.date(2019, 6, 30), actor=p.province)
    refused = client.post(url(world.person, "roles/"), role_data(world, "question_setter"))
    assert refused.status_code == 200
    assert "需与评价机构签订保密协议" in page(refused)
    assert not PersonRole.objects.exists()
    signed = client.post(
        url(world.person, "agreements/"),
        {"agreement-organization": str(p.org_a.pk), "agreement-signed_on": "2026-01-05"},
    )
    assert signed.status_code == 302
    again = client.post(
        url(world.person, "agreements/"),
        {"agreement-organization": str(p.org_a.pk), "agreement-signed_on": "2026-01-06"},
    )
    assert again.status_code == 200 and "与该机构的保密协议已登记" in page(again)
    assert ConfidentialityAgreement.objects.count() == 1
    appointed = client.post(url(world.person, "roles/"), role_data(world, "question_setter"))
    assert appointed.status_code == 302
    held = PersonRole.objects.get(person=world.person)
    assert held.role == "question_setter" and held.qualification["qualified"] is True


def test_clerk_appoints_an_internal_supervisor_of_their_organisation(world):
    p = world.personas
    data = role_data(world, "supervisor_internal", **{"role-organization": str(p.org_a.pk)})
    response = p.client_for(p.clerk_a).post(url(world.person, "roles/"), data)
    assert response.status_code == 302
    assert PersonRole.objects.get(person=world.person).organization == p.org_a


def test_clerk_may_not_appoint_a_question_setter(world):
    p = world.personas
    response = p.client_for(p.clerk_a).post(
        url(world.person, "roles/"), role_data(world, "question_setter")
    )
    assert response.status_code == 403
    assert not PersonRole.objects.exists()


def test_examiner_cannot_appoint_himself_to_a_role(world):
    p = world.personas
    client = p.client_for(p.examiner)  # the person of world.person
    for role in ("supervisor_external", "question_setter"):
        response = client.post(url(world.person, "roles/"), role_data(world, role))
        assert response.status_code == 403
    internal = client.post(
        url(world.person, "roles/"),
        role_data(world, "supervisor_internal", **{"role-organization": str(p.org_a.pk)}),
    )
    assert internal.status_code == 200  # org A is not his to choose
    signed = client.post(
        url(world.person, "agreements/"),
        {"agreement-organization": str(p.org_a.pk), "agreement-signed_on": "2026-01-05"},
    )
    assert signed.status_code == 200
    assert not PersonRole.objects.exists() and not ConfidentialityAgreement.objects.exists()


def test_clerk_b_cannot_appoint_organisation_as_person(world):
    p = world.personas
    data = role_data(world, "supervisor_internal", **{"role-organization": str(p.org_b.pk)})
    assert p.client_for(p.clerk_b).post(url(world.person, "roles/"), data).status_code == 404
    assert not PersonRole.objects.exists()


# --- recusal relations ----------------------------------------------------------------------


def test_relation_declared_by_the_clerk_and_an_empty_one_refused(world):
    p = world.personas
    client = p.client_for(p.clerk_a)
    empty = client.post(url(world.person, "relations/"), {"relation-kind": "relative"})
    assert empty.status_code == 200 and "请填写对方身份证号码或相关机构" in page(empty)
    bad_id = client.post(
        url(world.person, "relations/"),
        {"relation-kind": "relative", "relation-counterpart_id_number": "123"},
    )
    assert bad_id.status_code == 200 and "身份证号码应为18位" in page(bad_id)
    assert not RecusalRelation.objects.exists()
    good = client.post(
        url(world.person, "relations/"),
        {
            "relation-kind": "relative",
            "relation-counterpart_id_number": make_id(40),
            "relation-counterpart_name": "郑小妹",
            "relation-note": "胞妹",
        },
    )
    assert good.status_code == 302
    relation = RecusalRelation.objects.get(person=world.person)
    assert relation.counterpart_id_number == make_id(40) and relation.declared_by == p.clerk_a


@pytest.mark.parametrize("who", ["clerk_b", "candidate"])
def test_outsiders_cannot_declare_relations(world, who):
    p = world.personas
    data = {"relation-kind": "relative", "relation-counterpart_id_number": make_id(40)}
    response = p.client_for(getattr(p, who)).post(url(world.person, "relations/"), data)
    assert response.status_code == 404
    assert not RecusalRelation.objects.exists()


# --- suspension and ban ---------------------------------------------------------------------


def test_city_suspends_and_reinstates_and_a_blank_reason_is_refused(world):
    p = world.personas
    client = p.client_for(p.city_nanjing)
    blank = client.post(url(world.person, "suspend/"), {"status-reason": ""})
    assert blank.status_code == 200 and "原因：" in page(blank)
    world.person.refresh_from_db()
    assert world.person.status == "active"
    assert client.post(url(world.person, "suspend/"), {"status-reason": "投诉核查中"}).status_code
    world.person.refresh_from_db()
    assert (world.person.status, world.person.status_reason) == ("suspended", "投诉核查中")
    client.post(url(world.person, "reinstate/"), {"status-reason": "核查无问题"})
    world.person.refresh_from_db()
    assert world.person.status == "active"


def test_only_the_province_bans(world):
    p = world.personas
    assert (
        p.client_for(p.city_nanjing)
        .post(url(world.person, "ban/"), {"status-reason": "弄虚作假"})
        .status_code
        == 403
    )
    world.person.refresh_from_db()
    assert world.person.status == "active"
    response = p.client_for(p.province).post(
        url(world.person, "ban/"), {"status-reason": "弄虚作假"}
    )
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert world.person.status == "banned"


@pytest.mark.parametrize("who", ["clerk_a", "examiner"])
def test_staff_and_the_person_cannot_suspend(world, who):
    p = world.personas
    client = p.client_for(getattr(p, who))
    response = client.post(url(world.person, "suspend/"), {"status-reason": "自行暂停"})
    assert response.status_code == 403
    world.person.refresh_from_db()
    assert world.person.status == "active"


def test_other_city_cannot_suspend(world):
    p = world.personas
    response = p.client_for(p.city_suzhou).post(
        url(world.person, "suspend/"), {"status-reason": "越权"}
    )
    assert response.status_code == 404
    world.person.refresh_from_db()
    assert world.person.status == "active"


# --- the platform account -------------------------------------------------------------------


def test_account_opened_by_the_clerk_lets_the_person_register_for_training(
    world, march_plan, time_machine
):
    p = world.personas
    client = p.client_for(p.clerk_a)
    client.post("/personnel/new/", new_person_data(p))
    person = person_by_id_number(NEW_ID)
    assert person is not None
    weak = client.post(
        url(person, "account/"), {"account-username": "qianxr", "account-password": "123"}
    )
    assert weak.status_code == 200 and not User.objects.filter(username="qianxr").exists()
    taken = client.post(
        url(person, "account/"),
        {"account-username": "clerk_b", "account-password": "Correct-Horse-2026"},
    )
    assert taken.status_code == 200 and "已被使用" in page(taken)
    done = client.post(
        url(person, "account/"),
        {"account-username": "qianxr", "account-password": "Correct-Horse-2026"},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    user = User.objects.get(username="qianxr")
    assert person.user == user and user.roles.filter(role="examiner", active=True).exists()
    time_machine.move_to(dt.datetime(2026, 3, 4, 10, tzinfo=SHANGHAI), tick=False)
    own = p.client_for(user)
    assert own.get("/personnel/me/").status_code == 200
    response = own.post(
        f"/personnel/plans/{march_plan.pk}/register/",
        {"occupation": str(world.ldgx.pk), "level_high": "3", "level_low": "5"},
    )
    registration = Registration.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/personnel/registrations/{registration.pk}/"


def test_account_not_opened_twice_nor_by_outsiders(world):
    p = world.personas
    data = {"account-username": "another", "account-password": "Correct-Horse-2026"}
    twice = p.client_for(p.clerk_a).post(url(world.person, "account/"), data)
    assert twice.status_code == 200 and "该人员已有平台账户" in page(twice)
    assert p.client_for(p.clerk_b).post(url(world.person, "account/"), data).status_code == 404
    assert p.client_for(p.candidate).post(url(world.person, "account/"), data).status_code == 404
    assert not User.objects.filter(username="another").exists()


# --- my page, list, masking -----------------------------------------------------------------


def test_my_page_renders_with_several_registrations_and_their_progress(world, march_plan):
    """Regression: `/personnel/me/` answered 500 for every examiner with a registration."""
    p = world.personas
    person_work_add(
        person=world.person,
        description="劳动关系协调",
        start=dt.date(2015, 1, 1),
        end=None,
        actor=p.examiner,
    )
    registration_through(world, march_plan, "recommended", today=dt.date(2026, 3, 5))
    response = p.client_for(p.examiner).get("/personnel/me/")
    assert response.status_code == 200
    assert "单位推荐" in page(response).split("我的报名与审核进度", 1)[1]


def read_xlsx(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


def test_list_masks_id_numbers_for_staff_and_shows_them_to_the_province(world):
    p = world.personas
    masked = make_id(1)[:4] + "*" * 10 + make_id(1)[-4:]
    clerk_page = page(p.client_for(p.clerk_a).get("/personnel/"))
    assert masked in clerk_page and make_id(1) not in clerk_page
    city_page = page(p.client_for(p.city_nanjing).get("/personnel/"))
    assert make_id(1) not in city_page
    assert make_id(1) in page(p.client_for(p.province).get("/personnel/"))
    rows = read_xlsx(p.client_for(p.clerk_a).get("/personnel/?export=xlsx"))
    assert rows[1][2] == masked and make_id(1) not in str(rows)


def test_list_filters_by_role_and_status_and_search(world):
    p = world.personas
    client = p.client_for(p.province)
    client.post(url(world.other, "suspend/"), {"status-reason": "核查"})
    client.post(url(world.person, "roles/"), role_data(world, "supervisor_external"))
    by_role = page(client.get("/personnel/?role=supervisor_external"))
    assert "郑考评" in by_role and "孙其他" not in by_role
    by_status = page(client.get("/personnel/?status=suspended"))
    assert "孙其他" in by_status and "郑考评" not in by_status
    assert "孙其他" not in page(client.get("/personnel/?q=郑"))
    rows = read_xlsx(client.get("/personnel/?status=suspended&export=xlsx"))
    assert [r[0] for r in rows[1:]] == ["孙其他"]
