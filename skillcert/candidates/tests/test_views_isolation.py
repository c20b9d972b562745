"""One candidate never reads or changes another's profile or photo, and organisation staff
cannot reach a candidate's own pages: every path is scoped to the signed-in person."""

from __future__ import annotations

from django.core.files.base import ContentFile

from conftest import make_user
from skillcert.accounts.models import Role
from skillcert.candidates.models import Candidate, WorkPeriod
from skillcert.plans.tests.factories import make_candidate

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _other_candidate():
    user = make_user("candidate_b", Role.CANDIDATE)
    make_candidate(2, user=user)
    return user


def test_candidate_cannot_remove_another_candidates_profile_row(personas, candidate_person):
    row = WorkPeriod.objects.filter(candidate=candidate_person).earliest("pk")
    other = personas.client_for(_other_candidate())
    response = other.post(f"/candidates/profile/work/{row.pk}/remove/")
    assert response.status_code == 302
    assert WorkPeriod.objects.filter(pk=row.pk).exists()


def test_photo_view_serves_only_the_signed_in_candidates_photo(
    personas, candidate_person, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    candidate_person.photo.save("a.png", ContentFile(PNG), save=True)
    own = personas.client_for(personas.candidate).get("/candidates/profile/photo.img")
    assert own.status_code == 200 and own.content == PNG
    other = personas.client_for(_other_candidate()).get("/candidates/profile/photo.img")
    assert other.status_code == 404


def test_profile_page_shows_only_ones_own_person(personas, candidate_person):
    other_user = _other_candidate()
    page = personas.client_for(other_user).get("/candidates/profile/").content.decode()
    assert Candidate.objects.get(user=other_user).full_name in page
    assert candidate_person.full_name not in page


def test_organisation_staff_have_no_candidate_profile_to_reach(personas, candidate_person):
    clerk = personas.client_for(personas.clerk_a)
    row = WorkPeriod.objects.filter(candidate=candidate_person).earliest("pk")
    assert clerk.get("/candidates/profile/photo.img").status_code == 404
    clerk.post(f"/candidates/profile/work/{row.pk}/remove/")
    assert WorkPeriod.objects.filter(pk=row.pk).exists()
