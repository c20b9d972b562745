"""Reads shared by the operational pages: the background job queue."""

from __future__ import annotations

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def job_queue_state() -> dict[str, int]:
    """Waiting, running and failed background jobs, and how long the oldest has waited."""
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "ready": ready.count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
        "oldest_ready_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }
