"""Exports of examiners' ID and phone numbers are limited to staff and each one is audited."""

from __future__ import annotations

from django.test import Client

from skillcert.audit.models import AuditEvent


def test_staff_export_is_audited_with_the_row_count(personas):
    response = personas.client_for(personas.province).get("/personnel/?export=xlsx")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="personnel.export")
    assert event.actor == personas.province
    assert event.changes["count"] == [None, 0]


def test_candidate_and_anonymous_cannot_export_and_nothing_is_audited(personas):
    assert personas.client_for(personas.candidate).get("/personnel/?export=xlsx").status_code == 404
    assert Client().get("/personnel/?export=xlsx").status_code == 302
    assert not AuditEvent.objects.filter(action="personnel.export").exists()
