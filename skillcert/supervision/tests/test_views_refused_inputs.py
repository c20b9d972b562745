"""The visit and complaint buttons (declared through common.actions): an input the page
cannot use is named in a message on the page it came from, and nothing is written."""

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.accounts.actors import PUBLIC
from skillcert.regions.models import Region
from skillcert.supervision import services
from skillcert.supervision.models import (
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    DrawKind,
    Evidence,
    Visit,
)
from skillcert.supervision.services import finding_record, supervision_draw


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_evidence_without_a_file_is_named_and_stores_nothing(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    p = world.personas
    supervision_draw(
        kind=DrawKind.ONSITE, region=Region.objects.get(code="320100"), actor=p.province
    )
    visit = Visit.objects.get()
    Visit.objects.filter(pk=visit.pk).update(supervisor=world.supervisors[0])
    visit.refresh_from_db()
    finding = finding_record(
        visit=visit, severity="minor", description="考场座位表未张贴", actor=p.supervisor
    )
    client = p.client_for(p.supervisor)
    url = f"/supervision/visits/{visit.pk}/evidence/"

    refused = client.post(url, {"finding": finding.pk})
    assert refused.status_code == 302
    assert refused["Location"] == f"/supervision/visits/{visit.pk}/"
    assert _messages(refused) == ["请选择要上传的文件"]
    assert not Evidence.objects.exists()

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    stored = client.post(url, {"finding": finding.pk, "file": SimpleUploadedFile("a.png", png)})
    assert _messages(stored)[-1] == "证据已上传"
    assert Evidence.objects.filter(finding=finding).count() == 1


def test_triage_without_an_assignee_is_named_and_changes_nothing(personas):
    complaint, _code = services.complaint_submit(
        complainant_kind="candidate",
        subject_kind="organization",
        subject_name="南京金陵评价中心",
        region_code="320100",
        content="考场内有人代考，监考人员未制止，请调查处理。",
        contact_phone="13912345678",
        actor=PUBLIC,
    )
    events = ComplaintEvent.objects.count()
    client = personas.client_for(personas.city_nanjing)
    refused = client.post(f"/supervision/complaints/{complaint.pk}/triage/", {"note": "请核查"})
    assert refused.status_code == 302
    assert refused["Location"] == f"/supervision/complaints/{complaint.pk}/"
    assert _messages(refused) == ["请选择承办人"]
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.RECEIVED
    assert ComplaintEvent.objects.count() == events
