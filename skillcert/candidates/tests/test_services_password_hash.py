"""A trusted process registering many accounts that share one password it hashed once (the
simulation's printed demo password) may hand in the hash; the public registration may not,
and a hash no configured hasher made is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from skillcert.accounts.actors import PUBLIC, SIMULATION, SystemActor
from skillcert.accounts.models import User
from skillcert.candidates.services import candidate_register
from skillcert.common.errors import DomainError, Forbidden
from skillcert.plans.tests.factories import make_id

PASSWORD = "Correct-Horse-2026"


def _register(seq: int, **kwargs: object) -> object:
    return candidate_register(
        username=f"user{seq}",
        full_name="张三",
        id_number=make_id(seq),
        phone="13912345678",
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.django_db
def test_a_trusted_process_registers_with_a_hash_the_holder_signs_in_with_the_password() -> None:
    shared = make_password(PASSWORD)
    for seq in (1, 2):
        _register(seq, password="", password_hash=shared, actor=SIMULATION)
    for user in User.objects.filter(username__in=["user1", "user2"]):
        assert user.password == shared and user.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_public_may_not_hand_in_a_hash_and_a_foreign_hash_is_refused() -> None:
    shared = make_password(PASSWORD)
    for actor in (PUBLIC, SystemActor("form", trusted=False)):
        with pytest.raises(Forbidden) as err:
            _register(1, password="", password_hash=shared, actor=actor)
        assert err.value.code == "user.password_hash_forbidden"
    with pytest.raises(Forbidden) as public:
        _register(1, password="", password_hash=shared)  # registration acts as the public
    assert public.value.code == "user.password_hash_forbidden"
    for bad in ("plain-text-password", "!unusable"):
        with pytest.raises(DomainError) as invalid:
            _register(1, password="", password_hash=bad, actor=SIMULATION)
        assert invalid.value.code == "user.password_hash_invalid"
    assert not User.objects.filter(username="user1").exists()
