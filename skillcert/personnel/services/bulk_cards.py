"""Batch form of card collection: the counter records a day's collected cards at once (a
city officer handing out a training plan's cards). Each card is collected as `card_collect`
collects one (the same checks, the role granted or renewed, a renewed card superseded, the
role's history rows), all or nothing, with one audit event committing to every row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record_batch
from skillcert.common.batch_input import require_once
from skillcert.common.errors import DomainError
from skillcert.personnel.models import (
    Card,
    CardStatus,
    PersonRole,
    PersonRoleEvent,
    PersonRoleStatus,
)
from skillcert.personnel.services._access import require_officer_over, today_or
from skillcert.personnel.services._batch import check_length, lock_people, row_refusal
from skillcert.personnel.services._history import role_history_row
from skillcert.personnel.services.cards import _check_collectable, _coverage, _role_renew
from skillcert.personnel.services.lifecycles import CARD_LIFECYCLE

# A role is held per person, role kind, occupation and specialty.
RoleKey = tuple[int, str, int, int | None]
# What collecting a card did to its role: the step ("grant" or "renew"), the role, the role's
# status before and the history row's reason.
RoleStep = tuple[str, PersonRole, str, str]


def _key(card: Card) -> RoleKey:
    return (card.person_id, card.role, card.occupation_id, card.specialty_id)


def _row_error(card: Card, error: DomainError) -> DomainError:
    return row_refusal(error, row=f"{card.person.name}（证卡 {card.number}）", field="cards")


def _locked_cards(card_ids: list[int]) -> list[Card]:
    """The cards, their people locked in primary-key order first; refused when one is
    unknown."""
    person_ids = Card.objects.filter(pk__in=card_ids).values_list("person_id", flat=True)
    people = lock_people(person_ids)
    cards = list(Card.objects.filter(pk__in=card_ids).select_related("registration").order_by("pk"))
    if len(cards) != len(card_ids):
        raise DomainError("personnel.card_not_found", "名单中有证卡不存在，请核对", field="cards")
    for card in cards:
        card.person = people[card.person_id]
    return cards


def _held_roles(cards: list[Card]) -> dict[RoleKey, PersonRole]:
    """The role each card grants or renews, where one is held (not revoked): the first by
    the role's ordering, as `card_collect` finds it."""
    held: dict[RoleKey, PersonRole] = {}
    keys = {_key(c) for c in cards}
    rows = (
        PersonRole.objects.filter(
            person_id__in={c.person_id for c in cards},
            role__in={c.role for c in cards},
            occupation_id__in={c.occupation_id for c in cards},
        )
        .exclude(status=PersonRoleStatus.REVOKED)
        .order_by("person", "role", "occupation", "pk")
    )
    for role in rows:
        key = (role.person_id, role.role, role.occupation_id, role.specialty_id)
        if key in keys:
            held.setdefault(key, role)
    return held


def _supersede_renewed(cards: list[Card]) -> dict[int, int]:
    """The renewed old cards give way to the new ones (as `card_collect` does); returns the
    old card of each new one that superseded one."""
    olds = {
        c.registration.renews_card_id: c
        for c in cards
        if c.registration is not None and c.registration.renews_card_id is not None
    }
    superseded: dict[int, int] = {}
    changed = []
    for old in Card.objects.filter(pk__in=list(olds), status=CardStatus.COLLECTED).order_by("pk"):
        new = olds[old.pk]
        CARD_LIFECYCLE.check(old.status, CardStatus.SUPERSEDED)
        old.status = CardStatus.SUPERSEDED
        old.status_reason = f"已换发新证 {new.number}"[:300]
        changed.append(old)
        superseded[new.pk] = old.pk
    Card.objects.bulk_update(changed, ["status", "status_reason"], batch_size=500)
    return superseded


def _check_collect(locked: list[Card], actor: Actor, day: dt.date) -> None:
    """`card_collect`'s checks of every card, naming the card; two cards of the list may not
    grant the same role."""
    seen: set[RoleKey] = set()
    for card in locked:
        try:
            require_officer_over(actor, card.person.region_id)
            _check_collectable(card, card.person, day)
            CARD_LIFECYCLE.check(card.status, CardStatus.COLLECTED)
            if _key(card) in seen:
                raise DomainError(
                    "personnel.card_role_repeated",
                    "同一人员同一角色、职业的另一张证卡也在名单中，请分开办理",
                    field="cards",
                )
        except DomainError as error:
            raise _row_error(card, error) from None
        seen.add(_key(card))


