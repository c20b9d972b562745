"""Setting a batch up in the browser, the batch open (`world`, built once for the module): the
dedicated entry account, the people of each duty with the recusal check beside the field, the
blind scripts from the sealed paper, and the same writes through the API. Each write: the good
case, refused input (nothing changed) and the attacker (another organisation's clerk, a
candidate, an anonymous visitor)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from skillcert.personnel.models import Person
from skillcert.scoring.models import (
    BatchDuty,
    BatchStaff,
    ResultBatch,
    Script,
)

API = "/api/v1/scoring"


# --- the entry account -------------------------------------------------------------------------


def _entry_url(world: Any) -> str:
    return reverse("scoring:batch_entry_account", args=[world.batch.pk])


def test_clerk_designates_a_chief_marker_as_the_entry_account(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    ResultBatch.objects.filter(pk=world.batch.pk).update(entry_account=None)
    page = clerk.get(reverse("scoring:batch", args=[world.batch.pk])).content.decode()
    assert "指定成绩录入账号" in page and "chief" in page
    response = clerk.post(_entry_url(world), {"entry-user": world.users["chief"].pk})
    assert response.status_code == 302
    world.batch.refresh_from_db()
    assert world.batch.entry_account_id == world.users["chief"].pk


def test_entry_account_must_be_a_chief_marker_of_the_batch(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    response = clerk.post(_entry_url(world), {"entry-user": world.personas.clerk_a.pk})
    assert response.status_code == 400
    assert "有效选项" in response.content.decode() or "请选择" in response.content.decode()
    world.batch.refresh_from_db()
    assert world.batch.entry_account_id == world.users["chief"].pk
    api = clerk.post(
        f"{API}/batches/{world.batch.pk}/entry-account",
        {"user_id": world.personas.clerk_a.pk},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "scoring.entry_account_role"


def test_others_cannot_designate_the_entry_account(world: Any) -> None:
    personas = world.personas
    body = {"entry-user": world.users["chief"].pk}
    ResultBatch.objects.filter(pk=world.batch.pk).update(entry_account=None)
    for user in (personas.clerk_b, personas.candidate, world.users["chief"]):
        client = personas.client_for(user)
        assert client.post(_entry_url(world), body).status_code == 404
        api = client.post(
            f"{API}/batches/{world.batch.pk}/entry-account",
            {"user_id": world.users["chief"].pk},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert Client().post(_entry_url(world), body).status_code == 302
    world.batch.refresh_from_db()
    assert world.batch.entry_account_id is None


def test_api_designates_the_entry_account(world: Any) -> None:
    ResultBatch.objects.filter(pk=world.batch.pk).update(entry_account=None)
    response = world.personas.client_for(world.personas.clerk_a).post(
        f"{API}/batches/{world.batch.pk}/entry-account",
        {"user_id": world.users["chief"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["entry_account_set"] is True


# --- staff ------------------------------------------------------------------------------------


def _staff_url(world: Any, duty: str) -> str:
    return reverse("scoring:batch_staff", args=[world.batch.pk, duty])


def _staff(world: Any, duty: str) -> list[int]:
    return sorted(
        BatchStaff.objects.filter(batch=world.batch, duty=duty).values_list("person_id", flat=True)
    )


def test_clerk_sets_the_markers(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    people = [world.markers[0].pk, world.markers[1].pk]
    response = clerk.post(_staff_url(world, BatchDuty.MARKER), {"marker-people": people})
    assert response.status_code == 302
    assert _staff(world, BatchDuty.MARKER) == sorted(people)


def test_too_few_markers_and_an_even_panel_are_refused_beside_the_field(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    before = _staff(world, BatchDuty.MARKER)
    one = clerk.post(_staff_url(world, BatchDuty.MARKER), {"marker-people": [world.markers[0].pk]})
    assert one.status_code == 400 and "双评需至少2名阅卷员" in one.content.decode()
    assert _staff(world, BatchDuty.MARKER) == before
    panel_before = _staff(world, BatchDuty.PANEL)
    two = clerk.post(
        _staff_url(world, BatchDuty.PANEL), {"panel-people": [p.pk for p in world.panel[:2]]}
    )
    assert two.status_code == 400
    assert _staff(world, BatchDuty.PANEL) == panel_before


def test_recusal_error_is_shown_next_to_the_people_field(world: Any) -> None:
    Person.objects.filter(pk=world.examiners[0].pk).update(employer=world.personas.org_a)
    clerk = world.personas.client_for(world.personas.clerk_a)
    before = _staff(world, BatchDuty.PRACTICAL)
    BatchStaff.objects.filter(batch=world.batch, duty=BatchDuty.PRACTICAL).delete()
    response = clerk.post(
        _staff_url(world, BatchDuty.PRACTICAL),
        {"practical-people": [p.pk for p in world.examiners]},
    )
    page = response.content.decode()
    assert response.status_code == 400 and world.examiners[0].name in page
    assert 'class="field invalid"' in page
    assert _staff(world, BatchDuty.PRACTICAL) == [] != before
    api = clerk.put(
        f"{API}/batches/{world.batch.pk}/staff/practical",
        {"people": [p.pk for p in world.examiners]},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "scoring.recusal"


def test_others_cannot_set_staff(world: Any) -> None:
    personas = world.personas
    before = _staff(world, BatchDuty.MARKER)
    body = {"marker-people": [world.markers[0].pk, world.markers[2].pk]}
    for user in (personas.clerk_b, personas.candidate, world.users["m1"]):
        assert personas.client_for(user).post(_staff_url(world, "marker"), body).status_code == 404
        api = personas.client_for(user).put(
            f"{API}/batches/{world.batch.pk}/staff/marker",
            {"people": body["marker-people"]},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert Client().post(_staff_url(world, "marker"), body).status_code == 302
    assert _staff(world, BatchDuty.MARKER) == before


def test_api_sets_staff_and_refuses_people_outside_the_choices(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    url = f"{API}/batches/{world.batch.pk}/staff/marker"
    ok = clerk.put(
        url, {"people": [m.pk for m in world.markers[:2]]}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["people"] == sorted(m.pk for m in world.markers[:2])
    bad = clerk.put(url, {"people": [999999]}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "scoring.staff_unknown"
    duty = clerk.put(
        f"{API}/batches/{world.batch.pk}/staff/boss",
        {"people": []},
        content_type="application/json",
    )
    assert duty.status_code == 400 and duty.json()["code"] == "scoring.duty_invalid"


# --- scripts ----------------------------------------------------------------------------------


def test_clerk_deals_scripts_from_the_sealed_paper(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    url = reverse("scoring:batch_scripts", args=[world.batch.pk])
    response = clerk.post(url, {"scripts-paper": world.paper.pk})
    assert response.status_code == 302
    # four level-4 candidates, one subjective item each
    assert Script.objects.filter(result__batch=world.batch).count() == 4


def test_scripts_need_a_paper_of_the_plan_and_two_markers(world: Any) -> None:
    clerk = world.personas.client_for(world.personas.clerk_a)
    url = reverse("scoring:batch_scripts", args=[world.batch.pk])
    assert clerk.post(url, {"scripts-paper": ""}).status_code == 400
    BatchStaff.objects.filter(batch=world.batch, duty=BatchDuty.MARKER).delete()
    response = clerk.post(url, {"scripts-paper": world.paper.pk})
    assert response.status_code == 400 and "双评需至少2名阅卷员" in response.content.decode()
    api = clerk.post(
        f"{API}/batches/{world.batch.pk}/scripts",
        {"paper": "NOPE"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "responses.paper_not_of_plan"
    assert not Script.objects.exists()


def test_others_cannot_deal_scripts(world: Any) -> None:
    personas = world.personas
    url = reverse("scoring:batch_scripts", args=[world.batch.pk])
    for user in (personas.clerk_b, personas.candidate, world.users["chief"]):
        client = personas.client_for(user)
        assert client.post(url, {"scripts-paper": world.paper.pk}).status_code == 404
        api = client.post(
            f"{API}/batches/{world.batch.pk}/scripts",
            {"paper": world.paper.code},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert Client().post(url, {"scripts-paper": world.paper.pk}).status_code == 302
    assert not Script.objects.exists()


def test_api_deals_scripts(world: Any) -> None:
    response = world.personas.client_for(world.personas.clerk_a).post(
        f"{API}/batches/{world.batch.pk}/scripts",
        {"paper": world.paper.code},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json() == {"created": 4}


# --- score entry on the dedicated account -----------------------------------------------------


def test_entry_pages_serve_the_designated_account_and_refuse_the_everyday_login(
    world: Any,
) -> None:
    chief = world.personas.client_for(world.users["chief"])
    entry = reverse("scoring:entry", args=[world.batch.pk])
    assert chief.get(entry).status_code == 200
    assert world.personas.client_for(world.personas.clerk_a).get(entry).status_code == 403
    result = world.result(0)
    refused = world.personas.client_for(world.personas.clerk_a).post(
        reverse("scoring:result_enter", args=[result.pk]), {"part": "practical", "score": "70"}
    )
    assert refused.status_code == 403
    done = chief.post(
        reverse("scoring:result_enter", args=[result.pk]), {"part": "practical", "score": "70"}
    )
    assert done.status_code == 302
    result.refresh_from_db()
    assert result.practical_score == 70
    examiner = world.personas.client_for(world.users["e1"])
    assert examiner.get(reverse("scoring:practical", args=[world.batch.pk])).status_code == 200
    member = world.personas.client_for(world.users["p1"])
    assert member.get(reverse("scoring:panel", args=[world.batch.pk])).status_code == 200
