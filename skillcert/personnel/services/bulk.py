"""Batch forms of a training plan's steps, for the officers who handle a whole month's
registrations at once: the stamped recommendations, the city's 初审 and the province's 复核
of a list, the course platform's file of completion events, the month-end exam's score
sheet and the cards of everyone who passed. Each does what the one-registration service
does to every row (the same checks, history rows and words), all or nothing: the people
are locked in primary-key order, the rows written set-based, and one audit event commits
to every row (the rows and the SHA-256 of their canonical JSON)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.audit.services import audit_record_batch
from skillcert.common.errors import DomainError, Forbidden
from skillcert.personnel import cardrules
from skillcert.personnel.models import (
    Card,
    CourseCompletion,
    CourseUnit,
    Person,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    RoleKind,
    TrainingPlan,
)
from skillcert.personnel.selectors import Standings, policy_for, registrations_card_ready
from skillcert.personnel.services._access import require_officer_over, today_or
from skillcert.personnel.services._batch import check_length, row_refusal
from skillcert.personnel.services._history import registration_history_row
from skillcert.personnel.services.cards import CARD_PREFIX, _issue_dates
from skillcert.personnel.services.courses import _completion_rules
from skillcert.personnel.services.learning import _exam_check, _require_active
from skillcert.personnel.services.lifecycles import (
    REGISTRATION_LIFECYCLE,
)
from skillcert.personnel.services.training import REVIEWS
from skillcert.workdays.selectors import work_calendar

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.accounts.scope import Scope


def _locked(plan: TrainingPlan, ids: Iterable[int]) -> list[Registration]:
    """The plan's registrations `ids`, their people locked in primary-key order (the person
    lock every registration service takes); refused unless every id is the plan's."""
    wanted = sorted(set(ids))
    check_length(len(wanted), "registrations")
    person_ids = sorted(
        set(
            Registration.objects.filter(plan=plan, pk__in=wanted).values_list(
                "person_id", flat=True
            )
        )
    )
    list(
        Person.objects.select_for_update()
        .filter(pk__in=person_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = list(
        Registration.objects.filter(plan=plan, pk__in=wanted)
        .select_related("plan", "person", "occupation")
        .order_by("pk")
    )
    if len(rows) != len(wanted):
        raise DomainError(
            "personnel.registration_not_in_plan",
            "名单中有报名不属于本期培训计划，请核对后重新提交",
            field="registrations",
        )
    return rows


def _row_error(registration: Registration, error: DomainError) -> DomainError:
    """The single form's refusal, naming the row it is about."""
    row = f"{registration.person.name}（报名 {registration.pk}）"
    return row_refusal(error, row=row, field="registrations")


def _audit_rows(
    *, actor: Actor, action: str, plan: TrainingPlan, rows: list[dict[str, Any]], **extra: Any
) -> None:
    audit_record_batch(actor=actor, action=action, rows=rows, obj=plan, **extra)


# --- recommendation and the two reviews ---------------------------------------------------------


def _move_bulk(
    *,
    plan: TrainingPlan,
    registration_ids: Iterable[int],
    target: str,
    note: str,
    action: str,
    actor: Actor,
    allowed: Callable[[Registration], None],
) -> int:
    with transaction.atomic():
        rows = _locked(plan, registration_ids)
        events, audit = [], []
        for row in rows:
            try:
                allowed(row)
                REGISTRATION_LIFECYCLE.check(row.status, target)
            except DomainError as error:
                raise _row_error(row, error) from None
            before, row.status = row.status, target
            events.append(registration_history_row(row, action, before, note, actor))
            audit.append({"id": row.pk, "person": row.person_id, "status": [before, target]})
        Registration.objects.filter(pk__in=[r.pk for r in rows]).update(status=target)
        RegistrationEvent.objects.bulk_create(events, batch_size=500)
        if audit:
            _audit_rows(
                actor=actor,
                action=f"personnel.registration_{action}_bulk",
                plan=plan,
                rows=audit,
                note=note,
            )
    return len(rows)


def registrations_recommend_bulk(
    *, plan: TrainingPlan, registration_ids: Iterable[int], actor: Actor
) -> int:
    """单位推荐 for a list of the plan's registrations (`registration_recommend` for each:
    the employer's staff, or an officer of the unit's region recording the stamped forms)."""
    scope = actor_scope(actor)

    def allowed(row: Registration) -> None:
        if not (scope.is_platform or row.employer_id in scope.organization_ids):
            require_officer_over(actor, row.region_id)

    return _move_bulk(
        plan=plan,
        registration_ids=registration_ids,
        target=RegistrationStatus.RECOMMENDED,
        note="单位推荐",
        action="recommend",
        actor=actor,
        allowed=allowed,
    )


def registrations_review_bulk(
    *,
    plan: TrainingPlan,
    registration_ids: Iterable[int],
    review: str,
    approve: bool,
    actor: Actor,
    note: str = "",
) -> int:
    """初审 (`review="city_review"`) or 复核 (`"province_review"`) of a list of the plan's
    registrations with one decision, as `registration_city_review` /
    `registration_province_review` decide each."""
    if review not in REVIEWS:
        raise DomainError("personnel.review_invalid", "请选择初审或复核", field="review")
    word, approved, rejected, province = REVIEWS[review]
    if not approve and not note.strip():
        raise DomainError("personnel.note_required", f"{word}不通过须说明原因", field="note")

    def allowed(row: Registration) -> None:
        require_officer_over(actor, row.region_id, province=province)

    return _move_bulk(
        plan=plan,
        registration_ids=registration_ids,
        target=approved if approve else rejected,
        note=note.strip() or f"{word}通过",
        action=review,
        actor=actor,
        allowed=allowed,
    )


# --- the course platform's completion events ------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """One completion event of the course platform's file: a unit finished by the learner
    of a registration on a day."""

    registration_id: int
    unit_id: int
    completed_on: dt.date


class _Learning:
    """A registration's learned time and per-day totals as the events of the file add up."""

    def __init__(self, registration: Registration, days: dict[dt.date, int], done: set[int]):
        self.registration = registration
        self.days = days
        self.done = done


def _completion_check(
    learning: _Learning, unit: CourseUnit | None, event: Completion, last_day: dt.date
) -> CourseUnit:
    """`course_completion_record`'s checks of one event, against the time credited so far."""
    row = learning.registration
    plan = row.plan
    _require_active(row)
    if unit is None or unit.province_id != plan.province_id or not unit.active:
        title = unit.title if unit else str(event.unit_id)
        raise DomainError(
            "personnel.unit_not_in_course", f"课件“{title}”不是本期培训在用的课件", field="unit"
        )
    _completion_rules(
        plan,
        unit,
        event.completed_on,
        last_day,
        done=lambda: unit.pk in learning.done,
        learned_minutes=row.learned_minutes,
        that_day=lambda: learning.days.get(event.completed_on, 0),
    )
    return unit


def _learnings(rows: list[Registration]) -> dict[int, _Learning]:
    days: dict[int, dict[dt.date, int]] = defaultdict(dict)
    done: dict[int, set[int]] = defaultdict(set)
    ids = [r.pk for r in rows]
    for reg_id, day, total in (
        CourseCompletion.objects.filter(registration_id__in=ids)
        .order_by()
        .values("registration_id", "completed_on")
        .annotate(total=Sum("minutes"))
        .values_list("registration_id", "completed_on", "total")
    ):
        days[reg_id][day] = total
    for reg_id, unit_id in CourseCompletion.objects.filter(registration_id__in=ids).values_list(
        "registration_id", "unit_id"
    ):
        done[reg_id].add(unit_id)
    return {r.pk: _Learning(r, days[r.pk], done[r.pk]) for r in rows}


def _completion_allowed(
    actor: Actor,
    scope: Scope,
    state: _Learning,
    unit: CourseUnit | None,
    event: Completion,
    last_day: dt.date,
) -> CourseUnit:
    """The event's unit, once the actor may record it (an officer over the registration's
    region, never the learner) and `_completion_check` passes; refused naming the row."""
    row = state.registration
    try:
        if scope.user_id is not None and row.person.user_id == scope.user_id:
            raise Forbidden(
                "personnel.learning_self_reported",
                "学习时长由课程平台按课件完成记录计入，本人不能自行填报",
                field="unit",
            )
        require_officer_over(actor, row.region_id)
        return _completion_check(state, unit, event, last_day)
    except DomainError as error:
        raise _row_error(row, error) from None


def _credit(
    plan: TrainingPlan,
    state: _Learning,
    unit: CourseUnit,
    event: Completion,
    *,
    by_user: User | None,
    actor: Actor,
) -> tuple[CourseCompletion, RegistrationEvent, dict[str, Any]]:
    """Credit the unit's minutes to the registration (and to its day, for the next event's
    check); the completion row, its history row and its audit row, unsaved."""
    row = state.registration
    before = row.learned_minutes
    row.learned_minutes += unit.minutes
    state.done.add(unit.pk)
    state.days[event.completed_on] = state.days.get(event.completed_on, 0) + unit.minutes
    completion = CourseCompletion(
        registration=row,
        unit=unit,
        completed_on=event.completed_on,
        minutes=unit.minutes,
        recorded_by=by_user,
    )
    history = registration_history_row(
        row,
        "learn",
        row.status,
        f"{event.completed_on:%Y-%m-%d} 完成课件“{unit.title}”{unit.minutes}分钟"
        f"（累计{row.learned_minutes}/{plan.required_minutes}分钟）",
        actor,
    )
    audit = {
        "registration": row.pk,
        "unit": unit.pk,
        "completed_on": event.completed_on.isoformat(),
        "learned_minutes": [before, row.learned_minutes],
    }
    return completion, history, audit


def course_completions_record_bulk(
    *,
    plan: TrainingPlan,
    completions: Sequence[Completion],
    actor: Actor,
    today: dt.date | None = None,
) -> int:
    """The course platform's file of completion events for the plan, in the file's order:
    each is checked and credited as `course_completion_record` would (once per unit, inside
    the course period, a course day per day at most, not past the required time, never
    reported by the learner). Returns how many were recorded."""
    if not completions:
        return 0
    scope = actor_scope(actor)
    last_day = min(plan.exam_on, today_or(today))
    with transaction.atomic():
        rows = _locked(plan, (c.registration_id for c in completions))
        learning = _learnings(rows)
        units = CourseUnit.objects.in_bulk({c.unit_id for c in completions})
        made, events, audit = [], [], []
        by_user = actor_user(actor)
        for event in completions:
            state = learning[event.registration_id]
            unit = _completion_allowed(
                actor, scope, state, units.get(event.unit_id), event, last_day
            )
            completion, history, audit_row = _credit(
                plan, state, unit, event, by_user=by_user, actor=actor
            )
            made.append(completion)
            events.append(history)
            audit.append(audit_row)
        try:
            with transaction.atomic():
                CourseCompletion.objects.bulk_create(made, batch_size=500)
        except IntegrityError:  # a concurrent record of the same unit
            raise DomainError(
                "personnel.unit_completed", "名单中有课件已被同时记录，请重试", field="unit"
            ) from None
        Registration.objects.bulk_update(rows, ["learned_minutes"], batch_size=500)
        RegistrationEvent.objects.bulk_create(events, batch_size=500)
        _audit_rows(
            actor=actor, action="personnel.course_completion_record_bulk", plan=plan, rows=audit
        )
    return len(made)


# --- the month-end exam's score sheet ----------------------------------------------------------


def exam_results_record_bulk(*, plan: TrainingPlan, scores: Mapping[int, int], actor: Actor) -> int:
    """The month-end exam's score sheet: `scores` maps registrations of the plan to their
    scores, each checked as `exam_result_record` checks one (0 to 100, the required time
    learned, not recorded before). Returns how many scores were recorded."""
    for registration_id, score in scores.items():
        if not 0 <= score <= 100:
            raise DomainError(
                "personnel.score_invalid",
                f"报名 {registration_id}：成绩应为 0 到 100 分",
                field="scores",
            )
    if not scores:
        return 0
    with transaction.atomic():
        rows = _locked(plan, scores)
        now = timezone.now()
        events, audit = [], []
        for row in rows:
            try:
                require_officer_over(actor, row.region_id)
                _exam_check(row)
            except DomainError as error:
                raise _row_error(row, error) from None
            score = scores[row.pk]
            row.exam_score, row.exam_recorded_at = score, now
            passed = score >= plan.pass_score
            events.append(
                registration_history_row(
                    row,
                    "exam",
                    row.status,
                    f"考核成绩{score}分，{'合格' if passed else '不合格'}",
                    actor,
                )
            )
            audit.append({"id": row.pk, "person": row.person_id, "exam_score": score})
        Registration.objects.bulk_update(rows, ["exam_score", "exam_recorded_at"], batch_size=500)
        RegistrationEvent.objects.bulk_create(events, batch_size=500)
        _audit_rows(actor=actor, action="personnel.exam_result_record_bulk", plan=plan, rows=audit)
    return len(rows)


# --- the cards of everyone who passed -----------------------------------------------------------


def _issuable_check(row: Registration, carded: set[int]) -> None:
    if row.status != RegistrationStatus.PROVINCE_APPROVED:
        raise DomainError("personnel.not_approved", "省级复核通过后方可发证", field="registration")
    if not row.exam_passed:
        raise DomainError("personnel.exam_not_passed", "考核合格后方可发证", field="registration")
    if row.pledge_signed_at is None:
        raise DomainError(
            "personnel.pledge_missing", "未签订诚信承诺书，不能发证", field="registration"
        )
    if row.pk in carded:
        raise DomainError("personnel.card_exists", "该报名已发证", field="registration")


def _cards_create(
    rows: list[Registration], plan: TrainingPlan, *, issued: dt.date, opens: dt.date, policy: Any
) -> list[Card]:
    """The cards, numbered on from the province's, year's and role's last serial; a clash
    with a card numbered meanwhile retries with the next free numbers."""
    prefix = f"{plan.province_id[:2]}{issued.year}{CARD_PREFIX[RoleKind(plan.role)]}"
    deadline = cardrules.collection_deadline(work_calendar(), opens, policy.collection_workdays)
    valid_until = cardrules.card_valid_until(issued, policy.card_validity_years)
    for _attempt in range(5):
        serial = Card.objects.filter(number__startswith=prefix).count()
        cards = [
            Card(
                person=row.person,
                registration=row,
                role=plan.role,
                occupation_id=row.occupation_id,
                specialty_id=row.specialty_id,
                level_high=row.level_high,
                level_low=row.level_low,
                province_id=plan.province_id,
                number=f"{prefix}{serial + n:06d}",
                issued_on=issued,
                valid_until=valid_until,
                collection_opens_on=opens,
                collection_deadline=deadline,
            )
            for n, row in enumerate(rows, start=1)
        ]
        try:
            with transaction.atomic():
                return Card.objects.bulk_create(cards, batch_size=500)
        except IntegrityError:
            continue
    raise DomainError(
        "personnel.card_number_busy", "证卡编号分配冲突，请重试", field="registrations"
    )


def _qualify(rows: list[Registration], plan: TrainingPlan, issued: dt.date) -> None:
    """`card_issue`'s checks of every row, naming it, and the person passing the
    qualification check on the issue day; each row keeps the standing it passed."""
    carded = set(
        Card.objects.filter(registration__in=rows).values_list("registration_id", flat=True)
    )
    standings = Standings(
        person_ids={r.person_id for r in rows},
        occupation_ids={r.occupation_id for r in rows},
        on=issued,
    )
    for row in rows:
        try:
            _issuable_check(row, carded)
        except DomainError as error:
            raise _row_error(row, error) from None
        standing = standings.standing(
            person_id=row.person_id,
            role=plan.role,
            occupation=row.occupation,
            level_high=row.level_high,
            level_low=row.level_low,
            province_code=plan.province_id,
        )
        if not standing.passed:
            raise _row_error(row, DomainError(standing.code, standing.message))
        row.qualification = standing.as_dict()


def _cards_issue_record(
    rows: list[Registration], cards: list[Card], plan: TrainingPlan, actor: Actor
) -> None:
    """Each registration's history row (where and by when to collect) and the one audit
    event."""
    RegistrationEvent.objects.bulk_create(
        [
            registration_history_row(
                row,
                "card_issue",
                row.status,
                f"发放证卡 {card.number}，请于 {card.collection_deadline:%Y-%m-%d} 前领取",
                actor,
            )
            for row, card in zip(rows, cards, strict=True)
        ],
        batch_size=500,
    )
    _audit_rows(
        actor=actor,
        action="personnel.card_issue_bulk",
        plan=plan,
        rows=[
            {
                "card": card.pk,
                "number": card.number,
                "registration": row.pk,
                "person": row.person_id,
            }
            for row, card in zip(rows, cards, strict=True)
        ],
        valid_until=cards[0].valid_until.isoformat(),
        collection_deadline=cards[0].collection_deadline.isoformat(),
    )


def cards_issue_bulk(
    *,
    plan: TrainingPlan,
    actor: Actor,
    registration_ids: Iterable[int] | None = None,
    issued_on: dt.date | None = None,
    collection_opens_on: dt.date | None = None,
) -> list[Card]:
    """The province issues the cards of a list of the plan's registrations (default: every
    one ready, see `selectors.registrations_card_ready`), each as `card_issue` issues one:
    复核, exam and pledge done, and the person passing the qualification check on the issue
    day (the standing is kept on the registration)."""
    issued, opens = _issue_dates(actor, plan, issued_on, collection_opens_on)
    policy = policy_for(province_code=plan.province_id)
    with transaction.atomic():
        ids = (
            registrations_card_ready(plan=plan)
            if registration_ids is None
            else list(registration_ids)
        )
        if not ids:
            return []
        rows = _locked(plan, ids)
        _qualify(rows, plan, issued)
        Registration.objects.bulk_update(rows, ["qualification"], batch_size=500)
        cards = _cards_create(rows, plan, issued=issued, opens=opens, policy=policy)
        _cards_issue_record(rows, cards, plan, actor)
    return cards
