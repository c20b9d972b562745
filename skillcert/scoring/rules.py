"""Marking and pass rules (pure). The numbers are data per standard or province, passed in.

* Subjective double marking: two blind marks; if they differ by more than the threshold a
  third marker marks, and the final is the mean of the two closest marks; if the third mark is
  still more than the threshold from both, the chief marker arbitrates.
* Practical: at least 3 examiners, an odd number; the final is their mean, or the mean after
  dropping one highest and one lowest mark (needs at least 5 marks to leave 3).
* Pass: every required part ≥ its pass mark (60 of 100 by default): theory and practical, and
  for levels 2 and 1 also the panel review — unless the part is exempt (an eligibility clause
  may waive the theory exam).
* Enterprise self-evaluation: four dimensions with weights; 品德 is a gate — failing it fails
  the evaluation whatever the rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from skillcert.common.errors import DomainError

MEAN, DROP_HIGH_LOW = "mean", "drop_high_low"
PARTS = ("theory", "practical", "panel")
PART_NAMES = {"theory": "理论知识", "practical": "操作技能", "panel": "综合评审"}


def round_score(value: float | Decimal) -> float:
    """Scores are kept to one decimal, rounded half up (as printed on score reports)."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean_score(marks: Sequence[float]) -> float:
    """The mean in decimal arithmetic: (0.95 + 0.95 + 0.95) / 3 must round like 0.95 does,
    which float addition (0.9499999…) would not."""
    total = sum((Decimal(str(m)) for m in marks), Decimal(0))
    return round_score(total / len(marks))


@dataclass(frozen=True)
class DoubleMarking:
    status: str  # "final", "needs_third", "needs_arbitration"
    final: float | None = None


def double_marking(marks: Sequence[float], *, threshold: float) -> DoubleMarking:
    if len(marks) < 2:
        raise DomainError("marking.too_few", "主观题需两位阅卷人分别评分")
    first, second = marks[0], marks[1]
    if abs(first - second) <= threshold:
        return DoubleMarking("final", mean_score([first, second]))
    if len(marks) == 2:
        return DoubleMarking("needs_third")
    third = marks[2]
    closest = min(((first, third), (second, third)), key=lambda pair: abs(pair[0] - pair[1]))
    if abs(closest[0] - closest[1]) <= threshold:
        return DoubleMarking("final", mean_score(closest))
    return DoubleMarking("needs_arbitration")


def practical_final(marks: Sequence[float], *, rule: str, max_score: float = 100.0) -> float:
    if len(marks) < 3 or len(marks) % 2 == 0:
        raise DomainError(
            "marking.examiner_count",
            f"操作技能考核需至少3名且为奇数的考评员评分，当前为{len(marks)}名",
        )
    if any(not 0 <= m <= max_score for m in marks):
        raise DomainError("marking.out_of_range", f"评分应在 0 到 {max_score:g} 之间")
    if rule == MEAN:
        return mean_score(marks)
    if rule == DROP_HIGH_LOW:
        if len(marks) < 5:
            raise DomainError(
                "marking.drop_needs_five", "“去掉最高分和最低分”规则需至少5名考评员评分"
            )
        kept = sorted(marks)[1:-1]
        return mean_score(kept)
    raise DomainError("marking.rule_unknown", f"未知的计分规则“{rule}”")


@dataclass(frozen=True)
class PassDecision:
    passed: bool
    failed_parts: tuple[str, ...]
    missing_parts: tuple[str, ...]


def required_parts(level: int | None, exempt: Sequence[str] = ()) -> tuple[str, ...]:
    parts = ["theory", "practical"] + (["panel"] if level in (1, 2) else [])
    return tuple(p for p in parts if p not in exempt)


def pass_decision(
    *,
    level: int | None,
    scores: Mapping[str, float | None],
    pass_marks: Mapping[str, float] | None = None,
    exempt: Sequence[str] = (),
) -> PassDecision:
    marks = dict.fromkeys(PARTS, 60.0) | dict(pass_marks or {})
    failed, missing = [], []
    for part in required_parts(level, exempt):
        value = scores.get(part)
        if value is None:
            missing.append(part)
        elif value < marks[part]:
            failed.append(part)
    return PassDecision(not failed and not missing, tuple(failed), tuple(missing))


DIMENSIONS = ("品德", "职业能力", "工作业绩", "社会贡献")


@dataclass(frozen=True)
class EnterpriseResult:
    passed: bool
    weighted: float
    reason: str


def enterprise_evaluation(
    *,
    scores: Mapping[str, float],
    weights: Mapping[str, float],
    pass_mark: float = 60.0,
    conduct_pass_mark: float = 60.0,
) -> EnterpriseResult:
    missing = [d for d in DIMENSIONS if d not in scores]
    if missing:
        raise DomainError("enterprise.dimension_missing", f"缺少评价维度：{'、'.join(missing)}")
    total_weight = sum(weights.get(d, 0.0) for d in DIMENSIONS)
    if abs(total_weight - 1.0) > 1e-6:
        raise DomainError(
            "enterprise.weights", f"四个维度的权重之和应为 1，当前为 {total_weight:g}"
        )
    weighted = round_score(sum(scores[d] * weights.get(d, 0.0) for d in DIMENSIONS))
    if scores["品德"] < conduct_pass_mark:
        return EnterpriseResult(False, weighted, "品德评价不合格，一票否决")
    if weighted < pass_mark:
        return EnterpriseResult(False, weighted, f"综合得分 {weighted} 低于 {pass_mark:g}")
    return EnterpriseResult(True, weighted, "")


def panel_composition(
    members: Sequence[int], *, previous: Sequence[int] = (), minimum: int = 3
) -> None:
    """A practical or review panel: at least `minimum` people, an odd number; against the
    organisation's previous panel at least half of the members are new (rotation)."""
    count = len(set(members))
    if count < minimum or count % 2 == 0:
        raise DomainError(
            "panel.size",
            f"评审组/考评组需至少{minimum}人且为奇数，当前为{count}人",
            field="members",
        )
    if previous:
        repeated = len(set(members) & set(previous))
        if repeated * 2 > count:
            raise DomainError(
                "panel.rotation",
                f"与上一批次评审组相比须至少一半成员轮换，当前{count}人中{repeated}人连任",
                field="members",
            )
