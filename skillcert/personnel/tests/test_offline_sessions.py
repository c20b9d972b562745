"""Issue #23 (seed 003 §四): a city, or an organisation with many applicants, requests an
offline training session in writing with its training plan attached; the province approves
or rejects it with a reason, and sees the pending ones on its to-do list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import (
    OfflineSessionPlan,
    OfflineSessionRequest,
    OfflineSessionStatus,
)
from skillcert.personnel.selectors import offline_requests_visible, todo_offline_sessions_to_decide
from skillcert.personnel.services import offline_session_decide, offline_session_request
from skillcert.regions.models import Region
from skillcert.workbench.todo import todo_for

TODAY = dt.date(2026, 3, 2)
HELD_ON = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def plan_pdf(name: str = "培训方案.pdf", body: bytes = b"%PDF-1.4\n% plan\n%%EOF\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def request_for_org(personas, **kw):
    args = {
        "held_on": HELD_ON,
        "place": "南京甲评价中心三楼报告厅",
        "expected_attendees": 60,
        "upload": plan_pdf(),
        "organization": personas.org_a,
        "actor": personas.clerk_a,
        "today": TODAY,
    }
    args.update(kw)
    return offline_session_request(**args)


def request_for_city(personas, region, **kw):
    """The Nanjing city officer's request for the city `region` (a code)."""
    city = Region.objects.get(code=region)
    return request_for_org(
        personas, organization=None, region=city, actor=personas.city_nanjing, **kw
    )


def test_an_organisation_requests_with_its_plan_and_the_province_approves(personas):
    row = request_for_org(personas)
    assert (row.province_id, row.organization, row.status) == (
        "320000",
        personas.org_a,
        OfflineSessionStatus.PENDING,
    )
    document = OfflineSessionPlan.objects.get(request=row)
    assert (document.original_name, document.content_type) == ("培训方案.pdf", "application/pdf")
    assert AuditEvent.objects.filter(action="personnel.offline_session_request").count() == 1
    assert todo_offline_sessions_to_decide(scope=_scope(personas.province)) == 1
    offline_session_decide(request=row, approve=True, reason="", actor=personas.province)
    row.refresh_from_db()
    assert (row.status, row.decided_by) == (OfflineSessionStatus.APPROVED, personas.province)
    assert todo_offline_sessions_to_decide(scope=_scope(personas.province)) == 0


def test_a_city_requests_and_a_rejection_needs_its_reason(personas):
    row = request_for_city(
        personas, "320100", place="南京市职业技能鉴定中心", expected_attendees=200
    )
    with pytest.raises(DomainError) as err:
        offline_session_decide(request=row, approve=False, reason=" ", actor=personas.province)
    assert (err.value.code, err.value.field) == ("personnel.offline_reason_required", "reason")
    row.refresh_from_db()
    assert row.status == OfflineSessionStatus.PENDING
    offline_session_decide(
        request=row, approve=False, reason="与全年培训计划冲突", actor=personas.province
    )
    row.refresh_from_db()
    assert (row.status, row.reason) == (OfflineSessionStatus.REJECTED, "与全年培训计划冲突")
    with pytest.raises(DomainError) as err:
        offline_session_decide(request=row, approve=True, reason="", actor=personas.province)
    assert err.value.code == "personnel.offline_decided"
    event = AuditEvent.objects.get(action="personnel.offline_session_decide")
    assert event.changes["status"] == ["pending", "rejected"]


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({"held_on": TODAY}, "personnel.offline_date_invalid", "held_on"),
        ({"place": "  "}, "personnel.offline_place_required", "place"),
        ({"expected_attendees": 0}, "personnel.offline_attendees_invalid", "expected_attendees"),
        ({"upload": None}, "personnel.offline_plan_required", "file"),
        ({"upload": plan_pdf("plan.pdf", b"MZ\x90\x00")}, "upload.disguised", "file"),
        ({"upload": plan_pdf("plan.docx")}, "upload.type_not_allowed", "file"),
        ({"organization": None}, "personnel.offline_requester_invalid", "organization"),
    ],
)
def test_bad_request_input_is_refused_and_nothing_is_stored(personas, kw, code, field):
    with pytest.raises(DomainError) as err:
        request_for_org(personas, **kw)
    assert (err.value.code, err.value.field) == (code, field)
    assert not OfflineSessionRequest.objects.exists()
    assert not OfflineSessionPlan.objects.exists()


