"""Two installations, two databases: installation A is the suite's database; installation B
(the provincial or national node) is a fresh, empty database with its own signing key, PII
key and installation name, driven through `manage.py exchange` in another process. B's
tables are built from the models, as the suite builds its own (migrating from zero costs
20-40 s; common/tests/test_migrations.py proves both give the same schema).

A issues certificates and exports a batch; B registers A as a peer, imports it and answers for
A's certificate numbers. A revokes one; the same batch is delivered again together with the
new one: B shows the revocation and the re-delivery changed nothing."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skillcert.certificates.keys import jwks
from skillcert.certificates.services import certificate_revoke
from skillcert.common.tests.test_migrations import ROOT, _fresh_database_url
from skillcert.exchange.selectors import installation_id, installation_province
from skillcert.exchange.services import batch_build
from skillcert.exchange.tests.conftest import TEST_ACTOR

# Runs the given `manage.py` calls in order against B (each call's exit code is kept: a refused
# import exits 2), then reports B's registry after each call.
AT_B = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from skillcert.exchange.selectors import registry_certificate_verify, registry_counts

class FromModels(dict):
    def __contains__(self, item): return True
    def __getitem__(self, item): return None

numbers = json.loads(sys.argv[2])
steps = []
for args in json.loads(sys.argv[1]):
    if args == ["build"]:
        settings.MIGRATION_MODULES = FromModels()
        call_command("migrate", run_syncdb=True, verbosity=0)
        continue
    try:
        call_command(*args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    found = {n: getattr(registry_certificate_verify(number=n), "status", None) for n in numbers}
    steps.append({"exit": code, "counts": registry_counts(), "status": found})
print("B:" + json.dumps(steps))
"""


def _at_b(env: dict[str, str], calls: list[list[str]], numbers: list[str]) -> tuple[list[Any], str]:
    done = subprocess.run(
        [sys.executable, "-c", AT_B, json.dumps(calls), json.dumps(numbers)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("B:"))
    return list(json.loads(line.removeprefix("B:"))), done.stderr


@pytest.mark.django_db
def test_two_installations_exchange_certificates_revocation_and_redelivery(
    issued: list[Any], tmp_path: Path
) -> None:
    url, drop = _fresh_database_url(tmp_path)
    b_key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "skillcert.config.settings",
        "SKILLCERT_SIGNING_KEYS": f"national-1:{b_key}",
        "SKILLCERT_INSTALLATION": "national-registry-test",
        "SKILLCERT_VAR_DIR": str(tmp_path / "var_b"),
    }
    keys = tmp_path / "a-keys.json"
    keys.write_text(json.dumps(jwks()))
    first = tmp_path / "batch-1.json"
    first.write_text(json.dumps(batch_build(after=0), ensure_ascii=False))
    numbers = [c.number for c in issued]
    try:
        steps, _ = _at_b(
            env,
            [
                ["build"],
                # A's keys as published in its keys.json
                [
                    "exchange",
                    "peer-add",
                    "--name",
                    "甲省平台",
                    "--installation",
                    installation_id(),
                    "--province",
                    installation_province(),
                    "--role",
                    "contributor",
                    "--keys",
                    str(keys),
                ],
                ["exchange", "import", str(first)],
                ["exchange", "import", str(first)],
            ],
            numbers,
        )
        imported, redelivered = steps[1:]
        for step in (imported, redelivered):
            assert step["exit"] == 0
            assert step["counts"] == {
                "organizations": 1,
                "results": 0,
                "certificates": 2,
                "revoked": 0,
            }
            assert step["status"] == dict.fromkeys(numbers, "valid")

        certificate_revoke(
            certificate=issued[0],
            reason="骗取证书",
            document_no="苏人社〔2026〕1号",
            actor=TEST_ACTOR,
        )
        second = tmp_path / "batch-2.json"
        second.write_text(
            json.dumps(batch_build(after=json.loads(first.read_text())["next"]), ensure_ascii=False)
        )
        # a tampered copy of the new batch: refused with the bad-input exit code, B unchanged
        tampered = json.loads(second.read_text())
        tampered["entries"][0]["record"]["status"] = "valid"
        forged = tmp_path / "forged.json"
        forged.write_text(json.dumps(tampered, ensure_ascii=False))
        steps, errors = _at_b(
            env,
            [
                ["exchange", "import", str(forged)],
                ["exchange", "import", str(first)],
                ["exchange", "import", str(second)],
                ["exchange", "import", str(forged)],
            ],
            numbers,
        )
        refused, old_again, revoked, forged_after = steps
        assert errors.count("exchange.signature_invalid") == 2
        assert refused["exit"] == 2 and old_again["exit"] == 0
        assert refused["counts"] == old_again["counts"] == imported["counts"]
        assert old_again["status"] == dict.fromkeys(numbers, "valid")
        assert revoked["exit"] == 0
        assert revoked["counts"] == {
            "organizations": 1,
            "results": 0,
            "certificates": 2,
            "revoked": 1,
        }
        assert revoked["status"] == {numbers[0]: "revoked", numbers[1]: "valid"}
        assert forged_after["exit"] == 2 and forged_after["status"] == revoked["status"]
    finally:
        drop()
