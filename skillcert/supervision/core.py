"""The pure parts of supervision: the 双随机 draw (random object, random inspector), checklist
answers and the rating floor. Plain data in, plain data out; no ORM, so draws can be
replayed from what the database recorded and property-tested."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal

from skillcert.common.errors import DomainError

CHECK_RESULTS = {"yes": "符合", "no": "不符合", "na": "不适用"}
RATING_ORDER = ("excellent", "pass", "basic", "fail")  # best first
RATING_LABELS = {"excellent": "优秀", "pass": "合格", "basic": "基本合格", "fail": "不合格"}


def sample_size(pool_size: int, rate: Decimal) -> int:
    """How many of `pool_size` a draw at `rate` takes: rounded up, so any non-empty pool
    with a positive rate yields at least one."""
    if not (Decimal(0) < rate <= Decimal(1)):
        raise DomainError("supervision.rate_invalid", "抽取比例应大于0且不超过1", field="rate")
    return min(pool_size, math.ceil(Decimal(pool_size) * rate))


def draw_objects(pool: Sequence[int], rate: Decimal, seed: str) -> list[int]:
    """The drawn ids, sorted. Depends only on the set of ids, the rate and the seed."""
    ordered = sorted(set(pool))
    n = sample_size(len(ordered), rate)
    rng = random.Random(f"{seed}:objects")  # noqa: S311 - reproducible draw, not a secret
    return sorted(rng.sample(ordered, n))


def draw_inspectors(eligible: Mapping[int, Sequence[int]], seed: str) -> dict[int, int | None]:
    """One inspector per target from its eligible ids (recusal already applied). Targets are
    served in id order; each takes, among its eligible inspectors, those with the fewest
    assignments so far and picks one at random, so the load spreads over the pool.
    A target without eligible inspectors maps to None."""
    rng = random.Random(f"{seed}:inspectors")  # noqa: S311 - reproducible draw
    load: dict[int, int] = {}
    result: dict[int, int | None] = {}
    for target in sorted(eligible):
        people = sorted(set(eligible[target]))
        if not people:
            result[target] = None
            continue
        least = min(load.get(p, 0) for p in people)
        choice = rng.choice([p for p in people if load.get(p, 0) == least])
        load[choice] = load.get(choice, 0) + 1
        result[target] = choice
    return result


def checklist_apply(
    checklist: Sequence[Mapping[str, str]], answers: Mapping[str, tuple[str, str]]
) -> list[dict[str, str]]:
    """The checklist with `answers` ({code: (result, note)}) filled in. Unknown codes and
    results are refused; items not answered keep their previous answer."""
    codes = {item["code"] for item in checklist}
    for code, (result, _note) in answers.items():
        if code not in codes:
            raise DomainError(
                "supervision.checklist_unknown_item", f"检查项“{code}”不在本次检查表中", field=code
            )
        if result not in CHECK_RESULTS:
            raise DomainError(
                "supervision.checklist_result_invalid",
                f"检查项“{code}”的结论应为符合、不符合或不适用",
                field=code,
            )
    out = []
    for item in checklist:
        row = dict(item)
        if item["code"] in answers:
            result, note = answers[item["code"]]
            row["result"], row["note"] = result, note.strip()[:500]
        out.append(row)
    return out


def checklist_missing(checklist: Sequence[Mapping[str, str]]) -> list[str]:
    return [item["title"] for item in checklist if item.get("result") not in CHECK_RESULTS]


def rating_floor(checklist: Sequence[Mapping[str, str]], severities: Sequence[str]) -> str:
    """The best rating the evidence allows: a serious finding means 不合格; a major finding or
    more than a fifth of the applicable items failed caps it at 基本合格; any failed item or
    finding caps it at 合格."""
    applicable = [i for i in checklist if i.get("result") in ("yes", "no")]
    failed = sum(1 for i in applicable if i.get("result") == "no")
    if "serious" in severities:
        return "fail"
    if "major" in severities or (applicable and failed * 5 > len(applicable)):
        return "basic"
    if failed or severities:
        return "pass"
    return "excellent"


def rating_allowed(rating: str, floor: str) -> bool:
    """A rating may be as good as the floor or worse, never better."""
    return RATING_ORDER.index(rating) >= RATING_ORDER.index(floor)
