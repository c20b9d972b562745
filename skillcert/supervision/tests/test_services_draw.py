from decimal import Decimal

import pytest

from skillcert.common.errors import DomainError
from skillcert.personnel.models import RecusalRelation
from skillcert.regions.models import Region
from skillcert.supervision.models import DrawKind, SupervisionDraw, Visit
from skillcert.supervision.services import draw_replay, supervision_draw


def _nanjing():
    return Region.objects.get(code="320100")


def test_process_draw_records_pool_rate_seed_and_replays(world):
    draw = supervision_draw(
        kind=DrawKind.PROCESS,
        region=_nanjing(),
        rate=Decimal("0.4"),
        seed="2026-05-q2",
        actor=world.personas.city_nanjing,
    )
    assert draw.pool == sorted(p.pk for p in world.employer_plans)  # employers only
    assert len(draw.picked) == 2
    assert draw.seed == "2026-05-q2" and draw.rate == Decimal("0.4")
    picked, assigned = draw_replay(draw=draw)
    assert picked == draw.picked
    assert {str(k): v for k, v in assigned.items()} == draw.assignments
    visits = Visit.objects.filter(draw=draw)
    assert sorted(v.plan_id for v in visits) == draw.picked
    assert all(v.checklist and v.supervisor_id in {p.pk for p in world.supervisors} for v in visits)
    # two supervisors for two plans: the load spreads
    assert len({v.supervisor_id for v in visits}) == 2


def test_onsite_draw_covers_every_social_plan_and_refuses_a_partial_rate(world):
    with pytest.raises(DomainError) as exc:
        supervision_draw(
            kind=DrawKind.ONSITE,
            region=_nanjing(),
            rate=Decimal("0.5"),
            actor=world.personas.province,
        )
    assert exc.value.code == "supervision.onsite_rate"
    assert not SupervisionDraw.objects.exists()
    draw = supervision_draw(kind=DrawKind.ONSITE, region=_nanjing(), actor=world.personas.province)
    assert draw.picked == [world.social_plan.pk] and draw.rate == 1


def test_recusal_excludes_supervisors_related_to_the_organisation(world):
    first, second, third = world.supervisors
    RecusalRelation.objects.create(person=first, kind="relative", organization=world.personas.org_a)
    third.employer = world.personas.org_a
    third.save()
    draw = supervision_draw(kind=DrawKind.ONSITE, region=_nanjing(), actor=world.personas.province)
    assert draw.assignments == {str(world.social_plan.pk): second.pk}
    reasons = draw.exclusions[str(world.social_plan.pk)]
    assert set(reasons) == {str(first.pk), str(third.pk)}
    assert "回避" in reasons[str(first.pk)]


def test_draw_refused_when_everyone_must_recuse(world):
    for person in world.supervisors:
        RecusalRelation.objects.create(
            person=person, kind="colleague", organization=world.personas.org_a
        )
    with pytest.raises(DomainError) as exc:
        supervision_draw(kind=DrawKind.ONSITE, region=_nanjing(), actor=world.personas.province)
    assert exc.value.code == "supervision.no_inspector"
    assert not SupervisionDraw.objects.exists() and not Visit.objects.exists()


def test_plans_already_supervised_leave_the_pool(world):
    supervision_draw(kind=DrawKind.ONSITE, region=_nanjing(), actor=world.personas.province)
    with pytest.raises(DomainError) as exc:
        supervision_draw(kind=DrawKind.ONSITE, region=_nanjing(), actor=world.personas.province)
    assert exc.value.code == "supervision.pool_empty"
    assert SupervisionDraw.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "weekly"}, "supervision.kind_invalid"),
        ({"kind": DrawKind.PROCESS, "rate": Decimal("1.5")}, "supervision.rate_invalid"),
        ({"kind": DrawKind.PROCESS, "rate": Decimal(0)}, "supervision.rate_invalid"),
        ({"kind": DrawKind.PROCESS, "seed": "x" * 65}, "supervision.seed_invalid"),
    ],
)
def test_bad_draw_input_is_refused_and_nothing_is_stored(world, kwargs, code):
    with pytest.raises(DomainError) as exc:
        supervision_draw(region=_nanjing(), actor=world.personas.province, **kwargs)
    assert exc.value.code == code
    assert not SupervisionDraw.objects.exists()


def test_city_officer_may_not_draw_in_another_city(world):
    with pytest.raises(DomainError) as exc:
        supervision_draw(kind=DrawKind.PROCESS, region=_nanjing(), actor=world.personas.city_suzhou)
    assert exc.value.code == "supervision.forbidden"
    assert not SupervisionDraw.objects.exists()
