"""Staff assignment for one time slot (pure: plain data, no ORM).

How many: a theory room needs max(⌈n / invigilator_per⌉, min_invigilators_theory)
invigilators; a practical (or panel) room needs max(⌈n / examiner_per⌉,
min_examiners_practical) examiners, rounded up to an odd number when the province says so; a
site needs `supervisors_per_site` quality supervisors (逢考必督). The numbers are the
province's data (LogisticsPolicy), passed in as a StaffRule.

Who: the service works out, for every person and post, why the person may not take it
(role or card, recusal, rotation, busy in an overlapping slot) and passes those reasons in.
The core never places a person in two posts; it fills the most constrained posts first, picks
among the eligible in a seeded order (reproducible), and for every post it cannot fill says
which rule excluded whom.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

INVIGILATOR = "invigilator"
EXAMINER = "examiner"
SUPERVISOR = "supervisor"
DUTY_NAMES = {INVIGILATOR: "监考员", EXAMINER: "考评员", SUPERVISOR: "质量督导员"}


@dataclass(frozen=True)
class StaffRule:
    invigilator_per: int
    min_invigilators_theory: int
    examiner_per: int
    min_examiners_practical: int
    examiners_odd: bool
    supervisors_per_site: int


def required_staff(rule: StaffRule, *, duty: str, candidates: int) -> int:
    if duty == SUPERVISOR:
        return rule.supervisors_per_site
    if candidates <= 0:
        return 0
    if duty == INVIGILATOR:
        return max(math.ceil(candidates / rule.invigilator_per), rule.min_invigilators_theory)
    needed = max(math.ceil(candidates / rule.examiner_per), rule.min_examiners_practical)
    if rule.examiners_odd and needed % 2 == 0:
        needed += 1
    return needed


@dataclass(frozen=True)
class Post:
    post_id: str
    label: str  # "南京市第一考点 第001考场"
    duty: str
    needed: int


@dataclass(frozen=True)
class Staff:
    person_id: int
    name: str
    duties: frozenset[str]  # what the person's valid roles allow at all


@dataclass(frozen=True)
class Placement:
    post_id: str
    person_id: int
    duty: str


@dataclass(frozen=True)
class Exclusion:
    person_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class Shortage:
    post_id: str
    label: str
    duty: str
    needed: int
    assigned: int
    excluded: tuple[Exclusion, ...]

    def explanation(self) -> str:
        head = (
            f"{self.label}需{DUTY_NAMES.get(self.duty, self.duty)}{self.needed}人，"
            f"仅安排{self.assigned}人"
        )
        if not self.excluded:
            return head + "：没有其他具备资格的人员"
        reasons = "；".join(f"{e.name}：{e.reason}" for e in self.excluded)
        return f"{head}。未能安排：{reasons}"


@dataclass(frozen=True)
class StaffingResult:
    placements: tuple[Placement, ...]
    shortages: tuple[Shortage, ...]


def _exclusions(
    post: Post,
    by_id: Mapping[int, Staff],
    chosen: Sequence[int],
    used: Mapping[int, str],
    labels: Mapping[str, str],
    blocked: Mapping[tuple[int, str], Sequence[str]],
) -> list[Exclusion]:
    """Why each person of the post's trade did not get it (for a short post)."""
    excluded: list[Exclusion] = []
    for pid in sorted(by_id):
        person = by_id[pid]
        if pid in chosen:
            continue
        if post.duty not in person.duties:
            continue  # not of this trade at all: not worth listing
        reasons = list(blocked.get((pid, post.post_id), ()))
        if pid in used:
            reasons.append(f"本时段已安排在{labels[used[pid]]}")
        if reasons:
            excluded.append(Exclusion(pid, person.name, "；".join(reasons)))
    return excluded


def assign_staff(
    posts: Sequence[Post],
    staff: Sequence[Staff],
    blocked: Mapping[tuple[int, str], Sequence[str]],
    *,
    seed: int,
) -> StaffingResult:
    """`blocked[(person_id, post_id)]` lists why the person may not take the post (empty or
    absent: they may). A person takes at most one post."""
    by_id = {s.person_id: s for s in staff}
    if len(by_id) != len(staff):
        raise ValueError("duplicate person in staff")
    order = sorted(by_id)
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible draw, not a secret
    rank = {pid: i for i, pid in enumerate(order)}

    def eligible(post: Post) -> list[int]:
        return [
            pid
            for pid in order
            if post.duty in by_id[pid].duties and not blocked.get((pid, post.post_id))
        ]

    # Most constrained first: fewest eligible people per needed seat, then by id for ties.
    queue = sorted(
        (p for p in posts if p.needed > 0),
        key=lambda p: (len(eligible(p)) - p.needed, p.post_id),
    )
    used: dict[int, str] = {}
    labels = {p.post_id: p.label for p in posts}
    placements: list[Placement] = []
    shortages: list[Shortage] = []
    for post in queue:
        chosen: list[int] = []
        for pid in sorted(eligible(post), key=lambda pid: rank[pid]):
            if len(chosen) == post.needed:
                break
            if pid in used:
                continue
            chosen.append(pid)
            used[pid] = post.post_id
        placements.extend(Placement(post.post_id, pid, post.duty) for pid in chosen)
        if len(chosen) < post.needed:
            excluded = _exclusions(post, by_id, chosen, used, labels, blocked)
            shortages.append(
                Shortage(
                    post.post_id, post.label, post.duty, post.needed, len(chosen), tuple(excluded)
                )
            )
    return StaffingResult(tuple(placements), tuple(shortages))
