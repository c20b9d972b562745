"""Pages: the marker sees blind codes only, the public query answers the same for a mismatch
and for nobody, the batch page exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.urls import reverse

from skillcert.accounts.actors import SystemActor
from skillcert.scoring.models import Mark, Result, ResultStatus
from skillcert.scoring.services import responses_score, scripts_create

SYSTEM_TEST = SystemActor("test")


def test_marker_queue_shows_blind_code_not_candidate(world: Any) -> None:
    responses_score(paper_code="P-HR4-A", text=world.csv(), actor=SYSTEM_TEST)
    scripts_create(batch=world.batch, paper=world.paper, actor=world.personas.clerk_a)
    client = world.personas.client_for(world.users["m1"])
    page = client.get(reverse("scoring:marking")).content.decode()
    mark = Mark.objects.filter(marker=world.markers[0]).select_related("script").first()
    assert mark is not None and mark.script.blind_code in page
    assert world.candidates[0].full_name not in page
    response = client.post(reverse("scoring:marking"), {"mark": mark.pk, "score": "30"})
    assert response.status_code == 302
    mark.refresh_from_db()
    assert mark.score is not None


def test_public_query_needs_all_three_and_never_tells_which_failed(world: Any, client: Any) -> None:
    cache.clear()
    result = world.result(0)
    Result.objects.filter(pk=result.pk).update(
        status=ResultStatus.PUBLISHED, published_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    )
    candidate = world.candidates[0]
    good = {
        "name": candidate.full_name,
        "id_number": candidate.id_number,
        "ticket_no": result.candidate_ref,
    }
    found = client.post(reverse("scoring:query"), good).content.decode()
    assert "企业人力资源管理师" in found
    wrong_name = client.post(reverse("scoring:query"), good | {"name": "别人"}).content.decode()
    other = world.candidates[1]
    someone_else = client.post(
        reverse("scoring:query"), good | {"id_number": other.id_number}
    ).content.decode()
    assert "未查询到" in wrong_name and "未查询到" in someone_else
    assert "企业人力资源管理师" not in wrong_name


def test_public_query_is_throttled(world: Any, client: Any) -> None:
    cache.clear()
    codes = [client.post(reverse("scoring:query"), {"name": "a"}).status_code for _ in range(25)]
    assert codes[0] == 200 and codes[-1] == 429


def test_batch_page_lists_and_exports(world: Any) -> None:
    client = world.personas.client_for(world.personas.clerk_a)
    page = client.get(reverse("scoring:batch", args=[world.batch.pk]))
    assert page.status_code == 200 and world.candidates[0].full_name in page.content.decode()
    export = client.get(reverse("scoring:batch", args=[world.batch.pk]) + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    other = world.personas.client_for(world.personas.clerk_b)
    assert other.get(reverse("scoring:batch", args=[world.batch.pk])).status_code == 404
