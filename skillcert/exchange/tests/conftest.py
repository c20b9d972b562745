from __future__ import annotations

from typing import Any

import pytest

from skillcert.accounts.actors import SystemActor
from skillcert.accounts.services import api_token_create, user_create
from skillcert.certificates.keys import jwks
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.exchange.choices import PeerRole
from skillcert.exchange.selectors import installation_id, installation_province
from skillcert.exchange.services import peer_register
from skillcert.plans.tests.factories import file_org, make_candidate

TEST_ACTOR = SystemActor("test")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(personas: Any, hr: Any) -> list[Any]:
    """Two certificates org_a issued (candidates 1 and 2)."""
    file_org(personas.org_a, [hr], (3,))
    return [
        certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(n), hr, "", 3),
            actor=TEST_ACTOR,
        )
        for n in (1, 2)
    ]


@pytest.fixture
def self_peer(personas: Any) -> Any:
    """This installation registered as its own peer, with an account and a token: its
    batches verify against its own published keys (one database, both roles)."""
    account = user_create(
        username="peer_self", password="Peer-pass-1234!", full_name="对端", actor=TEST_ACTOR
    )
    peer = peer_register(
        name="本省平台",
        installation=installation_id(),
        province=installation_province(),
        role=PeerRole.PROVINCIAL,
        public_keys=jwks(),
        account=account,
        actor=personas.province,
    )
    peer.api_token = api_token_create(  # type: ignore[attr-defined]
        user=account, name="exchange", actor=TEST_ACTOR, second_factor_verified=True
    )
    return peer
