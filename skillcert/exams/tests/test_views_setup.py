import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillcert.common.exports import xlsx_bytes
from skillcert.exams.models import District, Room, Site, Sitting, SittingPlan, TimeSlot
from skillcert.exams.room_files import TEMPLATE_HEADERS
from skillcert.exams.services import district_add, site_add, sitting_create
from skillcert.exams.tests.factories import FILED_ON, approved_plan, session_add
from skillcert.regions.models import Region


@pytest.fixture
def sitting(personas):
    return sitting_create(
        code="JS-2026-09",
        title="2026年第九次统一考试",
        province=Region.objects.get(code="320000"),
        year=2026,
        serial=9,
        actor=personas.province,
    )


@pytest.fixture
def nanjing(sitting, personas):
    district = district_add(
        sitting=sitting,
        city=Region.objects.get(code="320100"),
        office_name="南京市考核点",
        actor=personas.province,
    )
    site_add(
        district=district,
        code="01",
        name="南京一中",
        address="南京市玄武区",
        actor=personas.province,
    )
    return district


# --- the sitting -------------------------------------------------------------------------


def test_province_creates_a_sitting(personas):
    client = personas.client_for(personas.province)
    assert client.get(reverse("exams:sitting_create")).status_code == 200
    response = client.post(
        reverse("exams:sitting_create"),
        {
            "province": "320000",
            "code": "js-2026-03",
            "title": "2026年第三次统一考试",
            "year": "2026",
            "serial": "3",
        },
    )
    sitting = Sitting.objects.get()
    assert response.url == reverse("exams:setup", args=[sitting.pk])
    assert sitting.code == "JS-2026-03" and sitting.province_id == "320000"


def test_bad_serial_and_taken_code_name_their_fields(sitting, personas):
    client = personas.client_for(personas.province)
    data = {"province": "320000", "code": "X-1", "title": "统考", "year": "2026", "serial": "0"}
    page = client.post(reverse("exams:sitting_create"), data).content.decode()
    assert "年度内统考序号：" in page
    page = client.post(
        reverse("exams:sitting_create"), data | {"code": "JS-2026-09", "serial": "9"}
    ).content.decode()
    assert "统考编号“JS-2026-09”或2026年第9次统考已存在" in page
    assert Sitting.objects.count() == 1


def test_only_the_province_sets_up_a_sitting(sitting, personas):
    for user in (personas.city_nanjing, personas.clerk_a, personas.examiner):
        client = personas.client_for(user)
        assert client.get(reverse("exams:sitting_create")).status_code == 404
        assert client.get(reverse("exams:setup", args=[sitting.pk])).status_code == 404
        assert client.post(reverse("exams:district_add", args=[sitting.pk]), {}).status_code == 404
    assert not District.objects.exists()


def test_province_adds_an_approved_plan_and_is_told_why_not_another(sitting, personas, hr):
    plan, _ = approved_plan(personas, hr, code="NJ-9", candidates=2, first_seq=10)
    pending, _ = approved_plan(
        personas, hr, org=personas.org_b, code="SZ-9", candidates=1, first_seq=20
    )
    # SZ-9 gets a new session after approval and is not re-filed yet.
    session_add(
        pending,
        personas.clerk_b,
        subject="practical",
        starts=(14,),
        ends=(16,),
        site="苏州实操考点",
        expected=1,
    )
    client = personas.client_for(personas.province)
    url = reverse("exams:sitting_plan_add", args=[sitting.pk])
    page = client.post(url, {"plan-plan": pending.pk}).content.decode()
    assert "评价计划 SZ-9 尚未通过报备审核（批准后已变更，待重新报备）" in page
    assert not SittingPlan.objects.exists()
    client.post(url, {"plan-plan": plan.pk})
    assert SittingPlan.objects.get().plan == plan
    page = client.get(reverse("exams:setup", args=[sitting.pk])).content.decode()
    assert "NJ-9" in page


def test_province_adds_districts_one_per_city(sitting, personas):
    client = personas.client_for(personas.province)
    url = reverse("exams:district_add", args=[sitting.pk])
    page = client.post(url, {"district-city": "320100", "district-office_name": " "}).content
    assert "考核点办公室：" in page.decode()
    assert not District.objects.exists()
    client.post(url, {"district-city": "320100", "district-office_name": "南京市考核点"})
    assert District.objects.get().name == "南京市考区"
    page = client.post(
        url, {"district-city": "320100", "district-office_name": "南京市考核点"}
    ).content.decode()
    assert "城市：" in page  # Nanjing is no longer offered
    assert District.objects.count() == 1


def test_province_adds_a_time_slot_to_every_district(nanjing, sitting, personas):
    district_add(
        sitting=sitting,
        city=Region.objects.get(code="320500"),
        office_name="苏州市考核点",
        actor=personas.province,
    )
    client = personas.client_for(personas.province)
    url = reverse("exams:slots_add", args=[sitting.pk])
    data = {
        "slot-subject": "theory",
        "slot-day": FILED_ON.isoformat(),
        "slot-starts": "09:00",
        "slot-ends": "08:00",
    }
    page = client.post(url, data).content.decode()
    assert "结束时间应晚于开始时间" in page
    assert not TimeSlot.objects.exists()
    client.post(url, data | {"slot-ends": "10:30"})
    assert TimeSlot.objects.filter(sitting=sitting).count() == 2
    client.post(
        url,
        data | {"slot-subject": "practical", "slot-ends": "11:00", "slot-districts": [nanjing.pk]},
    )
    assert TimeSlot.objects.filter(subject="practical").get().district == nanjing


