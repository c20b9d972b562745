"""Publication per district, on the page and through the API, on a batch submitted on a day
inside the covered calendar (`covered_clock`: the re-check window that publication opens is
counted in working days). Kept apart from the other scoring pages so that their modules build
the scoring scenario once (a module that moves the clock builds it per test)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from skillcert.scoring.models import Result, ResultStatus
from skillcert.scoring.tests.flows import submitted_batch

BASE = "/api/v1/scoring"


def _post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json")


@pytest.mark.usefixtures("covered_clock")
def test_publish_one_district_then_the_rest(world: Any) -> None:
    submitted_batch(world)
    Result.objects.filter(batch=world.batch).update(district="南京考区")
    Result.objects.filter(pk=world.result(3).pk).update(district="延期考区")
    clerk = world.personas.client_for(world.personas.clerk_a)
    page = clerk.get(reverse("scoring:batch", args=[world.batch.pk]))
    assert page.context["can_publish"] and page.context["districts"] == ["南京考区", "延期考区"]
    url = reverse("scoring:batch_publish", args=[world.batch.pk])
    done = clerk.post(url, {"district": "南京考区"}, follow=True).content.decode()
    assert "已发布南京考区的成绩" in done
    assert world.result(3).status == ResultStatus.SUBMITTED
    assert world.result(0).status == ResultStatus.PUBLISHED
    clerk.post(url, {"district": ""})
    assert world.result(3).status == ResultStatus.PUBLISHED
    again = clerk.post(url, {"district": ""}, follow=True).content.decode()
    assert "不能发布" in again or "没有待发布的成绩" in again
    assert world.batch.publications.count() == 2
    outsider = world.personas.client_for(world.personas.clerk_b).post(url, {"district": ""})
    assert outsider.status_code == 404


@pytest.mark.usefixtures("covered_clock")
def test_publish_by_district_and_the_domain_error_when_nothing_is_left(world: Any) -> None:
    submitted_batch(world)
    Result.objects.filter(pk=world.result(3).pk).update(district="延期考区")
    clerk = world.personas.client_for(world.personas.clerk_a)
    first = _post(clerk, f"/batches/{world.batch.pk}/publish", {"district": "延期考区"})
    assert first.status_code == 200 and first.json()["count"] == 1
    rest = _post(clerk, f"/batches/{world.batch.pk}/publish")
    assert rest.status_code == 200 and rest.json()["count"] == 4
    again = _post(clerk, f"/batches/{world.batch.pk}/publish")
    assert again.status_code == 400 and again.json()["code"] == "scoring.nothing_to_publish"
    detail = clerk.get(f"{BASE}/batches/{world.batch.pk}").json()
    assert detail["status"] == "published" and len(detail["publications"]) == 2
    assert detail["counts"]["published"] == 5
