"""Pushing the feed to every peer with a receiving address, as a background job. Each run
makes at most one attempt per peer: a failed delivery waits out its backoff
(`services.PUSH_BACKOFF`) and is retried by a later run; a delivered one moves the peer's cursor,
so a killed run repeats nothing a peer acknowledged."""

from __future__ import annotations

from django_tasks import task

from skillcert.accounts.actors import TASK, Actor
from skillcert.exchange.selectors import peers_to_push
from skillcert.exchange.services import peer_push


def exchange_push_all(*, actor: Actor = TASK) -> dict[str, str]:
    """One push round; per peer: delivered, pending (will retry), failed, or idle."""
    outcome: dict[str, str] = {}
    for peer in peers_to_push():
        delivery = peer_push(peer=peer, actor=actor)
        outcome[peer.installation] = "idle" if delivery is None else delivery.status
    return outcome


@task()
def exchange_push_run() -> dict[str, str]:
    return exchange_push_all()