# --- a district's sites and rooms --------------------------------------------------------


def test_city_officer_adds_sites_and_rooms_to_its_district(nanjing, personas):
    client = personas.client_for(personas.city_nanjing)
    page = client.get(reverse("exams:district", args=[nanjing.pk])).content.decode()
    assert "南京一中" in page
    client.post(
        reverse("exams:site_add", args=[nanjing.pk]),
        {"site-code": "02", "site-name": "南京二中", "site-address": "南京市鼓楼区"},
    )
    site = Site.objects.get(code="02")
    url = reverse("exams:room_add", args=[nanjing.pk])
    room = {
        "room-site": site.pk,
        "room-code": "001",
        "room-kind": "computer",
        "room-rows": "0",
        "room-cols": "6",
        "room-door": "front_right",
        "room-accessible": "on",
    }
    page = client.post(url, room).content.decode()
    assert "行数：" in page
    assert not Room.objects.exists()
    client.post(url, room | {"room-rows": "5"})
    created = Room.objects.get()
    assert (created.kind, created.capacity, created.door, created.accessible) == (
        "computer",
        30,
        "front_right",
        True,
    )
    page = client.post(url, room | {"room-rows": "5"}).content.decode()
    assert "南京二中已有第001考场" in page
    assert Room.objects.count() == 1


def test_other_city_gets_404_for_the_district(nanjing, personas):
    client = personas.client_for(personas.city_suzhou)
    assert client.get(reverse("exams:district", args=[nanjing.pk])).status_code == 404
    response = client.post(
        reverse("exams:site_add", args=[nanjing.pk]),
        {"site-code": "09", "site-name": "x", "site-address": "y"},
    )
    assert response.status_code == 404
    assert Site.objects.count() == 1


def _upload(client, district, content, name):
    return client.post(
        reverse("exams:rooms_upload", args=[district.pk]),
        {"upload-file": SimpleUploadedFile(name, content)},
    )


def test_rooms_upload_adds_every_room(nanjing, personas):
    content = xlsx_bytes(
        TEMPLATE_HEADERS,
        [
            ["01", "001", "纸笔", 5, 6, "前门在左", "否", "1楼101"],
            ["01", "002", "纸笔", 5, 6, "", "是", "1楼102"],
            ["01", "101", "实操", 2, 5, "", "", ""],
        ],
    )
    response = _upload(personas.client_for(personas.city_nanjing), nanjing, content, "考场.xlsx")
    assert response.status_code == 302
    assert list(Room.objects.order_by("code").values_list("code", "kind", "accessible")) == [
        ("001", "paper", False),
        ("002", "paper", True),
        ("101", "practical", False),
    ]


def test_rooms_upload_with_a_bad_row_lists_it_and_adds_nothing(nanjing, personas):
    csv_text = (
        "考点编号,考场号,类型,行数,列数\n01,001,纸笔,5,6\n01,002,纸笔,五,6\n09,003,机考,5,6\n"
    )
    page = _upload(
        personas.client_for(personas.city_nanjing), nanjing, csv_text.encode(), "rooms.csv"
    ).content.decode()
    assert "2行有误，未导入任何考场" in page
    assert "第3行" in page and "应为1到50的整数（现为“五”）" in page
    assert "第4行" in page and "南京市考区没有编号为“09”的考点" in page
    assert not Room.objects.exists()


def test_rooms_upload_of_a_non_spreadsheet_is_refused(nanjing, personas):
    page = _upload(
        personas.client_for(personas.city_nanjing), nanjing, b"%PDF-1.4", "rooms.pdf"
    ).content.decode()
    assert "考场文件（.xlsx、.xls 或 .csv）：无法读取文件" in page
    assert not Room.objects.exists()


def test_rooms_template_downloads_for_officers(personas):
    response = personas.client_for(personas.city_nanjing).get(reverse("exams:rooms_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_sitting_page_links_to_set_up_seating_staff_and_exam_day(sitting_setup, personas):
    setup = sitting_setup
    slot = setup.theory["320100"]
    page = (
        personas.client_for(personas.province)
        .get(reverse("exams:sitting", args=[setup.sitting.pk]))
        .content.decode()
    )
    for url in (
        reverse("exams:setup", args=[setup.sitting.pk]),
        reverse("exams:district", args=[setup.nanjing.pk]),
        reverse("exams:seats_assign", args=[slot.pk]),
        reverse("exams:staff", args=[slot.pk]),
        reverse("exams:site_day", args=[slot.pk, setup.sites["nj"].pk]),
        reverse("exams:ticket_job_start", args=[setup.sitting.pk]),
    ):
        assert url in page
    city = (
        personas.client_for(personas.city_suzhou)
        .get(reverse("exams:sitting", args=[setup.sitting.pk]))
        .content.decode()
    )
    assert reverse("exams:district", args=[setup.suzhou.pk]) in city
    assert reverse("exams:district", args=[setup.nanjing.pk]) not in city
    assert reverse("exams:setup", args=[setup.sitting.pk]) not in city
