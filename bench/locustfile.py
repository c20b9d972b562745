"""The mixed load for bench/load.py: the public pages a province's visitors use at once —
QR verification, certificate query, result query, the organisation directory, the home page
and the login page. Every response must be 200 (a 429 counts as an error: the visitors come
from many addresses, as behind the reverse proxy in production)."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

SAMPLES = json.loads(Path(os.environ["SKILLCERT_LOAD_SAMPLES"]).read_text(encoding="utf-8"))


def _visitor() -> dict[str, str]:
    ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    return {"X-Forwarded-For": ip}


class PublicVisitor(HttpUser):
    wait_time = between(0.05, 0.3)

    @task(10)
    def verify_by_qr(self) -> None:
        token = random.choice(SAMPLES["tokens"])
        self.client.get(f"/v/{token}", headers=_visitor(), name="/v/[token]")

    @task(4)
    def query_result(self) -> None:
        name, id_number, ticket = random.choice(SAMPLES["queries"])
        self.client.post(
            "/api/v1/scoring/query",
            json={"name": name, "id_number": id_number, "ticket_no": ticket},
            headers=_visitor(),
        )

    @task(2)
    def directory(self) -> None:
        self.client.get("/directory/", headers=_visitor())

    @task(1)
    def home(self) -> None:
        self.client.get("/", headers=_visitor())

    @task(1)
    def login_page(self) -> None:
        self.client.get("/accounts/login/", headers=_visitor())
