"""Offline training sessions (seed 003 §四): a city, or an organisation with many applicants,
asks the province in writing with its training plan attached; the province approves or
rejects with a reason."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.personnel.models import (
    OfflineSessionPlan,
    OfflineSessionRequest,
    OfflineSessionStatus,
)
from skillcert.personnel.services._access import forbidden, require_officer_over, today_or
from skillcert.personnel.services._validation import check_count, check_text, required_text
from skillcert.regions.choices import RegionLevel
from skillcert.regions.selectors import region_by_code

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from skillcert.organizations.models import EvaluationOrg
    from skillcert.regions.models import Region

# A session is for "many" applicants of one city or organisation, not a conference.
MAX_ATTENDEES = 2000


def _requester_province(
    actor: Actor, *, region: Region | None, organization: EvaluationOrg | None
) -> str:
    """The province code the request goes to, once the actor may ask for the requester."""
    if (region is None) == (organization is None):
        raise DomainError(
            "personnel.offline_requester_invalid",
            "申请单位应为一个市（州）或一个评价机构",
            field="organization",
        )
    if organization is not None:
        scope = actor_scope(actor)
        if not (scope.is_platform or organization.pk in scope.organization_ids):
            raise forbidden("只能为本机构申请线下培训", field="organization")
        return f"{organization.region_id[:2]}0000"
    assert region is not None
    if region.level != RegionLevel.PREFECTURE:
        raise DomainError(
            "personnel.offline_region_invalid", "申请地区应为市（州）", field="region"
        )
    require_officer_over(actor, region.code)
    return f"{region.code[:2]}0000"


def _check_request_input(
    *, held_on: dt.date, place: str, expected_attendees: int, today: dt.date
) -> str:
    if held_on <= today:
        raise DomainError("personnel.offline_date_invalid", "培训日期应晚于今天", field="held_on")
    place = required_text(place, "personnel.offline_place_required", "请填写培训地点", "place")
    check_text(place, "personnel.offline_place_too_long", "培训地点最多200字", "place", 200)
    check_count(
        expected_attendees,
        "personnel.offline_attendees_invalid",
        f"预计参训人数应为 1 到 {MAX_ATTENDEES} 人",
        "expected_attendees",
        MAX_ATTENDEES,
    )
    return place


def offline_session_request(
    *,
    held_on: dt.date,
    place: str,
    expected_attendees: int,
    upload: UploadedFile | None,
    actor: Actor,
    region: Region | None = None,
    organization: EvaluationOrg | None = None,
    today: dt.date | None = None,
) -> OfflineSessionRequest:
    """A written request for an offline session by a city's officer (`region`) or an
    organisation's staff (`organization`), with the training plan (PDF or image) attached."""
    province = region_by_code(
        code=_requester_province(actor, region=region, organization=organization)
    )
    if province is None:  # the province is missing from the divisions: a setup fault
        raise DomainError("personnel.province_invalid", "申请单位所在省份不存在", field="region")
    place = _check_request_input(
        held_on=held_on, place=place, expected_attendees=expected_attendees, today=today_or(today)
    )
    if upload is None:
        raise DomainError(
            "personnel.offline_plan_required", "请上传培训方案（PDF 或图片）", field="file"
        )
    document = OfflineSessionPlan(uploaded_by=actor_user(actor))
    document.store(upload)
    try:
        with transaction.atomic():
            request = OfflineSessionRequest.objects.create(
                province=province,
                region=region,
                organization=organization,
                held_on=held_on,
                place=place,
                expected_attendees=expected_attendees,
                requested_by=actor_user(actor),
            )
            document.request = request
            document.save()
            audit_record(
                actor=actor,
                action="personnel.offline_session_request",
                obj=request,
                changes={
                    "held_on": [None, held_on],
                    "place": [None, place],
                    "expected_attendees": [None, expected_attendees],
                    "plan_sha256": [None, document.sha256],
                },
            )
    except Exception:
        document.file.delete(save=False)
        raise
    return request


def offline_session_decide(
    *, request: OfflineSessionRequest, approve: bool, reason: str, actor: Actor
) -> OfflineSessionRequest:
    """The province approves or rejects a pending request; a rejection gives its reason."""
    require_officer_over(actor, request.province_id, province=True)
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError(
            "personnel.offline_reason_required", "不同意时请填写审核意见", field="reason"
        )
    check_text(reason, "personnel.offline_reason_too_long", "审核意见最多300字", "reason", 300)
    with transaction.atomic():
        locked = OfflineSessionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != OfflineSessionStatus.PENDING:
            raise DomainError(
                "personnel.offline_decided",
                f"该申请已审核（{locked.get_status_display()}），不能重复审核",
                field="request",
            )
        before = locked.status
        locked.status = OfflineSessionStatus.APPROVED if approve else OfflineSessionStatus.REJECTED
        locked.reason = reason
        locked.decided_by = actor_user(actor)
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="personnel.offline_session_decide",
            obj=locked,
            changes={"status": [before, locked.status], "reason": [None, reason]},
        )
    return locked
