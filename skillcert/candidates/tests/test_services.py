import datetime as dt
import io

import pytest
from PIL import Image

from skillcert.accounts.models import RoleAssignment
from skillcert.candidates.core import certificate_number_parse
from skillcert.candidates.models import Candidate, IdentityClaim
from skillcert.candidates.services import (
    candidate_photo_upload,
    candidate_register,
    certificate_add,
    work_period_add,
)
from skillcert.common.errors import DomainError
from skillcert.common.pii import pii_digest
from skillcert.plans.tests.factories import make_id, self_registered

PASSWORD = "Correct-Horse-2026"


def registration(seq=1, username="zhang", name="张三"):
    return self_registered(seq, username=username, name=name)


def register(seq=1, username="zhang", name="张三"):
    candidate = registration(seq, username, name).candidate
    assert candidate is not None
    return candidate


@pytest.mark.django_db
def test_register_creates_user_role_and_encrypted_person():
    candidate = register()
    assert candidate.user.username == "zhang"
    assert RoleAssignment.objects.filter(user=candidate.user, role="candidate").exists()
    assert candidate.birth_date == dt.date(1990, 3, 7)
    raw = Candidate.objects.filter(pk=candidate.pk).values_list("id_number", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM candidates_candidate WHERE id = %s", [candidate.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("pii1:") and make_id(1) not in stored
    assert list(raw) == [make_id(1)]
    assert candidate.id_number_digest == pii_digest(make_id(1))


@pytest.mark.django_db
def test_person_is_unique_by_id_number():
    first = register()
    second = registration(username="other")
    assert second.candidate is None and second.user.username == "other"
    assert Candidate.objects.count() == 1
    assert Candidate.objects.get().user == first.user
    claim = IdentityClaim.objects.get(user=second.user)
    assert claim.status == "pending" and claim.id_number_digest == pii_digest(make_id(1))


@pytest.mark.django_db
def test_register_rejects_bad_id_and_phone():
    with pytest.raises(DomainError) as exc:
        candidate_register(
            username="x", password=PASSWORD, full_name="x", id_number="123", phone="13912345678"
        )
    assert exc.value.code == "id_number.length"
    with pytest.raises(DomainError) as exc:
        candidate_register(
            username="x", password=PASSWORD, full_name="x", id_number=make_id(2), phone="12345"
        )
    assert exc.value.code == "mobile.format"


@pytest.mark.django_db
def test_roster_person_is_not_linked_by_registration_alone():
    roster = Candidate.objects.create(
        full_name="张三",
        id_number=make_id(1),
        id_number_digest=pii_digest(make_id(1)),
        birth_date=dt.date(1990, 3, 7),
        gender="M",
        phone="13900000000",
        phone_digest="x",
    )
    made = registration()
    roster.refresh_from_db()
    assert made.candidate is None and roster.user is None
    assert Candidate.objects.count() == 1
    assert IdentityClaim.objects.get(user=made.user).status == "pending"


def test_certificate_numbers_new_and_legacy():
    assert certificate_number_parse("S000032000001215000001").level == 5
    assert certificate_number_parse("1234567890123456").kind == "qualification"
    with pytest.raises(DomainError) as exc:
        certificate_number_parse("123")
    assert exc.value.code == "certificate.number_format"


@pytest.mark.django_db
def test_profile_items_owner_only_and_level_checked(personas):
    candidate = register()
    certificate_add(
        candidate=candidate,
        number="1234567890123456",
        occupation_name="企业人力资源管理师",
        level=4,
        issued_on=dt.date(2015, 1, 1),
        related=True,
        actor=candidate.user,
    )
    with pytest.raises(DomainError) as exc:
        certificate_add(
            candidate=candidate,
            number="S000032000001215000001",
            occupation_name="x",
            level=3,
            issued_on=dt.date(2015, 1, 1),
            related=True,
            actor=candidate.user,
        )
    assert exc.value.code == "certificate.level_mismatch"
    with pytest.raises(DomainError) as exc:
        work_period_add(
            candidate=candidate,
            start=dt.date(2020, 1, 1),
            end=None,
            employer="x",
            occupation_name="x",
            related=True,
            actor=personas.clerk_a,
        )
    assert exc.value.code == "candidate.not_owner"


@pytest.mark.django_db
def test_photo_upload_flags_bad_ratio_and_refuses_non_images(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    candidate = register()
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400)).save(buffer, format="JPEG")
    owner = candidate.user
    assert owner is not None
    candidate = candidate_photo_upload(candidate=candidate, data=buffer.getvalue(), actor=owner)
    assert candidate.photo and not candidate.photo_ok and candidate.photo_problems
    with pytest.raises(DomainError) as exc:
        candidate_photo_upload(candidate=candidate, data=b"GIF89a", actor=owner)
    assert exc.value.code == "candidate.photo_invalid"
