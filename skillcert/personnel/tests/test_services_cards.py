import datetime as dt

import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.common.errors import DomainError
from skillcert.personnel.models import Card, CardReminder, IntegrityEntry, PersonRole, Registration
from skillcert.personnel.services import (
    card_collect,
    card_issue,
    card_reminders_send,
    cards_void_uncollected,
    roles_expire,
)

from .conftest import certify, publish, registration_through


def passed(world, plan, *, day, renews_card=None):
    """Through review, course, exam and pledge; the person holds a 三级 certificate, so the
    qualification check the card binds to passes."""
    if not world.person.certificates.exists():
        certify(world, number="JS2019000001")
    return registration_through(world, plan, "pledged", today=day, renews_card=renews_card)


def plan_for(world, month):
    return publish(world, month)


def issued_card(world, month=3, issued_on=dt.date(2026, 4, 10)):
    plan = plan_for(world, month)
    reg = passed(world, plan, day=plan.published_on)
    return card_issue(registration=reg, actor=world.personas.province, issued_on=issued_on)


def test_card_issue_computes_validity_and_collection_deadline(world):
    card = issued_card(world)
    assert card.number == "322026KP000001"
    assert card.valid_until == dt.date(2029, 4, 9)
    # 60 working days after Friday 2026-04-10: 14 in April, 19 in May (05-01, 05-04, 05-05
    # off, Saturday 05-09 worked), 21 in June (Dragon Boat 06-19 off), 6 in July: 2026-07-08.
    assert card.collection_deadline == dt.date(2026, 7, 8)
    assert card.status == "pending"


def test_card_not_issued_without_the_pledge(world):
    plan = plan_for(world, 3)
    p = world.personas
    reg = registration_through(world, plan, "passed", learn_actor=p.city_nanjing)
    with pytest.raises(DomainError) as err:
        card_issue(registration=reg, actor=p.province, issued_on=dt.date(2026, 4, 10))
    assert err.value.code == "personnel.pledge_missing"
    assert not Card.objects.exists()


def test_card_not_issued_before_province_review(world):
    plan = plan_for(world, 3)
    p = world.personas
    reg = registration_through(world, plan)
    with pytest.raises(DomainError) as err:
        card_issue(registration=reg, actor=p.province, issued_on=dt.date(2026, 4, 10))
    assert err.value.code == "personnel.not_approved"


def test_collecting_the_card_grants_the_role_until_the_card_expires(world):
    card = issued_card(world)
    card_collect(card=card, actor=world.personas.city_nanjing, on=dt.date(2026, 5, 6))
    role = PersonRole.objects.get(person=world.person)
    assert (role.role, role.status, role.level_high, role.level_low) == ("examiner", "active", 3, 5)
    assert role.valid_until == dt.date(2029, 4, 9)
    assert list(role.events.values_list("action", flat=True)) == ["grant"]


def test_card_cannot_be_collected_after_sixty_working_days(world):
    card = issued_card(world)
    with pytest.raises(DomainError) as err:
        card_collect(card=card, actor=world.personas.city_nanjing, on=dt.date(2026, 7, 9))
    assert err.value.code == "personnel.card_collection_closed"
    card.refresh_from_db()
    assert card.status == "pending"
    assert not PersonRole.objects.exists()


def test_uncollected_card_is_void_after_the_deadline(world):
    card = issued_card(world)
    assert cards_void_uncollected(actor=SystemActor("test"), today=dt.date(2026, 7, 8)) == []
    assert [
        c.pk for c in cards_void_uncollected(actor=SystemActor("test"), today=dt.date(2026, 7, 9))
    ] == [card.pk]
    card.refresh_from_db()
    assert card.status == "void"
    world.person.refresh_from_db()
    assert world.person.status == "active"  # one miss is not yet a ban