def _granted_role(card: Card) -> PersonRole:
    """The role a card grants to someone who holds none (unsaved)."""
    registration = card.registration
    return PersonRole(
        person=card.person,
        role=card.role,
        **_coverage(card),
        province_id=card.province_id,
        valid_from=card.issued_on,
        valid_until=card.valid_until,
        qualification=registration.qualification if registration else {},
    )


def _role_changes(
    cards: list[Card], held: dict[RoleKey, PersonRole], day: dt.date
) -> tuple[list[PersonRole], list[PersonRole], dict[int, RoleStep]]:
    """Every card marked collected on `day`; the roles granted (unsaved), the held roles
    renewed, and the renewal step of each card that renews one."""
    granted, renewed, steps = [], [], {}
    for card in cards:
        card.status, card.status_reason, card.collected_on = CardStatus.COLLECTED, "", day
        role = held.get(_key(card))
        if role is None:
            granted.append(_granted_role(card))
            continue
        before = _role_renew(role, card)
        renewed.append(role)
        steps[card.pk] = ("renew", role, before, f"领取换发证卡 {card.number}")
    return granted, renewed, steps


def _collect(locked: list[Card], day: dt.date) -> tuple[dict[int, RoleStep], dict[int, int]]:
    """Write the collection: the cards, the renewed cards they supersede, the roles granted
    and renewed. Returns each card's role step and the old card it superseded, by card."""
    granted, renewed, steps = _role_changes(locked, _held_roles(locked), day)
    Card.objects.bulk_update(locked, ["status", "status_reason", "collected_on"], batch_size=500)
    superseded = _supersede_renewed(locked)
    made = iter(PersonRole.objects.bulk_create(granted, batch_size=500))
    for card in locked:
        if card.pk not in steps:
            steps[card.pk] = ("grant", next(made), "", f"领取证卡 {card.number}")
    PersonRole.objects.bulk_update(
        renewed, ["status", "valid_until", "level_high", "level_low"], batch_size=500
    )
    return steps, superseded


def _collect_record(
    locked: list[Card],
    steps: dict[int, RoleStep],
    superseded: dict[int, int],
    actor: Actor,
    day: dt.date,
) -> None:
    """The roles' history rows and the one audit event of the collection."""
    history, rows = [], []
    for card in locked:
        action, role, before, reason = steps[card.pk]
        history.append(role_history_row(role, action, before, reason, actor))
        rows.append(
            {
                "card": card.pk,
                "number": card.number,
                "person": card.person_id,
                "status": [CardStatus.PENDING, CardStatus.COLLECTED],
                "role": role.pk,
                "role_step": action,
                "role_status": [before or None, role.status],
                "superseded": superseded.get(card.pk),
            }
        )
    PersonRoleEvent.objects.bulk_create(history, batch_size=500)
    audit_record_batch(
        actor=actor,
        action="personnel.card_collect_bulk",
        object_type="personnel.card",
        object_id=f"{locked[0].pk}-{locked[-1].pk}",
        object_repr=f"领取证卡 {len(locked)} 张",
        rows=rows,
        collected_on=day.isoformat(),
    )


def cards_collect_bulk(
    *, cards: Sequence[Card], actor: Actor, on: dt.date | None = None
) -> list[Card]:
    """The people collect the cards on `on` (today by default); each role becomes active
    (or is extended, on renewal) until its card's validity ends. Refused whole, naming the
    card, when one may not be collected, is outside the officer's region, or two cards of
    the list would grant the same role."""
    day = today_or(on)
    check_length(len(cards), "cards")
    ids = [c.pk for c in cards]
    require_once(
        ids,
        lambda _: DomainError(
            "personnel.card_repeated", "名单中有证卡出现了两次，请核对后重新提交", field="cards"
        ),
    )
    if not ids:
        return []
    with transaction.atomic():
        locked = _locked_cards(ids)
        _check_collect(locked, actor, day)
        steps, superseded = _collect(locked, day)
        _collect_record(locked, steps, superseded, actor, day)
    for card, done in zip(sorted(cards, key=lambda c: c.pk), locked, strict=True):
        card.status, card.collected_on = done.status, done.collected_on
    return locked
