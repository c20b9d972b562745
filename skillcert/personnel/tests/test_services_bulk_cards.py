"""The counter's batch of collected cards (`cards_collect_bulk`): what `card_collect` gives
each card, one audit event committing to every row, all or nothing."""

import datetime as dt

import pytest

from skillcert.accounts.actors import COMMAND
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.personnel.models import Card, PersonRole, PersonRoleEvent
from skillcert.personnel.services import (
    card_collect,
    cards_collect_bulk,
    cards_issue_bulk,
    exam_results_record_bulk,
    pledge_sign,
)

from .conftest import certify, publish, register, registration_through
from .test_services_bulk import ISSUE_DAY, _learned, _rows_hash

COLLECT_DAY = dt.date(2026, 4, 20)


@pytest.fixture
def cards(world):
    """The cards of the March plan's two Nanjing examiners (the examiner persona's person and
    钱第二), issued on ISSUE_DAY."""
    plan = publish(world, 3)
    second = register(world.personas, seq=3, name="钱第二")
    certify(world, number="JS2019000001")
    certify(world, second, number="JS2019000002")
    regs = [
        registration_through(world, plan),
        registration_through(world, plan, person=second, actor=COMMAND),
    ]
    _learned(world, plan, regs)
    exam_results_record_bulk(
        plan=plan, scores={r.pk: 80 for r in regs}, actor=world.personas.province
    )
    for reg in regs:
        pledge_sign(registration=reg, actor=COMMAND)
    return cards_issue_bulk(plan=plan, actor=world.personas.province, issued_on=ISSUE_DAY)


def _role_fields(role):
    return (
        role.role,
        role.status,
        role.occupation_id,
        role.level_high,
        role.level_low,
        role.province_id,
        role.valid_from,
        role.valid_until,
        role.qualification,
    )


def test_batch_collection_grants_the_roles_as_single_collection_does(world, cards):
    card_collect(card=cards[0], actor=world.personas.city_nanjing, on=COLLECT_DAY)
    single = PersonRole.objects.get(person=cards[0].person)
    done = cards_collect_bulk(cards=[cards[1]], actor=world.personas.city_nanjing, on=COLLECT_DAY)
    assert [c.status for c in done] == ["collected"]
    batch = PersonRole.objects.get(person=cards[1].person)
    assert _role_fields(batch)[:-1] == _role_fields(single)[:-1]
    assert batch.qualification["qualified"] is True
    assert list(PersonRoleEvent.objects.filter(role=batch).values_list("action", "reason")) == [
        ("grant", f"领取证卡 {cards[1].number}")
    ]
    assert Card.objects.get(pk=cards[1].pk).collected_on == COLLECT_DAY
    event = AuditEvent.objects.get(action="personnel.card_collect_bulk")
    assert event.changes["rows"][0]["role_step"] == "grant"
    assert event.changes["rows_sha256"] == _rows_hash(event)


def test_batch_collection_before_the_window_opens_changes_nothing(world, cards):
    with pytest.raises(DomainError) as err:
        cards_collect_bulk(
            cards=cards, actor=world.personas.city_nanjing, on=ISSUE_DAY - dt.timedelta(days=1)
        )
    assert err.value.code == "personnel.card_collection_not_open"
    assert cards[0].number in err.value.message
    assert set(Card.objects.values_list("status", flat=True)) == {"pending"}
    assert not PersonRole.objects.exists()


def test_card_collected_already_refuses_the_batch(world, cards):
    card_collect(card=cards[1], actor=world.personas.city_nanjing, on=COLLECT_DAY)
    with pytest.raises(DomainError) as err:
        cards_collect_bulk(cards=cards, actor=world.personas.city_nanjing, on=COLLECT_DAY)
    assert err.value.code == "status.transition_not_allowed"
    assert "钱第二" in err.value.message
    assert Card.objects.get(pk=cards[0].pk).status == "pending"
    with pytest.raises(DomainError) as err:
        cards_collect_bulk(
            cards=[cards[0], cards[0]], actor=world.personas.city_nanjing, on=COLLECT_DAY
        )
    assert err.value.code == "personnel.card_repeated"


def test_officer_of_another_city_may_not_record_collections(world, cards):
    with pytest.raises(DomainError) as err:
        cards_collect_bulk(cards=cards, actor=world.personas.city_suzhou, on=COLLECT_DAY)
    assert err.value.code == "personnel.forbidden"
    assert set(Card.objects.values_list("status", flat=True)) == {"pending"}
