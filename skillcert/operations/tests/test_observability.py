import json
import logging
from typing import Any

from django.test import Client, RequestFactory

from skillcert.common.throttle import throttle


def test_metrics_expose_latency_and_job_queue_to_loopback(db):
    client = Client()
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "skillcert_request_seconds_bucket" in body
    assert 'route="healthz"' in body
    assert "skillcert_jobs_ready 0.0" in body
    assert "skillcert_jobs_failed" in body


def test_metrics_refused_from_other_addresses_without_token(db, settings):
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.SKILLCERT_METRICS_TOKEN = "scrape-secret"
    ok = Client().get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret"
    )
    assert ok.status_code == 200


def test_healthz_checks_database_storage_and_jobs(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    body = Client().get("/healthz").json()
    assert body["database"] == "ok"
    assert body["storage"] == "ok"
    assert body["jobs"]["ready"] == 0


def test_healthz_fails_when_storage_is_not_writable(db, tmp_path, settings):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"  # a path under a regular file cannot be created
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


def test_throttle_answers_429_in_chinese_after_the_limit(db):
    """Counters live in the shared rate-limit cache (a database table without Redis), so
    every worker process and host counts the same visitor together."""
    from django.http import HttpResponse

    @throttle(group="test-public", rate="3/m")
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    codes = [
        view(factory.get("/verify/", REMOTE_ADDR="198.51.100.7")).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    other_client = view(factory.get("/verify/", REMOTE_ADDR="198.51.100.8"))
    assert other_client.status_code == 200
    api = view(factory.get("/api/v1/x", REMOTE_ADDR="198.51.100.7"))
    assert json.loads(api.content)["code"] == "throttled"


def test_json_log_lines_carry_the_request_id(caplog):
    from pythonjsonlogger.json import JsonFormatter

    from skillcert.common.middleware import RequestIdLogFilter, request_id_var

    token = request_id_var.set("req-42")
    try:
        record = logging.LogRecord(
            "skillcert", logging.WARNING, __file__, 1, "审核完成", None, None
        )
        RequestIdLogFilter().filter(record)
        line = JsonFormatter(
            "%(levelname)s %(request_id)s %(message)s", json_ensure_ascii=False
        ).format(record)
    finally:
        request_id_var.reset(token)
    assert json.loads(line) == {
        "levelname": "WARNING",
        "request_id": "req-42",
        "message": "审核完成",
    }


def test_nul_bytes_are_refused_before_they_reach_a_service(db):
    client = Client()
    for response in (
        client.get("/certificates/verify/?number=a%00b&name=x&id_number=y"),
        client.post(
            "/api/v1/certificates/query",
            '{"number": "a\\u0000", "name": "x", "id_number": "y"}',
            content_type="application/json",
        ),
    ):
        assert response.status_code == 400
        assert response.json()["code"] == "input.nul_byte"
    assert client.get("/certificates/verify/?number=ab&name=x&id_number=y").status_code == 200


def test_public_healthz_says_only_the_status(db):
    body = Client().get("/healthz", REMOTE_ADDR="203.0.113.9").json()
    assert body == {"status": "ok"}


def test_a_request_through_an_untrusted_local_proxy_is_a_visitor(db, settings):
    """A reverse proxy on this machine connects from 127.0.0.1: its visitors are not local."""
    settings.TRUSTED_PROXIES = frozenset()
    forwarded: dict[str, Any] = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert Client().get("/metrics", **forwarded).status_code == 403
    assert Client().get("/healthz", **forwarded).json() == {"status": "ok"}


def test_a_trusted_proxy_forwarding_a_visitor_is_refused_and_a_wrong_token_too(db, settings):
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    settings.SKILLCERT_METRICS_TOKEN = "scrape-secret"
    forwarded: dict[str, Any] = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert Client().get("/metrics", **forwarded).status_code == 403
    wrong = Client().get("/metrics", **forwarded, HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403


def test_the_storage_check_writes_at_most_once_per_interval(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.SKILLCERT_HEALTH_STORAGE_EVERY = 30.0
    from unittest import mock

    from django.core.files.storage import default_storage

    with mock.patch.object(default_storage, "save", wraps=default_storage.save) as save:
        for _ in range(5):
            assert Client().get("/healthz").status_code == 200
    assert save.call_count <= 1


def test_rate_limit_counters_are_shared_between_processes(db, settings):
    """Without Redis the counters are rows in the database, which every process sees."""
    from django.core.cache import caches
    from django.db import connection

    assert settings.RATELIMIT_USE_CACHE == "ratelimit"
    shared = caches["ratelimit"]
    shared.set("probe", 1)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(settings.RATE_LIMIT_CACHE_TABLE)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - a setting, not input
        assert cursor.fetchone()[0] >= 1
