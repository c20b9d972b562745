"""Staff assignment for a time slot: loads rooms, candidates and people, works out every
reason a person may not take a post (personnel's pure recusal rules, valid roles, busy in an
overlapping slot), calls the pure core and stores the placements with the shortages
explained."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from skillcert.audit.services import audit_record
from skillcert.common.pii import pii_digest
from skillcert.exams import staffing
from skillcert.exams.models import (
    Duty,
    Room,
    RoomKind,
    Seat,
    StaffAssignment,
    StaffingRun,
    TimeSlot,
)
from skillcert.exams.permissions import require_district
from skillcert.exams.selectors import policy_for
from skillcert.organizations.models import EvaluationOrg
from skillcert.personnel import recusal
from skillcert.personnel.models import Person, PersonRole, PersonRoleStatus, RecusalRelation
from skillcert.personnel.selectors import assessor_facts
from skillcert.personnel.selectors import policy_for as personnel_policy_for
from skillcert.plans.models import Subject

_ROLE_DUTIES = {
    "examiner": {staffing.INVIGILATOR, staffing.EXAMINER},
    "senior_examiner": {staffing.INVIGILATOR, staffing.EXAMINER},
    "supervisor_external": {staffing.SUPERVISOR},
    "supervisor_internal": {staffing.SUPERVISOR},
}


def _room_duty(room: Room, subject: str) -> str:
    if room.kind == RoomKind.PRACTICAL or subject in (Subject.PRACTICAL, Subject.PANEL):
        return staffing.EXAMINER
    return staffing.INVIGILATOR


def staff_assign(*, slot: TimeSlot, seed: int, actor: Any) -> StaffingRun:
    district = slot.district
    require_district(actor, district)
    day = timezone.localtime(slot.starts_at).date()
    policy = policy_for(province_code=slot.sitting.province_id)
    rule = staffing.StaffRule(
        policy.invigilator_per,
        policy.min_invigilators_theory,
        policy.examiner_per,
        policy.min_examiners_practical,
        policy.examiners_odd,
        policy.supervisors_per_site,
    )
    seats = list(
        Seat.objects.filter(slot=slot).select_related(
            "room",
            "room__site",
            "application",
            "application__occupation",
            "application__candidate",
            "application__plan__organization",
        )
    )
    by_room: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_room[seat.room_id].append(seat)
    rooms = {seat.room_id: seat.room for seat in seats}
    posts: list[staffing.Post] = []
    post_seats: dict[str, list[Seat]] = {}
    for room_id, room_seats in sorted(by_room.items()):
        room = rooms[room_id]
        duty = _room_duty(room, slot.subject)
        post_id = f"room:{room_id}"
        posts.append(
            staffing.Post(
                post_id,
                f"{room.site.name} 第{room.code}考场",
                duty,
                staffing.required_staff(rule, duty=duty, candidates=len(room_seats)),
            )
        )
        post_seats[post_id] = room_seats
    sites: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        sites[seat.room.site_id].append(seat)
    for site_id, site_seats in sorted(sites.items()):
        post_id = f"site:{site_id}"
        posts.append(
            staffing.Post(
                post_id,
                site_seats[0].room.site.name,
                staffing.SUPERVISOR,
                staffing.required_staff(rule, duty=staffing.SUPERVISOR, candidates=len(site_seats)),
            )
        )
        post_seats[post_id] = site_seats

    # The pool: people holding a role valid on the day, appointed in this province.
    roles = PersonRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        status=PersonRoleStatus.ACTIVE,
        valid_from__lte=day,
        province_id=slot.sitting.province_id,
        role__in=list(_ROLE_DUTIES),
    ).select_related("person", "occupation")
    duties: dict[int, set[str]] = defaultdict(set)
    people: dict[int, Person] = {}
    for held in roles:
        duties[held.person_id] |= _ROLE_DUTIES[held.role]
        people[held.person_id] = held.person
    staff = [
        staffing.Staff(pid, people[pid].name, frozenset(duties[pid])) for pid in sorted(people)
    ]
    blocked = _blocked(slot, day, posts, post_seats, people)
    result = staffing.assign_staff(posts, staff, blocked, seed=seed)

    site_of = {f"room:{rid}": rooms[rid].site_id for rid in by_room} | {
        f"site:{sid}": sid for sid in sites
    }
    with transaction.atomic():
        locked = TimeSlot.objects.select_for_update().get(pk=slot.pk)
        StaffAssignment.objects.filter(slot=locked).delete()
        StaffAssignment.objects.bulk_create(
            StaffAssignment(
                slot=locked,
                site_id=site_of[p.post_id],
                room_id=int(p.post_id.split(":")[1]) if p.post_id.startswith("room:") else None,
                person_id=p.person_id,
                duty={
                    staffing.INVIGILATOR: Duty.INVIGILATOR,
                    staffing.EXAMINER: Duty.EXAMINER,
                    staffing.SUPERVISOR: Duty.SUPERVISOR,
                }[p.duty],
            )
            for p in result.placements
        )
        shortages = [
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
        run = StaffingRun.objects.create(
            slot=locked,
            seed=seed,
            assigned=len(result.placements),
            shortages=shortages,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
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
    return run


def _blocked(
    slot: TimeSlot,
    day: dt.date,
    posts: list[staffing.Post],
    post_seats: dict[str, list[Seat]],
    people: dict[int, Person],
) -> dict[tuple[int, str], list[str]]:
    """Every reason each person may not take each post."""
    blocked: dict[tuple[int, str], list[str]] = defaultdict(list)
    # Busy elsewhere at an overlapping time (another district's slot, or another slot).
    busy = (
        StaffAssignment.objects.filter(
            person_id__in=list(people),
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        )
        .exclude(slot=slot)
        .select_related("site", "room", "slot")
    )
    busy_reason = {
        b.person_id: f"同一时段已安排在{b.site.name}" + (f" 第{b.room.code}考场" if b.room else "")
        for b in busy
    }
    max_consecutive = personnel_policy_for(
        province_code=slot.sitting.province_id
    ).max_consecutive_sittings
    relation_digests: dict[int, dict[str, str]] = defaultdict(dict)
    for rel in RecusalRelation.objects.filter(person_id__in=list(people)).exclude(
        counterpart_id_number=""
    ):
        relation_digests[rel.person_id][pii_digest(rel.counterpart_id_number.upper())] = (
            rel.get_kind_display()
        )
    facts = {pid: assessor_facts(person=person) for pid, person in people.items()}
    orgs = {
        o.pk: o
        for o in EvaluationOrg.objects.filter(
            pk__in={
                s.application.plan.organization_id for seats in post_seats.values() for s in seats
            }
        )
    }
    verdicts: dict[tuple[int, recusal.Assignment], list[str]] = {}
    for post in posts:
        seats = post_seats[post.post_id]
        org_ids = sorted({s.application.plan.organization_id for s in seats})
        offerings = sorted({(s.application.occupation.code, s.application.level) for s in seats})
        digests = {
            s.application.candidate.id_number_digest: s.application.candidate.full_name
            for s in seats
        }
        for pid in people:
            reasons = blocked[(pid, post.post_id)]
            if pid in busy_reason:
                reasons.append(busy_reason[pid])
            checks = [
                recusal.Assignment(on=day, organization_id=oid, organization_name=orgs[oid].name)
                for oid in org_ids
            ]
            if post.duty == staffing.EXAMINER:
                checks += [
                    recusal.Assignment(on=day, occupation_code=code, level=level)
                    for code, level in offerings
                ]
            for check in checks:
                # Rooms of one organisation ask the same question of each person: answer once.
                key = (pid, check)
                if key not in verdicts:
                    verdict = recusal.may_assess(facts[pid], check, max_consecutive=max_consecutive)
                    verdicts[key] = [reason.message for reason in verdict.reasons]
                for message in verdicts[key]:
                    if message not in reasons:
                        reasons.append(message)
            for digest, kind in relation_digests.get(pid, {}).items():
                if digest in digests:
                    reasons.append(f"与考生{digests[digest]}存在{kind}关系，应回避")
    return {k: v for k, v in blocked.items() if v}
