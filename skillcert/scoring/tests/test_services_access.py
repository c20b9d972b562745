"""Who may act in scoring: a person by their scope and duty, a trusted process explicitly as a
`SystemActor`; an untrusted process, or anything that is not an actor, is refused."""

from __future__ import annotations

from typing import Any, cast

import pytest

from skillcert.accounts.actors import PUBLIC, SystemActor
from skillcert.common.errors import Forbidden
from skillcert.scoring.models import ResultBatch
from skillcert.scoring.services import batch_open, batch_reopen


@pytest.mark.parametrize(
    "actor", [PUBLIC, "system:demo", None], ids=["untrusted-process", "legacy-string", "none"]
)
def test_refuses_actors_that_are_neither_a_person_nor_a_trusted_process(
    world: Any, actor: object
) -> None:
    with pytest.raises(Forbidden) as err:
        batch_open(plan=world.plan, actor=cast(Any, actor))
    assert err.value.code == "scoring.forbidden"


def test_a_trusted_process_acts_with_platform_rights(world: Any) -> None:
    batch = batch_open(plan=world.plan, actor=SystemActor("test"))
    assert ResultBatch.objects.filter(pk=batch.pk).exists()
    with pytest.raises(Forbidden) as err:
        batch_reopen(batch=batch, reason="更正", actor=world.personas.clerk_a)
    assert err.value.code == "scoring.forbidden"
