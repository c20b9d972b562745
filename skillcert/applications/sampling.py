"""Reproducible sampling for 复审 and 终审. Pure: the same seed, rate and population (in any
order) always give the same sample, so anyone holding the stored seed and ids can re-run
the draw and check it."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from decimal import Decimal


def sample_size(population: int, rate: Decimal) -> int:
    """ceil(rate × n): a non-zero rate never samples nobody from a non-empty population."""
    if population <= 0 or rate <= 0:
        return 0
    if rate >= 1:
        return population
    return min(population, math.ceil(Decimal(population) * rate))


def draw_sample(population: Iterable[int], *, rate: Decimal, seed: int) -> list[int]:
    """The sampled ids, ascending."""
    ids = sorted(set(population))
    k = sample_size(len(ids), rate)
    # random.Random with an int seed is stable across Python versions and platforms; this is
    # an audit sample, not a secret, so a CSPRNG is not wanted here.
    chooser = random.Random(seed)  # noqa: S311
    return sorted(chooser.sample(ids, k))
