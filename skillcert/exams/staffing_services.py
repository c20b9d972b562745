"""Staff assignment for a time slot: loads rooms, candidates and people, works out every
reason a person may not take a post (personnel's pure recusal rules, valid roles, busy in an
overlapping slot), calls the pure core and stores the placements with the shortages
explained."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_user
from skillcert.audit.services import audit_record
from skillcert.exams import staffing
from skillcert.exams.models import (
    ExamDayDuty,
    Room,
    RoomKind,
    Seat,
    StaffAssignment,
    StaffingRun,
    TimeSlot,
)
from skillcert.exams.permissions import require_district
from skillcert.exams.selectors import policy_of_slot, staff_rule_of
from skillcert.personnel import recusal
from skillcert.personnel.selectors import (
    assessor_facts_of,
    relation_digests_of,
    roles_valid_on,
    staffing_refusals,
)
from skillcert.personnel.selectors import policy_for as personnel_policy_for
from skillcert.personnel.services import Staffed, practice_records_sync
from skillcert.plans.choices import Subject

if TYPE_CHECKING:
    from skillcert.personnel.models import Person

# A sitting is a social assessment: its site supervisor is an external one the authority
# sends, never an organisation's internal supervisor (seed 004 §十八).
_ROLE_DUTIES = {
    "examiner": {staffing.INVIGILATOR, staffing.EXAMINER},
    "senior_examiner": {staffing.INVIGILATOR, staffing.EXAMINER},
    "supervisor_external": {staffing.SUPERVISOR},
}
# The roles whose qualification check a post's duty binds to (the inverse of the above).
_DUTY_ROLES = {
    duty: tuple(role for role, duties in _ROLE_DUTIES.items() if duty in duties)
    for duty in (staffing.INVIGILATOR, staffing.EXAMINER, staffing.SUPERVISOR)
}
_DUTY_OF_POST = {
    staffing.INVIGILATOR: ExamDayDuty.INVIGILATOR,
    staffing.EXAMINER: ExamDayDuty.EXAMINER,
    staffing.SUPERVISOR: ExamDayDuty.SUPERVISOR,
}


def _room_duty(room: Room, subject: str) -> str:
    if room.kind == RoomKind.PRACTICAL or subject in (Subject.PRACTICAL, Subject.PANEL):
        return staffing.EXAMINER
    return staffing.INVIGILATOR


class _Posts:
    """The slot's posts (one per room with candidates, one per site for its supervisors),
    the seats each post covers and the site each post is at."""

    def __init__(self, slot: TimeSlot, rule: staffing.StaffRule) -> None:
        seats = list(
            Seat.objects.filter(slot=slot)
            .select_related(
                "room",
                "room__site",
                "application",
                "application__occupation",
                "application__candidate",
                "application__plan__organization",
            )
            # What the posts and the recusal checks read: a candidate's encrypted columns
            # are not decrypted for every seat of the slot.
            .only(
                "slot_id",
                "room__code",
                "room__kind",
                "room__site__name",
                "application__level",
                "application__occupation__code",
                "application__candidate__full_name",
                "application__candidate__id_number_digest",
                "application__plan__organization__name",
            )
        )
        self.posts: list[staffing.Post] = []
        self.seats: dict[str, list[Seat]] = {}
        self.site_of: dict[str, int] = {}
        by_room: dict[int, list[Seat]] = defaultdict(list)
        by_site: dict[int, list[Seat]] = defaultdict(list)
        for seat in seats:
            by_room[seat.room_id].append(seat)
            by_site[seat.room.site_id].append(seat)
        for room_id, room_seats in sorted(by_room.items()):
            room = room_seats[0].room
            duty = _room_duty(room, slot.subject)
            needed = staffing.required_staff(rule, duty=duty, candidates=len(room_seats))
            label = f"{room.site.name} 第{room.code}考场"
            self._add(f"room:{room_id}", label, duty, needed, room_seats, room.site_id)
        for site_id, site_seats in sorted(by_site.items()):
            needed = staffing.required_staff(
                rule, duty=staffing.SUPERVISOR, candidates=len(site_seats)
            )
            label = site_seats[0].room.site.name
            self._add(f"site:{site_id}", label, staffing.SUPERVISOR, needed, site_seats, site_id)

    def _add(
        self, post_id: str, label: str, duty: str, needed: int, seats: list[Seat], site_id: int
    ) -> None:
        self.posts.append(staffing.Post(post_id, label, duty, needed))
        self.seats[post_id] = seats
        self.site_of[post_id] = site_id


def _pool(province_code: str, day: dt.date) -> tuple[dict[int, Person], list[staffing.Staff]]:
    """People holding a role valid on the day, appointed in this province."""
    duties: dict[int, set[str]] = defaultdict(set)
    people: dict[int, Person] = {}
    roles = roles_valid_on(province_code=province_code, day=day, roles=_ROLE_DUTIES)
    for held in roles:
        duties[held.person_id] |= _ROLE_DUTIES[held.role]
        people[held.person_id] = held.person
    staff = [
        staffing.Staff(pid, people[pid].name, frozenset(duties[pid])) for pid in sorted(people)
    ]
    return people, staff


def _shortage_rows(result: staffing.StaffingResult) -> list[dict[str, Any]]:
    return [
        {
            "post": s.post_id,
            "label": s.label,
            "duty": s.duty,
            "needed": s.needed,
            "assigned": s.assigned,
            "excluded": [
                {"person": e.person_id, "name": e.name, "reason": e.reason} for e in s.excluded
            ],
            "explanation": s.explanation(),
        }
        for s in result.shortages
    ]


def _practice(result: staffing.StaffingResult, posts: _Posts) -> list[Staffed]:
    """Each placement is a practice record (执业记录) at every organisation whose candidates
    the post covers; the exam-day duties are the practice duties of the same name."""
    staffed: dict[tuple[int, int], Staffed] = {}
    for p in result.placements:
        seats = posts.seats[p.post_id]
        room = f"第{seats[0].room.code}考场" if p.post_id.startswith("room:") else ""
        for seat in seats:
            key = (p.person_id, seat.application.plan.organization_id)
            staffed.setdefault(key, Staffed(key[0], key[1], str(_DUTY_OF_POST[p.duty]), room=room))
    return [staffed[key] for key in sorted(staffed)]


class _Day:
    """The pool of one province on one day and what is known about each person in it, read
    once for every slot of that day that one call staffs."""

    def __init__(self, province_code: str, day: dt.date) -> None:
        self.people, self.staff = _pool(province_code, day)
        self.rules = _Recusal(province_code, day, self.people)


def staff_assign(*, slot: TimeSlot, seed: int, actor: Actor) -> StaffingRun:
    """Place the slot's staff; the placements are the people's practice records for the
    slot (re-running the assignment replaces them). A person whose role for a post's duty
    does not pass its qualification check (or who is suspended) is never placed: the
    shortage lists them with the failed clause."""
    require_district(actor, slot.district)
    day = timezone.localdate(slot.starts_at)
    return _slot_staff(slot, seed, actor, _Day(slot.sitting.province_id, day))


def staff_assign_bulk(*, slots: Iterable[TimeSlot], seed: int, actor: Actor) -> list[StaffingRun]:
    """Staff many slots at once (a whole sitting, every district the officer runs): each
    slot in start order exactly as `staff_assign` places it, one after the other (a person
    placed in one slot is busy for the overlapping ones), with its own staffing run and
    audit event; the pool, the recusal facts and the qualification answers are read once per
    day and refreshed only for the people a slot placed or released."""
    ordered = sorted(slots, key=lambda s: (s.starts_at, s.pk))
    for slot in ordered:
        require_district(actor, slot.district)
    days: dict[tuple[str, dt.date], _Day] = {}
    runs = []
    for slot in ordered:
        day = timezone.localdate(slot.starts_at)
        key = (slot.sitting.province_id, day)
        if key not in days:
            days[key] = _Day(*key)
        runs.append(_slot_staff(slot, seed, actor, days[key]))
    return runs


def _slot_staff(slot: TimeSlot, seed: int, actor: Actor, shared: _Day) -> StaffingRun:
    day = timezone.localdate(slot.starts_at)
    posts = _Posts(slot, staff_rule_of(policy_of_slot(slot)))
    people, staff = shared.people, shared.staff
    blocked = _blocked(slot, posts.posts, posts.seats, people, shared.rules)
    result = staffing.assign_staff(posts.posts, staff, blocked, seed=seed)
    with transaction.atomic():
        locked = TimeSlot.objects.select_for_update().get(pk=slot.pk)
        released = set(
            StaffAssignment.objects.filter(slot=locked).values_list("person_id", flat=True)
        )
        StaffAssignment.objects.filter(slot=locked).delete()
        StaffAssignment.objects.bulk_create(
            StaffAssignment(
                slot=locked,
                site_id=posts.site_of[p.post_id],
                room_id=int(p.post_id.split(":")[1]) if p.post_id.startswith("room:") else None,
                person_id=p.person_id,
                duty=_DUTY_OF_POST[p.duty],
            )
            for p in result.placements
        )
        practice_records_sync(
            source=f"exams.slot:{locked.pk}",
            held_on=day,
            staffed=_practice(result, posts),
            actor=actor,
        )
        shortages = _shortage_rows(result)
        run = StaffingRun.objects.create(
            slot=locked,
            seed=seed,
            assigned=len(result.placements),
            shortages=shortages,
            actor=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="exams.staff_assign",
            obj=run,
            changes={
                "seed": [None, seed],
                "assigned": [None, len(result.placements)],
                "short_posts": [None, [s["label"] for s in shortages]],
            },
        )
    shared.rules.refresh(released | {p.person_id for p in result.placements})
    return run


def _busy_reasons(slot: TimeSlot, people: dict[int, Person]) -> dict[int, str]:
    """Busy elsewhere at an overlapping time (another district's slot, or another slot)."""
    busy = (
        StaffAssignment.objects.filter(
            person_id__in=list(people),
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        )
        .exclude(slot=slot)
        .select_related("site", "room", "slot")
    )
    return {
        b.person_id: f"同一时段已安排在{b.site.name}" + (f" 第{b.room.code}考场" if b.room else "")
        for b in busy
    }


class _Recusal:
    """Answers "may this person take this post" with personnel's pure recusal rules, once
    per (person, question): rooms of one organisation ask the same question of each person."""

    def __init__(self, province_code: str, day: dt.date, people: dict[int, Person]) -> None:
        self.day = day
        self.max_consecutive = personnel_policy_for(
            province_code=province_code
        ).max_consecutive_sittings
        self.facts = assessor_facts_of(people=people.values())
        self.relations = relation_digests_of(person_ids=people)
        self.verdicts: dict[tuple[int, recusal.Assignment], list[str]] = {}
        self.people = people
        self.refusals: dict[tuple[str, frozenset[int] | None], dict[int, str]] = {}

    def refresh(self, person_ids: set[int]) -> None:
        """Read again what a slot's assignment changed for these people (their practice
        records: the sittings the rotation rule counts, the practice a qualification counts),
        so the next slot of the same day asks the same questions of the same facts as a
        fresh `staff_assign` would."""
        changed = [self.people[pid] for pid in sorted(person_ids) if pid in self.people]
        if not changed:
            return
        self.facts.update(assessor_facts_of(people=changed))
        ids = {p.pk for p in changed}
        self.verdicts = {k: v for k, v in self.verdicts.items() if k[0] not in ids}
        for (duty, occupation_ids), answers in self.refusals.items():
            answers.update(
                staffing_refusals(
                    people=changed,
                    roles=_DUTY_ROLES[duty],
                    on=self.day,
                    occupation_ids=occupation_ids,
                )
            )

    def checks(self, post: staffing.Post, seats: list[Seat]) -> list[recusal.Assignment]:
        orgs = {s.application.plan.organization_id: s.application.plan.organization for s in seats}
        checks = [
            recusal.Assignment(on=self.day, organization_id=oid, organization_name=orgs[oid].name)
            for oid in sorted(orgs)
        ]
        if post.duty == staffing.EXAMINER:
            offerings = sorted(
                {(s.application.occupation.code, s.application.level) for s in seats}
            )
            checks += [
                recusal.Assignment(on=self.day, occupation_code=code, level=level)
                for code, level in offerings
            ]
        return checks

    def reasons(self, pid: int, checks: list[recusal.Assignment]) -> list[str]:
        found: list[str] = []
        for check in checks:
            key = (pid, check)
            if key not in self.verdicts:
                verdict = recusal.may_assess(
                    self.facts[pid], check, max_consecutive=self.max_consecutive
                )
                self.verdicts[key] = [reason.message for reason in verdict.reasons]
            found += [m for m in self.verdicts[key] if m not in found]
        return found

    def qualification_reason(self, pid: int, post: staffing.Post, seats: list[Seat]) -> str:
        """Why the person's roles for the post's duty do not pass their qualification check
        on the day (personnel's `staffing_refusals`), or ""; an examiner post asks about the
        occupations its candidates sit. Everyone in the pool is asked at once, once per
        (duty, occupations) question."""
        occupation_ids: frozenset[int] | None = None
        if post.duty == staffing.EXAMINER:
            occupation_ids = frozenset(s.application.occupation_id for s in seats)
        key = (post.duty, occupation_ids)
        if key not in self.refusals:
            self.refusals[key] = staffing_refusals(
                people=self.people.values(),
                roles=_DUTY_ROLES[post.duty],
                on=self.day,
                occupation_ids=occupation_ids,
            )
        return self.refusals[key][pid]

    def relation_reasons(self, pid: int, candidates: dict[str, str]) -> list[str]:
        return [
            f"与考生{candidates[digest]}存在{kind}关系，应回避"
            for digest, kind in self.relations.get(pid, {}).items()
            if digest in candidates
        ]


def _blocked(
    slot: TimeSlot,
    posts: list[staffing.Post],
    post_seats: dict[str, list[Seat]],
    people: dict[int, Person],
    rules: _Recusal,
) -> dict[tuple[int, str], list[str]]:
    """Every reason each person may not take each post."""
    blocked: dict[tuple[int, str], list[str]] = {}
    busy_reason = _busy_reasons(slot, people)
    for post in posts:
        seats = post_seats[post.post_id]
        checks = rules.checks(post, seats)
        candidates = {
            s.application.candidate.id_number_digest: s.application.candidate.full_name
            for s in seats
        }
        for pid in people:
            reasons = [busy_reason[pid]] if pid in busy_reason else []
            reasons += [m for m in rules.reasons(pid, checks) if m not in reasons]
            reasons += rules.relation_reasons(pid, candidates)
            refusal = rules.qualification_reason(pid, post, seats)
            if refusal and refusal not in reasons:
                reasons.append(refusal)
            if reasons:
                blocked[(pid, post.post_id)] = reasons
    return blocked
