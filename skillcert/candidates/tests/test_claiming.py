"""Issue C1 (account takeover): registering with a roster person's name and ID number gives
no access to them; registration answers alike whether an ID number is new, on a roster or
already registered; only the activation code an organisation hands to the person links an
account to them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from unittest import mock

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.models import User
from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application, Status
from skillcert.applications.tests.rosters import roster_bytes, valid_row
from skillcert.audit.models import AuditEvent
from skillcert.candidates.models import ActivationCode, Candidate, ClaimStatus, IdentityClaim
from skillcert.candidates.services import (
    activation_codes_issue_for_plan,
    candidate_activation_issue,
    candidate_claim,
)
from skillcert.candidates.views import REGISTERED
from skillcert.common.errors import DomainError
from skillcert.plans.tests.factories import make_id, self_registered

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-2026"
CODE = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")
CLAIM_TEXT = "该身份证号码已有报名或注册记录：如评价机构已为您报名，请输入机构提供的激活码"
NOON = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def on_roster(plan, seq: int, name: str = "张三") -> Candidate:
    """A person the plan's organisation imported (no account), with their application."""
    outcome = roster_import(
        plan=plan,
        source=roster_bytes([valid_row(make_id(seq), 姓名=name)]),
        actor=SystemActor("test"),
    )
    assert outcome.imported == 1, outcome.errors
    return Candidate.objects.get(applications__plan=plan, full_name=name)


def form(seq: int, username: str, name: str = "张三") -> dict[str, str]:
    return {
        "username": username,
        "password": PASSWORD,
        "full_name": name,
        "id_number": make_id(seq),
        "phone": "13700000000",
    }


def registered(seq: int, name: str = "张三", username: str = "owner") -> Candidate:
    """A person who registered an account themselves (their candidate record is theirs)."""
    user = self_registered(seq, username=username, name=name)
    assert user.candidate is not None
    return user.candidate


def applied(plan, candidate: Candidate) -> Application:
    return Application.objects.create(
        plan=plan, candidate=candidate, occupation=plan.offerings.first().occupation, level=4
    )


def signed_up(seq: int, username: str, name: str = "张三") -> tuple[Client, User]:
    client = Client()
    response = client.post("/candidates/register/", form(seq, username, name))
    assert response.status_code == 302
    return client, User.objects.get(username=username)


def issued_code(client: Client, candidate: Candidate) -> str:
    page = client.post(f"/candidates/{candidate.pk}/activation/")
    assert page.status_code == 200
    found = CODE.search(page.content.decode())
    assert found is not None
    return found.group()


def claim_pending(user: User) -> IdentityClaim:
    return IdentityClaim.objects.get(user=user)


# --- the attack -------------------------------------------------------------------------


def test_registering_with_a_roster_persons_name_and_id_gains_no_access(personas, plan):
    victim = on_roster(plan, 5)
    application = victim.applications.get()
    attacker, attacker_user = signed_up(5, "attacker")

    victim.refresh_from_db()
    assert victim.user is None
    page = attacker.get("/candidates/profile/").content.decode()
    assert CLAIM_TEXT in page
    assert victim.id_number not in page and victim.phone not in page
    assert attacker.get("/applications/").status_code == 302  # back to the claim page
    assert attacker.get(f"/applications/{application.pk}/").status_code == 404
    assert attacker.post(f"/applications/{application.pk}/withdraw/").status_code == 404
    application.refresh_from_db()
    assert application.status == Status.ORG_REVIEW
    assert claim_pending(attacker_user).status == ClaimStatus.PENDING


def test_the_real_person_still_registers_and_claims_after_an_attacker(personas, plan):
    victim = on_roster(plan, 5)
    signed_up(5, "attacker")
    person, person_user = signed_up(5, "real_zhang")  # no "already registered" refusal

    code = issued_code(personas.client_for(personas.clerk_a), victim)
    response = person.post("/candidates/claim/", {"code": code}, follow=True)

    assert "身份已确认" in response.content.decode()
    victim.refresh_from_db()
    assert victim.user == person_user
    assert make_id(5) in person.get("/candidates/profile/").content.decode()
    application = victim.applications.get()
    assert person.get(f"/applications/{application.pk}/").status_code == 200


def test_a_registered_persons_id_cannot_be_taken_by_a_second_account(personas, plan):
    owner = registered(6, name="李四")
    owner_user = owner.user
    applied(plan, owner)
    _, second = signed_up(6, "second", name="李四")

    with pytest.raises(DomainError) as refused:
        candidate_activation_issue(candidate=owner, actor=personas.clerk_a)
    assert refused.value.code == "activation.has_account"
    with pytest.raises(DomainError) as wrong:
        candidate_claim(user=second, code="ABCDE23456")
    assert wrong.value.code == "claim.code_wrong"
    owner.refresh_from_db()
    assert owner.user == owner_user is not None


# --- registration answers alike ----------------------------------------------------------


