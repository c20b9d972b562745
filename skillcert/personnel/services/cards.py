"""Examiner cards: issue, collection (which grants or renews the role), voiding of
uncollected cards and the expiry reminders."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.personnel import cardrules
from skillcert.personnel.models import (
    Card,
    CardReminder,
    CardStatus,
    IntegrityEntry,
    IntegrityKind,
    Person,
    PersonRole,
    PersonRoleStatus,
    PersonStatus,
    Registration,
    RegistrationStatus,
    RoleKind,
    TrainingPlan,
)
from skillcert.personnel.selectors import policy_for, uncollected_ban_reason
from skillcert.personnel.services._access import lock_person, require_officer_over, today_or
from skillcert.personnel.services._history import registration_history, role_event
from skillcert.personnel.services.lifecycles import (
    CARD_LIFECYCLE,
    PERSON_LIFECYCLE,
    ROLE_LIFECYCLE,
)
from skillcert.personnel.services.standing import qualification_require
from skillcert.workdays.selectors import work_calendar

CARD_PREFIX = {RoleKind.EXAMINER: "KP", RoleKind.SENIOR_EXAMINER: "GK"}


def _coverage(source: Registration | Card) -> dict[str, int | None]:
    """The occupation, specialty and levels a registration's card, and the card's role, cover
    (the same as the registration's)."""
    return {
        "occupation_id": source.occupation_id,
        "specialty_id": source.specialty_id,
        "level_high": source.level_high,
        "level_low": source.level_low,
    }


def _check_issuable(locked: Registration) -> None:
    if locked.status != RegistrationStatus.PROVINCE_APPROVED:
        raise DomainError("personnel.not_approved", "省级复核通过后方可发证", field="registration")
    if not locked.exam_passed:
        raise DomainError("personnel.exam_not_passed", "考核合格后方可发证", field="registration")
    if locked.pledge_signed_at is None:
        raise DomainError(
            "personnel.pledge_missing", "未签订诚信承诺书，不能发证", field="registration"
        )
    if Card.objects.filter(registration=locked).exists():
        raise DomainError("personnel.card_exists", "该报名已发证", field="registration")


def _card_create(
    locked: Registration,
    plan: TrainingPlan,
    *,
    issued: dt.date,
    opens: dt.date,
    deadline: dt.date,
    validity_years: int,
) -> Card:
    prefix = f"{plan.province_id[:2]}{issued.year}{CARD_PREFIX[RoleKind(plan.role)]}"
    # Numbers are serial per province, year and role; the person lock does not serialise
    # two people, so the unique constraint decides and a clash retries with the next one.
    for _attempt in range(5):
        serial = Card.objects.filter(number__startswith=prefix).count() + 1
        try:
            with transaction.atomic():
                return Card.objects.create(
                    person=locked.person,
                    registration=locked,
                    role=plan.role,
                    **_coverage(locked),
                    province_id=plan.province_id,
                    number=f"{prefix}{serial:06d}",
                    issued_on=issued,
                    valid_until=cardrules.card_valid_until(issued, validity_years),
                    collection_opens_on=opens,
                    collection_deadline=deadline,
                )
        except IntegrityError:
            continue
    raise DomainError(
        "personnel.card_number_busy", "证卡编号分配冲突，请重试", field="registration"
    )


def _qualification_bind(locked: Registration, plan: TrainingPlan, issued: dt.date) -> None:
    """The check at registration is advice for the reviewers; the card binds to it: refused
    unless the person passes on the issue day, and the standing is kept on the registration."""
    standing = qualification_require(
        person=locked.person,
        role=plan.role,
        occupation=locked.occupation,
        level_high=locked.level_high,
        level_low=locked.level_low,
        province_code=plan.province_id,
        as_of=issued,
    )
    locked.qualification = standing.as_dict()
    locked.save(update_fields=["qualification"])


def _card_issue_record(locked: Registration, card: Card, actor: Actor) -> None:
    deadline = card.collection_deadline
    registration_history(
        locked,
        "card_issue",
        locked.status,
        f"发放证卡 {card.number}，请于 {deadline:%Y-%m-%d} 前领取",
        actor,
    )
    audit_record(
        actor=actor,
        action="personnel.card_issue",
        obj=card,
        changes={
            "valid_until": [None, card.valid_until],
            "collection_deadline": [None, deadline],
        },
    )


def _issue_dates(
    actor: Actor, plan: TrainingPlan, issued_on: dt.date | None, opens_on: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The province's officer only; the issue day (today by default) and the day collection
    opens (the issue day by default, never before it)."""
    require_officer_over(actor, plan.province_id, province=True)
    issued = today_or(issued_on)
    opens = opens_on or issued
    if opens < issued:
        raise DomainError(
            "personnel.collection_before_issue",
            "开始领取日期不能早于发证日期",
            field="collection_opens_on",
        )
    return issued, opens


def card_issue(
    *,
    registration: Registration,
    actor: Actor,
    issued_on: dt.date | None = None,
    collection_opens_on: dt.date | None = None,
) -> Card:
    """The province issues the card to a person who passed 复核 and the exam and signed the
    pledge. Validity and the collection deadline come from the province's policy."""
    plan = registration.plan
    issued, opens = _issue_dates(actor, plan, issued_on, collection_opens_on)
    policy = policy_for(province_code=plan.province_id)
    deadline = cardrules.collection_deadline(work_calendar(), opens, policy.collection_workdays)
    with transaction.atomic():
        lock_person(registration.person)
        locked = Registration.objects.select_related("plan", "person").get(pk=registration.pk)
        _check_issuable(locked)
        _qualification_bind(locked, plan, issued)
        card = _card_create(
            locked,
            plan,
            issued=issued,
            opens=opens,
            deadline=deadline,
            validity_years=policy.card_validity_years,
        )
        _card_issue_record(locked, card, actor)
    return card


def _check_collectable(locked: Card, person: Person, day: dt.date) -> None:
    if locked.status == CardStatus.PENDING and day > locked.collection_deadline:
        raise DomainError(
            "personnel.card_collection_closed",
            f"领取期限已过（截止 {locked.collection_deadline:%Y-%m-%d}），证卡已作废",
            field="card",
        )
    if locked.status == CardStatus.PENDING and day < locked.collection_opens_on:
        raise DomainError(
            "personnel.card_collection_not_open",
            f"证卡自 {locked.collection_opens_on:%Y-%m-%d} 起领取",
            field="card",
        )
    if person.status != PersonStatus.ACTIVE:
        raise DomainError(
            "personnel.person_inactive",
            f"该人员当前状态为“{person.get_status_display()}”",
            field="card",
        )


def _supersede_renewed(locked: Card) -> None:
    """On renewal the old card gives way to the new one (no audit event of its own: the
    collection's event covers it)."""
    registration = locked.registration
    if registration is None or registration.renews_card_id is None:
        return
    old = Card.objects.get(pk=registration.renews_card_id)
    if old.status == CardStatus.COLLECTED:
        CARD_LIFECYCLE.check(old.status, CardStatus.SUPERSEDED)
        old.status = CardStatus.SUPERSEDED
        old.status_reason = f"已换发新证 {locked.number}"[:300]
        old.save(update_fields=["status", "status_reason"])


def _role_renew(role: PersonRole, card: Card) -> str:
    """Extend a held role (reviving an expired one) to a collected card's term and levels,
    unsaved; returns the status it had."""
    before = role.status
    if role.status == PersonRoleStatus.EXPIRED:
        ROLE_LIFECYCLE.check(role.status, PersonRoleStatus.ACTIVE)
        role.status = PersonRoleStatus.ACTIVE
    role.valid_until = card.valid_until
    role.level_high, role.level_low = card.level_high, card.level_low
    return str(before)


def _role_grant_or_renew(locked: Card, person: Person, actor: Actor) -> None:
    """Collecting a card grants its role, or extends (and revives an expired) held one."""
    registration = locked.registration
    held = (
        PersonRole.objects.filter(
            person=person,
            role=locked.role,
            occupation_id=locked.occupation_id,
            specialty=locked.specialty,
        )
        .exclude(status=PersonRoleStatus.REVOKED)
        .first()
    )
    if held is None:
        held = PersonRole.objects.create(
            person=person,
            role=locked.role,
            **_coverage(locked),
            province_id=locked.province_id,
            valid_from=locked.issued_on,
            valid_until=locked.valid_until,
            qualification=registration.qualification if registration else {},
        )
        role_event(held, "grant", "", f"领取证卡 {locked.number}", actor)
        return
    role_before = _role_renew(held, locked)
    held.save(update_fields=["status", "valid_until", "level_high", "level_low"])
    role_event(held, "renew", role_before, f"领取换发证卡 {locked.number}", actor)


def card_collect(*, card: Card, actor: Actor, on: dt.date | None = None) -> Card:
    """The person collects the card; the role becomes active (or is extended, on renewal)
    until the card's validity ends."""
    day = today_or(on)
    require_officer_over(actor, card.person.region_id)
    with transaction.atomic():
        person = lock_person(card.person)
        locked = Card.objects.get(pk=card.pk)
        _check_collectable(locked, person, day)
        locked.status_reason = ""
        locked.collected_on = day
        CARD_LIFECYCLE.move(
            locked,
            CardStatus.COLLECTED,
            actor=actor,
            action="card_collect",
            update_fields=("status_reason", "collected_on"),
            changes={"collected_on": [None, day]},
        )
        _supersede_renewed(locked)
        _role_grant_or_renew(locked, person, actor)
    card.status, card.collected_on = locked.status, locked.collected_on
    return locked


def _void_person_cards(person: Person, day: dt.date, actor: Actor) -> list[Card]:
    cards = list(
        Card.objects.filter(
            person=person, status=CardStatus.PENDING, collection_deadline__lt=day
        ).order_by("issued_on", "id")
    )
    for card in cards:
        deadline = f"{card.collection_deadline:%Y-%m-%d}"
        card.status_reason = f"发放开始后逾期未领取（截止 {deadline}），视为自动放弃"[:300]
        CARD_LIFECYCLE.move(
            card, CardStatus.VOID, actor=actor, action="card_void", update_fields=("status_reason",)
        )
    return cards


def _ban_if_uncollected(person: Person, province_id: str, day: dt.date, actor: Actor) -> None:
    policy = policy_for(province_code=province_id)
    ban = uncollected_ban_reason(person=person, limit=policy.uncollected_ban_count)
    if not ban or person.status == PersonStatus.BANNED:
        return
    person.status_reason = ban[:300]
    PERSON_LIFECYCLE.move(
        person,
        PersonStatus.BANNED,
        actor=actor,
        action="person_ban",
        update_fields=("status_reason",),
        changes={"reason": [None, ban]},
    )
    IntegrityEntry.objects.create(
        person=person,
        kind=IntegrityKind.SANCTION,
        occurred_on=day,
        summary=ban,
        source="证卡领取管理",
    )


def cards_void_uncollected(*, actor: Actor, today: dt.date | None = None) -> list[Card]:
    """Void every pending card whose collection deadline has passed; a person whose cards
    went uncollected the province's number of times in a row is banned permanently."""
    day = today_or(today)
    voided: list[Card] = []
    person_ids = sorted(
        set(
            Card.objects.filter(status=CardStatus.PENDING, collection_deadline__lt=day).values_list(
                "person_id", flat=True
            )
        )
    )
    for person_id in person_ids:  # one transaction per person, locks in primary-key order
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person_id)
            cards = _void_person_cards(person, day, actor)
            voided.extend(cards)
            _ban_if_uncollected(person, cards[0].province_id, day, actor)
    return voided


def card_reminders_send(*, actor: Actor, today: dt.date | None = None) -> list[CardReminder]:
    """One reminder per collected card entering its province's reminder window. The
    reminder is shown on the person's page with the way to renew (复核换证)."""
    day = today_or(today)
    sent: list[CardReminder] = []
    cards = (
        Card.objects.filter(
            status=CardStatus.COLLECTED, valid_until__gte=day, reminder__isnull=True
        )
        .select_related("occupation")
        .order_by("id")
    )
    policies: dict[str, int] = {}
    for card in cards:
        if card.province_id not in policies:
            policies[card.province_id] = policy_for(province_code=card.province_id).reminder_days
        if card.valid_until > day + dt.timedelta(days=policies[card.province_id]):
            continue
        message = (
            f"您的{card.get_role_display()}证卡 {card.number}（{card.occupation.name}）将于 "
            f"{card.valid_until:%Y-%m-%d} 到期，请报名近期培训计划办理复核换证"
        )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    reminder = CardReminder.objects.create(card=card, sent_on=day, message=message)
            except IntegrityError:
                continue
            audit_record(
                actor=actor,
                action="personnel.card_remind",
                obj=card,
                changes={"sent_on": [None, day]},
            )
        sent.append(reminder)
    return sent
