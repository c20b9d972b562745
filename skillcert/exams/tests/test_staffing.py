from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from skillcert.exams.staffing import (
    EXAMINER,
    INVIGILATOR,
    SUPERVISOR,
    Post,
    Staff,
    StaffRule,
    assign_staff,
    required_staff,
)

RULE = StaffRule(15, 2, 5, 3, True, 1)


def test_required_staff_follows_the_ratios():
    assert required_staff(RULE, duty=INVIGILATOR, candidates=10) == 2
    assert required_staff(RULE, duty=INVIGILATOR, candidates=30) == 2
    assert required_staff(RULE, duty=INVIGILATOR, candidates=31) == 3
    assert required_staff(RULE, duty=EXAMINER, candidates=10) == 3
    assert required_staff(RULE, duty=EXAMINER, candidates=16) == 5  # 4 rounded up to odd
    assert required_staff(RULE, duty=EXAMINER, candidates=25) == 5
    assert required_staff(RULE, duty=SUPERVISOR, candidates=0) == 1
    assert required_staff(RULE, duty=INVIGILATOR, candidates=0) == 0


@given(
    n=st.integers(1, 500),
    per=st.integers(1, 40),
    minimum=st.integers(1, 6),
    odd=st.booleans(),
)
def test_required_staff_properties(n, per, minimum, odd):
    rule = StaffRule(per, minimum, per, minimum, odd, 1)
    inv = required_staff(rule, duty=INVIGILATOR, candidates=n)
    assert inv >= minimum and inv * per >= n and (inv == minimum or (inv - 1) * per < n)
    ex = required_staff(rule, duty=EXAMINER, candidates=n)
    assert ex >= minimum and ex * per >= n
    if odd:
        assert ex % 2 == 1


def test_shortage_names_the_post_and_who_was_excluded_why():
    posts = [Post("r1", "第一考点 第001考场", INVIGILATOR, 2)]
    staff = [
        Staff(1, "张三", frozenset({INVIGILATOR})),
        Staff(2, "李四", frozenset({INVIGILATOR})),
        Staff(3, "王五", frozenset({SUPERVISOR})),
    ]
    result = assign_staff(posts, staff, {(2, "r1"): ["与考生存在师生关系，应回避"]}, seed=1)
    assert [p.person_id for p in result.placements] == [1]
    (shortage,) = result.shortages
    assert shortage.needed == 2 and shortage.assigned == 1
    assert [(e.name, e.reason) for e in shortage.excluded] == [
        ("李四", "与考生存在师生关系，应回避")
    ]
    assert "第001考场需监考员2人，仅安排1人" in shortage.explanation()


def test_a_person_is_never_in_two_posts_and_the_shortage_says_where_they_are():
    posts = [Post("r1", "A考场", INVIGILATOR, 1), Post("r2", "B考场", INVIGILATOR, 1)]
    staff = [Staff(1, "张三", frozenset({INVIGILATOR}))]
    result = assign_staff(posts, staff, {}, seed=3)
    assert len(result.placements) == 1
    (shortage,) = result.shortages
    assert "本时段已安排在" in shortage.excluded[0].reason


def test_same_seed_same_assignment():
    posts = [Post(f"r{i}", f"考场{i}", INVIGILATOR, 2) for i in range(5)]
    staff = [Staff(i, f"人{i}", frozenset({INVIGILATOR})) for i in range(20)]
    assert assign_staff(posts, staff, {}, seed=9) == assign_staff(posts, staff, {}, seed=9)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    n_posts=st.integers(1, 8),
    n_staff=st.integers(0, 25),
    seed=st.integers(0, 2**32),
)
def test_assignment_properties(data, n_posts, n_staff, seed):
    duties = (INVIGILATOR, EXAMINER, SUPERVISOR)
    posts = [
        Post(f"p{i}", f"岗位{i}", data.draw(st.sampled_from(duties)), data.draw(st.integers(0, 4)))
        for i in range(n_posts)
    ]
    staff = [
        Staff(i, f"人{i}", frozenset(data.draw(st.sets(st.sampled_from(duties), max_size=3))))
        for i in range(n_staff)
    ]
    blocked = {
        (s.person_id, p.post_id): ["回避"] for s in staff for p in posts if data.draw(st.booleans())
    }
    result = assign_staff(posts, staff, blocked, seed=seed)
    people = [p.person_id for p in result.placements]
    assert len(people) == len(set(people))  # nobody in two posts
    per_post = Counter(p.post_id for p in result.placements)
    short = {s.post_id: s for s in result.shortages}
    by_id = {s.person_id: s for s in staff}
    for post in posts:
        assert per_post[post.post_id] <= post.needed
        if post.post_id not in short:
            assert per_post[post.post_id] == post.needed
        else:
            assert short[post.post_id].assigned == per_post[post.post_id] < post.needed
    for placement in result.placements:
        assert not blocked.get((placement.person_id, placement.post_id))
        assert placement.duty in by_id[placement.person_id].duties
    # A shortage is real: every qualified person left out is blocked or placed elsewhere.
    for shortage in result.shortages:
        placed_here = {p.person_id for p in result.placements if p.post_id == shortage.post_id}
        for s in staff:
            if shortage.duty in s.duties and s.person_id not in placed_here:
                assert blocked.get((s.person_id, shortage.post_id)) or s.person_id in people