def test_registration_answers_alike_for_new_roster_and_registered_id_numbers(personas, plan):
    on_roster(plan, 5)
    registered(6)
    answers = []
    for seq, username in ((7, "new_id"), (5, "roster_id"), (6, "registered_id")):
        client = Client()
        with mock.patch.object(
            User, "set_password", autospec=True, side_effect=User.set_password
        ) as hashing:
            response = client.post("/candidates/register/", form(seq, username))
        follow_up = client.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                response.content,
                [str(m) for m in follow_up.context["messages"]],
                hashing.call_count,
                "_auth_user_id" in client.session,
            )
        )
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == (302, "/candidates/profile/", b"", [REGISTERED], 1, True)
    assert (
        User.objects.filter(
            username__in=["new_id", "roster_id", "registered_id"], roles__role="candidate"
        ).count()
        == 3
    )
    assert Candidate.objects.filter(user__username="new_id").exists()
    assert set(IdentityClaim.objects.values_list("user__username", flat=True)) == {
        "roster_id",
        "registered_id",
    }


def test_claim_page_reads_the_same_for_a_roster_id_and_a_registered_id(personas, plan):
    on_roster(plan, 5)
    registered(6)
    roster_side, _ = signed_up(5, "probe_a")
    registered_side, _ = signed_up(6, "probe_b")

    def main(client: Client) -> str:
        page = client.get("/candidates/profile/").content.decode()
        body = page.split("<main>", 1)[1]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)

    roster_page, registered_page = main(roster_side), main(registered_side)
    assert CLAIM_TEXT in roster_page
    assert roster_page == registered_page


def test_registration_errors_do_not_depend_on_whether_the_id_is_known(personas, plan):
    on_roster(plan, 5)
    answers = set()
    for seq in (5, 7):
        page = Client().post("/candidates/register/", {**form(seq, "x"), "password": "123"})
        answers.add((page.status_code, page.context["error"].code, page.context["error"].message))
    assert len(answers) == 1 and answers.pop()[:2] == (200, "user.password_weak")
    assert not User.objects.filter(username="x").exists()


# --- issuing codes -------------------------------------------------------------------------


def test_the_applied_organisation_and_the_city_over_it_issue_codes_and_nobody_else(personas, plan):
    person = on_roster(plan, 5)
    url = f"/candidates/{person.pk}/activation/"
    for user in (personas.clerk_b, personas.candidate, personas.examiner, personas.city_suzhou):
        client = personas.client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not ActivationCode.objects.exists()

    assert personas.client_for(personas.city_nanjing).get(url).status_code == 200
    clerk = personas.client_for(personas.clerk_a)
    page = clerk.get(url)
    assert page.status_code == 200 and person.id_number not in page.content.decode()
    posted = clerk.post(url)
    text = posted.content.decode()
    assert "no-store" in posted["Cache-Control"] and "private" in posted["Cache-Control"]
    assert "请将激活码当面或通过报名登记的手机号告知考生本人" in text
    code = CODE.search(text)
    assert code is not None
    stored = ActivationCode.objects.get(candidate=person)
    assert code.group().replace("-", "") not in stored.code_hash
    assert stored.expires_at - stored.issued_at == dt.timedelta(days=30)
    event = AuditEvent.objects.get(action="candidate.activation_issue")
    recorded = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
    assert code.group().replace("-", "") not in recorded and code.group() not in recorded


def test_a_candidate_with_no_application_in_scope_is_404_even_to_staff(personas, plan):
    stranger = registered(8, name="王五", username="s")
    client = personas.client_for(personas.clerk_a)
    assert client.get(f"/candidates/{stranger.pk}/activation/").status_code == 404
    with pytest.raises(DomainError) as refused:
        candidate_activation_issue(candidate=stranger, actor=personas.clerk_a)
    assert refused.value.code == "activation.not_allowed"


def test_issuing_again_replaces_the_previous_code(personas, plan):
    person = on_roster(plan, 5)
    _, user = signed_up(5, "zhang")
    first = candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    second = candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    assert first != second and ActivationCode.objects.filter(candidate=person).count() == 1
    with pytest.raises(DomainError) as old:
        candidate_claim(user=user, code=first)
    assert old.value.code == "claim.code_wrong"
    assert candidate_claim(user=user, code=second) == person


def test_plan_codes_come_as_a_spreadsheet_for_account_less_candidates_only(personas, plan):
    waiting = on_roster(plan, 5, name="甲")
    applied(plan, registered(6, name="乙"))
    url = f"/candidates/plans/{plan.pk}/activation.xlsx"
    assert personas.client_for(personas.clerk_b).post(url).status_code == 404
    assert personas.client_for(personas.candidate).post(url).status_code == 404

    response = personas.client_for(personas.clerk_a).post(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[:2] for r in rows[1:]] == [["甲", waiting.id_number_masked]]
    _, user = signed_up(5, "jia", name="甲")
    assert candidate_claim(user=user, code=str(rows[1][2])) == waiting


def test_plan_codes_service_skips_what_the_actor_cannot_see(personas, plan):
    on_roster(plan, 5)
    assert activation_codes_issue_for_plan(plan=plan, actor=personas.city_suzhou) == []
    assert len(activation_codes_issue_for_plan(plan=plan, actor=personas.city_nanjing)) == 1