def test_two_consecutive_uncollected_cards_ban_the_person_and_block_registration(world):
    first = issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    second = issued_card(world, month=4, issued_on=dt.date(2026, 5, 11))
    cards_void_uncollected(actor=SystemActor("test"), today=dt.date(2026, 9, 1))
    world.person.refresh_from_db()
    assert world.person.status == "banned"
    assert (
        first.number in world.person.status_reason and second.number in world.person.status_reason
    )
    assert IntegrityEntry.objects.filter(person=world.person, kind="sanction").exists()
    plan = plan_for(world, 10)
    before = Registration.objects.count()
    with pytest.raises(DomainError) as err:
        registration_through(world, plan)
    assert err.value.code == "personnel.banned"
    assert "连续2次未在规定期限内领取" in err.value.message
    assert Registration.objects.count() == before


def test_registration_refused_when_two_cards_went_void_even_before_the_ban_job(world):
    first = issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    second = issued_card(world, month=4, issued_on=dt.date(2026, 5, 11))
    Card.objects.filter(pk__in=[first.pk, second.pk]).update(status="void")
    plan = plan_for(world, 10)
    with pytest.raises(DomainError) as err:
        registration_through(world, plan)
    assert err.value.code == "personnel.uncollected_cards_ban"
    assert first.number in err.value.message


def test_a_collected_card_between_two_misses_does_not_ban(world):
    issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    middle = issued_card(world, month=4, issued_on=dt.date(2026, 5, 11))
    card_collect(card=middle, actor=world.personas.province, on=dt.date(2026, 5, 12))
    issued_card(world, month=5, issued_on=dt.date(2026, 6, 10))
    cards_void_uncollected(actor=SystemActor("test"), today=dt.date(2026, 10, 30))
    world.person.refresh_from_db()
    assert world.person.status == "active"


def test_renewal_supersedes_the_old_card_and_extends_the_role(world):
    old = issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    card_collect(card=old, actor=world.personas.province, on=dt.date(2026, 4, 13))
    plan = plan_for(world, 8)
    reg = passed(world, plan, day=plan.published_on, renews_card=old)
    assert reg.purpose == "renewal"
    new = card_issue(
        registration=reg, actor=world.personas.province, issued_on=dt.date(2026, 8, 10)
    )
    card_collect(card=new, actor=world.personas.province, on=dt.date(2026, 8, 11))
    old.refresh_from_db()
    assert old.status == "superseded"
    role = PersonRole.objects.get(person=world.person)
    assert role.valid_until == dt.date(2029, 8, 9)
    assert list(role.events.values_list("action", flat=True)) == ["grant", "renew"]


def test_renewal_of_someone_elses_card_is_rejected(world):
    old = issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    plan = plan_for(world, 9)
    with pytest.raises(DomainError) as err:  # not collected yet
        registration_through(world, plan, renews_card=old)
    assert err.value.code == "personnel.renewal_card_invalid"


def test_expiry_reminder_sent_once_inside_the_window(world):
    card = issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    card_collect(card=card, actor=world.personas.province, on=dt.date(2026, 4, 13))
    assert card_reminders_send(actor=SystemActor("test"), today=dt.date(2029, 1, 8)) == []
    sent = card_reminders_send(actor=SystemActor("test"), today=dt.date(2029, 1, 9))
    assert [r.card_id for r in sent] == [card.pk]
    assert "2029-04-09 到期" in sent[0].message
    assert card_reminders_send(actor=SystemActor("test"), today=dt.date(2029, 1, 10)) == []
    assert CardReminder.objects.count() == 1


def test_roles_expire_after_the_card(world):
    card = issued_card(world, month=3, issued_on=dt.date(2026, 4, 10))
    card_collect(card=card, actor=world.personas.province, on=dt.date(2026, 4, 13))
    assert roles_expire(actor=SystemActor("test"), today=dt.date(2029, 4, 9)) == 0
    assert roles_expire(actor=SystemActor("test"), today=dt.date(2029, 4, 10)) == 1
    assert PersonRole.objects.get().status == "expired"