def test_only_the_requesters_own_people_may_ask_and_only_the_province_decides(personas):
    with pytest.raises(DomainError) as err:
        request_for_org(personas, actor=personas.clerk_b)
    assert err.value.code == "personnel.forbidden"
    with pytest.raises(DomainError) as err:
        request_for_city(personas, "320500", place="苏州", expected_attendees=10)
    assert err.value.code == "personnel.forbidden"
    with pytest.raises(DomainError) as err:
        request_for_org(personas, organization=None, region=Region.objects.get(code="320000"))
    assert err.value.code == "personnel.offline_region_invalid"
    assert not OfflineSessionRequest.objects.exists()
    row = request_for_org(personas)
    for actor in (personas.city_nanjing, personas.clerk_a):
        with pytest.raises(DomainError) as err:
            offline_session_decide(request=row, approve=True, reason="", actor=actor)
        assert err.value.code == "personnel.forbidden"
    row.refresh_from_db()
    assert row.status == OfflineSessionStatus.PENDING


def test_requests_are_listed_to_who_may_see_them(personas):
    row = request_for_org(personas)
    assert list(offline_requests_visible(scope=_scope(personas.province))) == [row]
    assert list(offline_requests_visible(scope=_scope(personas.city_nanjing))) == [row]
    assert list(offline_requests_visible(scope=_scope(personas.clerk_a))) == [row]
    assert not offline_requests_visible(scope=_scope(personas.clerk_b)).exists()
    assert not offline_requests_visible(scope=_scope(personas.city_suzhou)).exists()


def test_the_province_sees_pending_requests_on_its_to_do_list(personas):
    request_for_org(personas)
    items = {i.key: i for g in todo_for(user=personas.province, today=TODAY) for i in g.items}
    item = items["province.offline_sessions"]
    assert item.count == 1 and item.url == "/personnel/training/offline/"
    clerk_items = {i.key for g in todo_for(user=personas.clerk_a, today=TODAY) for i in g.items}
    assert "province.offline_sessions" not in clerk_items


def test_request_and_decision_through_the_pages(personas, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
    clerk = personas.client_for(personas.clerk_a)
    page = clerk.get("/personnel/training/offline/").content.decode()
    assert "南京甲评价中心" in page and 'enctype="multipart/form-data"' in page
    form = {
        "offline-requester": f"org:{personas.org_a.pk}",
        "offline-held_on": "2026-03-20",
        "offline-place": "三楼报告厅",
        "offline-expected_attendees": "60",
    }
    bad = clerk.post(
        "/personnel/training/offline/",
        {**form, "offline-held_on": "2026-03-01", "offline-file": plan_pdf()},
    )
    assert bad.status_code == 200
    assert "培训日期应晚于今天" in bad.content.decode()
    assert not OfflineSessionRequest.objects.exists()
    done = clerk.post(
        "/personnel/training/offline/", {**form, "offline-file": plan_pdf()}, follow=True
    )
    assert "线下培训申请已提交，等待省级审核" in done.content.decode()
    row = OfflineSessionRequest.objects.get()
    download = clerk.get(f"/personnel/training/offline/{row.pk}/plan/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert clerk.post(f"/personnel/training/offline/{row.pk}/approve/").status_code == 403
    province = personas.client_for(personas.province)
    detail = province.get(f"/personnel/training/offline/{row.pk}/").content.decode()
    assert "三楼报告厅" in detail and "不同意" in detail
    refused = province.post(f"/personnel/training/offline/{row.pk}/reject/", follow=True)
    assert "不同意时请填写审核意见" in refused.content.decode()
    row.refresh_from_db()
    assert row.status == OfflineSessionStatus.PENDING
    province.post(f"/personnel/training/offline/{row.pk}/reject/", {"reason": "人数不足"})
    row.refresh_from_db()
    assert (row.status, row.reason) == (OfflineSessionStatus.REJECTED, "人数不足")
    other = personas.client_for(personas.clerk_b)
    assert other.get(f"/personnel/training/offline/{row.pk}/").status_code == 404
    assert other.get(f"/personnel/training/offline/{row.pk}/plan/").status_code == 404


def _scope(user):
    from skillcert.accounts.scope import scope_for

    return scope_for(user)
