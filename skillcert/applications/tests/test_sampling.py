from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from skillcert.applications.sampling import draw_sample, sample_size

ids = st.lists(st.integers(min_value=1, max_value=10**6), max_size=300)
rates = st.decimals(min_value=0, max_value=1, places=3)
seeds = st.integers(min_value=0, max_value=2**62)


@given(ids, rates, seeds)
def test_sample_is_a_sorted_subset_of_the_right_size(population, rate, seed):
    sample = draw_sample(population, rate=rate, seed=seed)
    assert set(sample) <= set(population)
    assert sample == sorted(set(sample))
    assert len(sample) == sample_size(len(set(population)), rate)


@given(ids, rates, seeds, st.randoms())
def test_same_seed_same_sample_whatever_the_input_order(population, rate, seed, rnd):
    shuffled = list(population)
    rnd.shuffle(shuffled)
    assert draw_sample(population, rate=rate, seed=seed) == draw_sample(
        shuffled, rate=rate, seed=seed
    )


def test_edges():
    assert draw_sample([], rate=Decimal("0.5"), seed=1) == []
    assert draw_sample([3, 1, 2], rate=Decimal("1"), seed=1) == [1, 2, 3]
    assert draw_sample([3, 1, 2], rate=Decimal("0"), seed=1) == []
    assert sample_size(10, Decimal("0.01")) == 1  # a non-zero rate samples somebody
    assert draw_sample(range(100), rate=Decimal("0.1"), seed=1) != draw_sample(
        range(100), rate=Decimal("0.1"), seed=2
    )
