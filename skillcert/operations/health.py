"""`/healthz`: database and file storage, the job queue and the background worker."""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from skillcert.common.selectors import job_queue_state
from skillcert.operations.metrics import operator_request
from skillcert.operations.schedule import daily_jobs_state
from skillcert.operations.workers import WORKER_NOT_RUNNING, worker_is_running

logger = logging.getLogger(__name__)


# The storage check writes and removes a file: at most once per interval per process, so
# that a public health probe cannot make every request a write.
_storage_checked: dict[str, tuple[float, str]] = {}


def _storage_state() -> str:
    now = time.monotonic()
    where = f"{type(default_storage).__name__}:{getattr(default_storage, 'location', '')}"
    at, result = _storage_checked.get(where, (0.0, ""))
    if result and now - at < settings.SKILLCERT_HEALTH_STORAGE_EVERY:
        return result
    try:
        # Through default_storage, so an S3 bucket is checked the same way as a local disk:
        # a file written, read back and removed.
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}", ContentFile(b"ok"))
        try:
            with default_storage.open(name, "rb") as handle:
                if handle.read() != b"ok":
                    raise OSError("storage read back different bytes")
        finally:
            default_storage.delete(name)
        result = "ok"
    except Exception:  # OSError locally, botocore errors for S3: all mean "not healthy"
        logger.exception("healthz: storage check failed")
        result = "error"
    _storage_checked[where] = (now, result)
    return result


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and file storage must answer (503 otherwise). The public answer is the status
    alone; monitoring (this machine, or the monitoring token: `operator_request`) also gets
    each check, the job queue, whether a background worker runs and when each daily job
    (the personnel sweep) last ran."""
    checks: dict[str, object] = {"vendor": connection.vendor}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # any failure means "not healthy"; the detail goes to the log
        logger.exception("healthz: database check failed")
        checks["database"] = "error"
    checks["storage"] = _storage_state()
    if checks["database"] == "ok":
        checks["jobs"] = job_queue_state()
        # Reported, not fatal: a web node stays in service while the worker is restarted.
        checks["worker"] = "running" if worker_is_running() else "not_running"
        if checks["worker"] == "not_running":
            checks["worker_message"] = WORKER_NOT_RUNNING
        # When each daily job (the personnel sweep) last ran: null means never.
        checks["daily_jobs"] = daily_jobs_state()
    healthy = checks["database"] == "ok" and checks["storage"] == "ok"
    checks["status"] = "ok" if healthy else "error"
    body = checks if operator_request(request) else {"status": checks["status"]}
    return JsonResponse(body, status=200 if healthy else 503)
