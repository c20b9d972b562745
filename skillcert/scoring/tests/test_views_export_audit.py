"""Exports of candidates' names with their scores are limited to staff and audited."""

from __future__ import annotations

from typing import Any

from skillcert.audit.models import AuditEvent


def test_batch_export_is_audited_with_the_row_count(world: Any) -> None:
    client = world.personas.client_for(world.personas.clerk_a)
    response = client.get(f"/scoring/batches/{world.batch.pk}/?export=xlsx")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="result.export")
    assert event.actor == world.personas.clerk_a
    assert event.changes["count"] == [None, len(world.applications)]


def test_other_organisation_gets_404_and_nothing_is_audited(world: Any) -> None:
    client = world.personas.client_for(world.personas.clerk_b)
    response = client.get(f"/scoring/batches/{world.batch.pk}/?export=xlsx")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="result.export").exists()
