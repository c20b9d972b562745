"""Batch form of registration: the applications for a plan that the registration portal
collected (each the person's own, made on the portal), handed to the platform in one file.
Each row is checked and stored as `registration_submit` does one (the window, the
province, bans and suspensions, no second registration, the qualification check stored
for the reviewers); the file is refused whole, naming the row, and one audit event
commits to every row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record_batch
from skillcert.common.errors import DomainError
from skillcert.personnel import qualification
from skillcert.personnel.models import Registration, RegistrationEvent
from skillcert.personnel.selectors import (
    PeopleFacts,
    RuleCache,
    policy_for,
    uncollected_ban_reasons,
)
from skillcert.personnel.services._access import today_or
from skillcert.personnel.services._batch import check_length, lock_people, row_refusal
from skillcert.personnel.services._history import registration_history_row
from skillcert.personnel.services._validation import check_levels, check_specialty
from skillcert.personnel.services.training import (
    _check_may_apply,
    _check_submission,
    _duplicate,
    _purpose,
)

if TYPE_CHECKING:
    from skillcert.occupations.models import Occupation, Specialty
    from skillcert.personnel.models import Card, Person, TrainingPlan


@dataclass(frozen=True)
class Application:
    """One application of the portal's file, as `registration_submit` takes it."""

    person: Person
    occupation: Occupation
    level_high: int
    level_low: int
    specialty: Specialty | None = None
    renews_card: Card | None = None


def _row_error(n: int, person: Person, error: DomainError) -> DomainError:
    return row_refusal(error, row=f"第{n}行（{person.name}）", field="applications")


def _check_applications(
    plan: TrainingPlan, applications: Sequence[Application], actor: Actor, day: dt.date
) -> None:
    """The checks that need no lock (who submits, the window, levels and specialty), before
    any row is locked."""
    for n, a in enumerate(applications, start=1):
        try:
            _check_submission(actor=actor, plan=plan, person=a.person, day=day)
            check_levels(a.level_high, a.level_low)
            check_specialty(a.occupation, a.specialty)
        except DomainError as error:
            raise _row_error(n, a.person, error) from None


def _decision(
    plan: TrainingPlan,
    a: Application,
    person: Person,
    *,
    rules: RuleCache,
    facts: PeopleFacts,
    day: dt.date,
) -> qualification.QualificationDecision | None:
    """The qualification check stored for the reviewers; None without an applicable rule."""
    rule = rules.rule(role=plan.role, province_code=plan.province_id, occupation=a.occupation)
    if rule is None:
        return None
    return qualification.check_qualification(
        rule,
        level_high=a.level_high,
        level_low=a.level_low,
        facts=facts.facts(person_id=person.pk, occupation=a.occupation),
        as_of=day,
    )


def _registration(
    plan: TrainingPlan,
    a: Application,
    person: Person,
    purpose: str,
    decision: qualification.QualificationDecision | None,
) -> Registration:
    return Registration(
        plan=plan,
        person=person,
        purpose=purpose,
        renews_card=a.renews_card,
        occupation=a.occupation,
        specialty=a.specialty,
        level_high=a.level_high,
        level_low=a.level_low,
        employer_id=person.employer_id,
        employer_name=person.employer_name,
        region_id=person.region_id,
        qualification=decision.as_dict() if decision else {},
    )


def _registrations_build(
    plan: TrainingPlan,
    applications: Sequence[Application],
    locked: dict[int, Person],
    *,
    person_ids: set[int],
    ban_limit: int,
    day: dt.date,
) -> tuple[list[Registration], list[qualification.QualificationDecision | None]]:
    """The unsaved registrations in the file's order, with their qualification checks;
    refused, naming the row, when the person may not apply or is registered already."""
    bans = uncollected_ban_reasons(person_ids=person_ids, limit=ban_limit)
    registered = set(
        Registration.objects.filter(plan=plan, person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )
    facts = PeopleFacts(
        person_ids=person_ids, occupation_ids={a.occupation.pk for a in applications}
    )
    rules = RuleCache()
    rows, decisions = [], []
    for n, a in enumerate(applications, start=1):
        person = locked[a.person.pk]
        try:
            _check_may_apply(person, ban_limit=ban_limit, ban=bans[person.pk])
            purpose = _purpose(
                plan=plan, person=person, occupation=a.occupation, renews_card=a.renews_card
            )
            if person.pk in registered:
                raise _duplicate(plan)
        except DomainError as error:
            raise _row_error(n, person, error) from None
        registered.add(person.pk)
        decision = _decision(plan, a, person, rules=rules, facts=facts, day=day)
        decisions.append(decision)
        rows.append(_registration(plan, a, person, purpose, decision))
    return rows, decisions


def _registrations_record(
    plan: TrainingPlan,
    made: list[Registration],
    decisions: list[qualification.QualificationDecision | None],
    actor: Actor,
) -> None:
    """Each registration's history row (its check's explanation) and the one audit event."""
    RegistrationEvent.objects.bulk_create(
        [
            registration_history_row(
                reg,
                "submit",
                "",
                decision.explanation() if decision else "无适用的资格条件规则",
                actor,
            )
            for reg, decision in zip(made, decisions, strict=True)
        ],
        batch_size=500,
    )
    audit_record_batch(
        actor=actor,
        action="personnel.registration_submit_bulk",
        obj=plan,
        rows=[
            {
                "id": reg.pk,
                "person": reg.person_id,
                "occupation": reg.occupation_id,
                "levels": [reg.level_high, reg.level_low],
            }
            for reg in made
        ],
    )


def registrations_submit_bulk(
    *,
    plan: TrainingPlan,
    applications: Sequence[Application],
    actor: Actor,
    today: dt.date | None = None,
) -> list[Registration]:
    """Store the portal's applications for the plan made on `today`, in the file's order.
    Only the platform (or each person for themself) may submit; the qualification check
    is stored for the reviewers, never a reason to refuse."""
    check_length(len(applications), "applications")
    day = today_or(today)
    _check_applications(plan, applications, actor, day)
    if not applications:
        return []
    policy = policy_for(province_code=plan.province_id)
    person_ids = {a.person.pk for a in applications}
    with transaction.atomic():
        locked = lock_people(person_ids)
        rows, decisions = _registrations_build(
            plan,
            applications,
            locked,
            person_ids=person_ids,
            ban_limit=policy.uncollected_ban_count,
            day=day,
        )
        try:
            with transaction.atomic():
                made = Registration.objects.bulk_create(rows, batch_size=500)
        except IntegrityError:  # registered meanwhile (the person lock makes this rare)
            raise _duplicate(plan) from None
        _registrations_record(plan, made, decisions, actor)
    return made
