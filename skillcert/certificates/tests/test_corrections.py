"""M9: correcting the holder's name or ID number is a request the organisation files with a
reason and evidence, decided by an officer over its region; only approval issues the
corrected certificate, and the superseded one then fails verification."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import Role
from skillcert.accounts.services import role_grant
from skillcert.audit.models import AuditEvent
from skillcert.certificates.credentials import is_revoked
from skillcert.certificates.models import (
    Certificate,
    CertificateStatus,
    CorrectionRequest,
    CorrectionStatus,
    IssueKind,
)
from skillcert.certificates.selectors import certificate_query, certificate_verify_token
from skillcert.certificates.services import (
    certificate_correct,
    certificate_correction_approve,
    certificate_correction_reject,
    certificate_correction_request,
    certificate_revoke,
)
from skillcert.common.errors import DomainError
from skillcert.organizations.models import StoredFile
from skillcert.plans.tests.factories import make_id

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
NEW_ID = make_id(2, birth="19910408")
BAD_ID = NEW_ID[:-1] + ("1" if NEW_ID.endswith("0") else "0")  # wrong check digit

SYSTEM_TEST = SystemActor("test")


def _pdf(name="户籍证明.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _file(certificate, actor, *, holder_name="考生壹", id_number="", evidence=None):
    return certificate_correction_request(
        certificate=certificate,
        holder_name=holder_name,
        id_number=id_number,
        reason="姓名录入错误，以户籍证明为准",
        evidence=evidence or _pdf(),
        actor=actor,
    )


def _approval_refused(correction, actor, code):
    with pytest.raises(DomainError) as err:
        certificate_correction_approve(correction=correction, actor=actor)
    assert err.value.code == code


def _still_pending(correction):
    """The request still waits for a decision and no corrected certificate was issued."""
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert Certificate.objects.count() == 1


def _decide_url(correction, decision):
    return f"/certificates/corrections/{correction.pk}/{decision}/"


def _status_list_bit(certificate):
    document = Client().get(f"/certificates/status/{certificate.status_list}").json()
    return is_revoked(document["credentialSubject"]["encodedList"], certificate.status_index)


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the attack: a clerk re-issuing a certificate to any name --------------------------------


def test_clerk_direct_correction_is_refused_by_the_service(certificate, personas):
    with pytest.raises(DomainError) as err:
        certificate_correct(
            certificate=certificate, holder_name="张冒名", reason="更正", actor=personas.clerk_a
        )
    assert err.value.code == "certificate.correction_needs_approval"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert Certificate.objects.count() == 1


def test_clerk_direct_correction_through_the_page_changes_nothing(certificate, personas):
    client = personas.client_for(personas.clerk_a)
    response = client.post(
        f"/certificates/{certificate.number}/correct/",
        {"holder_name": "张冒名", "reason": "更正"},
        follow=True,
    )
    assert "须通过更正申请办理" in response.content.decode()
    assert Certificate.objects.count() == 1
    assert not Certificate.objects.filter(holder_name="张冒名").exists()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate_verify_token(certificate.token).valid


# --- request, approval, rejection --------------------------------------------------------------


def test_request_then_approval_issues_a_valid_certificate_and_revokes_the_old(
    certificate, personas
):
    clerk = personas.client_for(personas.clerk_a)
    filed = clerk.post(
        f"/certificates/{certificate.number}/correction/",
        {"holder_name": "考生壹", "id_number": "", "reason": "姓名录入错误", "evidence": _pdf()},
    )
    assert filed.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.status == CorrectionStatus.PENDING
    assert correction.requested_by == personas.clerk_a
    assert correction.evidence.content_type == "application/pdf"
    # nothing changes until an officer approves
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and certificate.holder_name == "考生1"
    assert Certificate.objects.count() == 1
    assert "待审核" in clerk.get(f"/certificates/{certificate.number}/").content.decode()

    officer = personas.client_for(personas.city_nanjing)
    queue = officer.get("/certificates/corrections/").content.decode()
    assert certificate.number in queue and "考生壹" in queue
    assert officer.post(_decide_url(correction, "approve")).status_code == 302

    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert correction.decided_by == personas.city_nanjing
    new = correction.corrected_certificate
    assert new is not None
    assert new.kind == IssueKind.CORRECTED and new.supersedes_id == certificate.pk
    assert new.holder_name == "考生壹" and new.id_number == certificate.id_number
    assert new.number != certificate.number
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED

    fresh = certificate_verify_token(new.token)
    assert fresh.valid and fresh.payload is not None and fresh.payload["name"] == "考生壹"
    stale = certificate_verify_token(certificate.token)
    assert not stale.valid and stale.reason == "superseded"
    page = Client().get(f"/v/{certificate.token}").content.decode()
    assert "证书真实有效" not in page and "已被补发或更正的新证书替代" in page
    assert _status_list_bit(certificate) is True
    assert _status_list_bit(new) is False
    # the old credential is not handed out again with the old name
    withdrawn = clerk.get(f"/certificates/{certificate.number}/credential.json")
    assert withdrawn.status_code == 410
    body = withdrawn.json()
    assert body["status"] == "superseded" and body["supersededBy"] == new.number
    assert "proof" not in body and "考生1" not in withdrawn.content.decode()
    assert body["credentialStatus"]["statusListIndex"] == str(certificate.status_index)

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "certificate.correction_request",
        "certificate.correction_approve",
        "certificate.corrected",
        "certificate.superseded_by_corrected",
        "org.file_upload",
    } <= actions


def test_an_approved_id_number_correction_is_found_by_the_new_number(certificate, personas):
    correction = _file(certificate, personas.clerk_a, holder_name="", id_number=NEW_ID)
    new = certificate_correction_approve(correction=correction, actor=personas.province)
    assert new.id_number == NEW_ID and new.holder_name == "考生1"
    assert new.id_number_masked.endswith(NEW_ID[-4:])
    assert certificate_query(number=new.number, name="考生1", id_number=NEW_ID) == new
    assert certificate_query(number=new.number, name="考生1", id_number=make_id(1)) is None
    # the audit trail keeps masked numbers only
    changes = AuditEvent.objects.get(action="certificate.correction_request").changes
    assert NEW_ID not in str(changes) and make_id(1) not in str(changes)


def test_rejection_leaves_the_original_valid(certificate, personas):
    correction = _file(certificate, personas.clerk_a)
    officer = personas.client_for(personas.city_nanjing)
    response = officer.post(_decide_url(correction, "reject"), {"note": "证明材料与证书信息不符"})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REJECTED
    assert correction.decision_note == "证明材料与证书信息不符"
    assert correction.corrected_certificate is None
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and certificate.holder_name == "考生1"
    assert Certificate.objects.count() == 1
    assert certificate_verify_token(certificate.token).valid
    assert _status_list_bit(certificate) is False
    assert AuditEvent.objects.filter(action="certificate.correction_reject").count() == 1
    # decided once: it cannot be approved afterwards
    with pytest.raises(DomainError) as err:
        certificate_correction_approve(correction=correction, actor=personas.city_nanjing)
    assert err.value.code == "status.transition_not_allowed"
    assert Certificate.objects.count() == 1


def test_rejection_needs_a_reason(certificate, personas):
    correction = _file(certificate, personas.clerk_a)
    with pytest.raises(DomainError) as err:
        certificate_correction_reject(correction=correction, note=" ", actor=personas.province)
    assert err.value.code == "certificate.correction_note"
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING


def test_a_second_request_waits_for_the_first(certificate, personas):
    _file(certificate, personas.clerk_a)
    with pytest.raises(DomainError) as err:
        _file(certificate, personas.clerk_a, holder_name="考生贰")
    assert err.value.code == "certificate.correction_pending"
    assert CorrectionRequest.objects.count() == 1
    assert StoredFile.objects.count() == 1


def test_a_certificate_revoked_while_pending_is_not_corrected(certificate, personas):
    correction = _file(certificate, personas.clerk_a)
    certificate_revoke(
        certificate=certificate, reason="以不正当手段取得", document_no="文号1", actor=SYSTEM_TEST
    )
    _approval_refused(correction, personas.city_nanjing, "certificate.not_valid")
    _still_pending(correction)


# --- who may do what ---------------------------------------------------------------------------


def test_another_organisations_clerk_gets_404(certificate, personas):
    correction = _file(certificate, personas.clerk_a)
    other = personas.client_for(personas.clerk_b)
    url = f"/certificates/{certificate.number}/correction/"
    assert other.post(url, {"holder_name": "x", "reason": "y", "evidence": _pdf()}).status_code == (
        404
    )
    assert other.post(_decide_url(correction, "approve")).status_code == 404
    assert other.post(_decide_url(correction, "reject")).status_code == 404
    assert certificate.number not in other.get("/certificates/corrections/").content.decode()
    assert CorrectionRequest.objects.count() == 1
    with pytest.raises(DomainError) as err:
        _file(certificate, personas.clerk_b)
    assert err.value.code == "certificate.correction_forbidden"


def test_a_city_officer_of_another_city_gets_404(certificate, personas):
    correction = _file(certificate, personas.clerk_a)
    suzhou = personas.client_for(personas.city_suzhou)
    assert suzhou.post(_decide_url(correction, "approve")).status_code == 404
    assert suzhou.post(_decide_url(correction, "reject"), {"note": "x"}).status_code == 404
    assert certificate.number not in suzhou.get("/certificates/corrections/").content.decode()
    _approval_refused(correction, personas.city_suzhou, "certificate.correction_forbidden")
    _still_pending(correction)


def test_the_clerk_cannot_decide_their_own_organisations_request(certificate, personas):
    correction = _file(certificate, personas.clerk_a)
    clerk = personas.client_for(personas.clerk_a)
    assert clerk.post(_decide_url(correction, "approve")).status_code == 403
    _still_pending(correction)


def test_officers_do_not_file_requests(certificate, personas):
    officer = personas.client_for(personas.city_nanjing)
    response = officer.post(
        f"/certificates/{certificate.number}/correction/",
        {"holder_name": "考生壹", "reason": "更正", "evidence": _pdf()},
    )
    assert response.status_code == 403
    assert CorrectionRequest.objects.count() == 0


def test_whoever_filed_a_request_cannot_approve_it(certificate, personas):
    # an officer who also works for the organisation files the request...
    role_grant(
        user=personas.city_nanjing,
        role=Role.ORG_CLERK,
        organization=personas.org_a,
        actor=SYSTEM_TEST,
    )
    correction = _file(certificate, personas.city_nanjing)
    _approval_refused(correction, personas.city_nanjing, "certificate.correction_self_approval")
    page = personas.client_for(personas.city_nanjing)
    assert page.post(_decide_url(correction, "approve")).status_code == 403
    _still_pending(correction)
    # ...and another officer decides it
    new = certificate_correction_approve(correction=correction, actor=personas.province)
    assert new.holder_name == "考生壹"


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field_label", "message"),
    [
        ({"holder_name": "考生壹", "reason": "  "}, "更正原因", "请填写更正原因"),
        ({"holder_name": "考生壹", "reason": "录入错误", "evidence": None}, "证明材料", "请上传"),
        (
            {
                "holder_name": "考生壹",
                "reason": "录入错误",
                "evidence": SimpleUploadedFile("户籍证明.docx", b"PK\x03\x04docx"),
            },
            "证明材料",
            "不支持“.docx”文件",
        ),
        (
            {
                "holder_name": "考生壹",
                "reason": "录入错误",
                "evidence": SimpleUploadedFile("户籍证明.pdf", EXE),
            },
            "证明材料",
            "Windows 可执行程序",
        ),
        ({"holder_name": "", "id_number": "", "reason": "录入错误"}, "更正后的姓名", "至少一项"),
        ({"holder_name": "考生1", "reason": "录入错误"}, "更正后的姓名", "相同"),
        (
            {"id_number": BAD_ID, "reason": "录入错误"},
            "更正后的证件号码",
            "校验位",
        ),
    ],
    ids=["empty-reason", "no-evidence", "docx", "exe-as-pdf", "nothing", "same-name", "bad-id"],
)
def test_bad_input_names_the_field_and_changes_nothing(
    certificate, personas, data, field_label, message
):
    posted = {"holder_name": "", "id_number": "", "evidence": _pdf()} | data
    if posted["evidence"] is None:
        del posted["evidence"]
    response = personas.client_for(personas.clerk_a).post(
        f"/certificates/{certificate.number}/correction/", posted
    )
    assert response.status_code == 400
    errors = [str(line) for line in response.context["correction_form"].error_lines()]
    assert any(line.startswith(field_label) and message in line for line in errors), errors
    assert message in response.content.decode()
    assert CorrectionRequest.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert _media_files() == []
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and certificate.holder_name == "考生1"
    assert Certificate.objects.count() == 1


def test_a_jpeg_scan_is_accepted_as_evidence(certificate, personas):
    scan = SimpleUploadedFile("户籍证明.jpg", JPEG, content_type="image/jpeg")
    correction = _file(certificate, personas.clerk_a, evidence=scan)
    assert correction.evidence.content_type == "image/jpeg"