# --- claiming ------------------------------------------------------------------------------


def test_five_wrong_codes_lock_the_claim_until_a_new_code_is_issued(personas, plan):
    person = on_roster(plan, 5)
    client, user = signed_up(5, "zhang")
    code = candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    wrong = "ABCDE23456" if code != "ABCDE23456" else "ABCDE23457"
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError) as refused:
            candidate_claim(user=user, code=wrong)
        assert (
            refused.value.code == "claim.code_wrong"
            and f"还可输入{left}次" in refused.value.message
        )
    with pytest.raises(DomainError) as locked:
        candidate_claim(user=user, code=wrong)
    assert locked.value.code == "claim.locked" and "评价机构" in locked.value.message
    with pytest.raises(DomainError) as still:
        candidate_claim(user=user, code=code)  # even the right one, now
    assert still.value.code == "claim.locked"
    person.refresh_from_db()
    assert person.user is None and claim_pending(user).status == ClaimStatus.LOCKED
    assert "已锁定" in client.get("/candidates/profile/").content.decode()

    failures = AuditEvent.objects.filter(action="candidate.claim_failed")
    assert failures.count() == 5
    everything = json.dumps(
        [[e.changes, e.object_repr] for e in AuditEvent.objects.all()], ensure_ascii=False
    )
    assert wrong not in everything and code not in everything and make_id(5) not in everything

    fresh = candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    assert claim_pending(user).status == ClaimStatus.PENDING
    assert candidate_claim(user=user, code=fresh) == person


def _code_aged(personas, plan, time_machine, age):
    """A rostered person's code issued at NOON to the account that signed up with their ID
    number, and the clock moved `age` on: (person, account, code)."""
    person = on_roster(plan, 5)
    _, user = signed_up(5, "zhang")
    time_machine.move_to(NOON, tick=False)
    code = candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    time_machine.move_to(NOON + age, tick=False)
    return person, user, code


def test_an_expired_code_is_refused(personas, plan, time_machine):
    age = dt.timedelta(days=30, seconds=1)
    person, user, code = _code_aged(personas, plan, time_machine, age)
    with pytest.raises(DomainError) as refused:
        candidate_claim(user=user, code=code)
    assert refused.value.code == "claim.code_wrong"
    assert claim_pending(user).attempts == 1
    person.refresh_from_db()
    assert person.user is None


def test_a_code_is_good_until_its_thirtieth_day_ends(personas, plan, time_machine):
    age = dt.timedelta(days=29, hours=23)
    person, user, code = _code_aged(personas, plan, time_machine, age)
    assert candidate_claim(user=user, code=code.lower()) == person


def test_a_used_code_is_refused_to_another_account(personas, plan):
    person = on_roster(plan, 5)
    _, first = signed_up(5, "zhang")
    _, second = signed_up(5, "other")
    code = candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    assert candidate_claim(user=first, code=f" {code[:5]}-{code[5:]} ") == person
    assert ActivationCode.objects.get(candidate=person).used_at is not None

    with pytest.raises(DomainError) as refused:
        candidate_claim(user=second, code=code)
    assert refused.value.code == "claim.code_wrong"
    with pytest.raises(DomainError) as again:
        candidate_claim(user=first, code=code)
    assert again.value.code == "claim.none"
    person.refresh_from_db()
    assert person.user == first


@pytest.mark.parametrize(
    ("typed", "error"),
    [("", "claim.code_required"), ("   ", "claim.code_required"), ("A" * 500, "claim.code_format"),
     ("ABC", "claim.code_format"), ("ABCDE2345O", "claim.code_format")],
)  # fmt: skip
def test_malformed_codes_change_nothing(personas, plan, typed, error):
    person = on_roster(plan, 5)
    client, user = signed_up(5, "zhang")
    candidate_activation_issue(candidate=person, actor=personas.clerk_a)
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        candidate_claim(user=user, code=typed)
    assert refused.value.code == error
    page = client.post("/candidates/claim/", {"code": typed}, follow=True).content.decode()
    assert refused.value.message in page

    assert claim_pending(user).attempts == 0 and AuditEvent.objects.count() == events
    person.refresh_from_db()
    assert person.user is None


def test_claim_posts_from_accounts_without_a_claim_are_404(personas, candidate_person):
    client = personas.client_for(personas.candidate)
    assert client.post("/candidates/claim/", {"code": "ABCDE23456"}).status_code == 404
    assert personas.client_for(personas.clerk_a).post("/candidates/claim/").status_code == 404


# --- the roster finds people by ID number ------------------------------------------------


def test_a_registered_person_later_on_a_roster_is_linked_not_duplicated(personas, plan):
    _, user = signed_up(5, "zhang")
    person = Candidate.objects.get(user=user)
    assert on_roster(plan, 5) == person
    assert Candidate.objects.count() == 1
    person.refresh_from_db()
    assert person.user == user
