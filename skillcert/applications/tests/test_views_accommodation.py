from django.urls import reverse

from skillcert.applications.models import Application
from skillcert.applications.services import application_create, application_submit
from skillcert.plans.models import PlanOffering

NOTE = "听力障碍，需书面传达考场指令"


def _offering(plan, hr):
    return PlanOffering.objects.get(plan=plan, occupation=hr, level=4)


def test_candidate_asks_for_accommodation_on_the_application_form(
    personas, plan, hr, candidate_person
):
    client = personas.client_for(personas.candidate)
    form = client.get(reverse("applications:new")).content.decode()
    assert 'name="needs_accommodation"' in form and "考场便利说明" in form
    response = client.post(
        reverse("applications:new"),
        {
            "offering": _offering(plan, hr).pk,
            "needs_accommodation": "1",
            "accommodation_note": NOTE,
        },
    )
    app = Application.objects.get()
    assert response.url == reverse("applications:detail", args=[app.pk])
    assert app.needs_accommodation and app.accommodation_note == NOTE


def test_form_without_a_note_names_the_field_and_creates_nothing(
    personas, plan, hr, candidate_person
):
    client = personas.client_for(personas.candidate)
    page = client.post(
        reverse("applications:new"),
        {"offering": _offering(plan, hr).pk, "needs_accommodation": "1"},
    ).content.decode()
    assert "考场便利说明：请简要说明需要的便利" in page
    assert "checked" in page  # the ticked box is kept
    assert not Application.objects.exists()


def _submitted_with_a_need(personas, plan, hr, candidate_person):
    """The candidate persona's submitted 四级 application asking for accommodation (NOTE)."""
    app = application_create(
        candidate=candidate_person,
        plan=plan,
        occupation=hr,
        level=4,
        actor=personas.candidate,
        needs_accommodation=True,
        accommodation_note=NOTE,
    )
    application_submit(application=app, actor=personas.candidate)
    return app


def test_reviewer_sees_the_need_and_can_filter_on_it(personas, plan, hr, candidate_person):
    app = _submitted_with_a_need(personas, plan, hr, candidate_person)
    clerk = personas.client_for(personas.clerk_a)
    detail = clerk.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert f"需要考场便利：{NOTE}" in detail
    queue = clerk.get(
        reverse("applications:review"), {"tier": "org", "flag": "accommodation"}
    ).content.decode()
    assert f"#{app.pk}" in queue and "需要考场便利" in queue
    assert (
        personas.client_for(personas.clerk_b)
        .get(reverse("applications:detail", args=[app.pk]))
        .status_code
        == 404
    )


def test_owner_edits_the_need_on_a_draft_and_bad_note_changes_nothing(
    personas, plan, hr, candidate_person
):
    app = application_create(
        candidate=candidate_person, plan=plan, occupation=hr, level=4, actor=personas.candidate
    )
    client = personas.client_for(personas.candidate)
    url = reverse("applications:accommodation", args=[app.pk])
    response = client.post(
        url, {"needs_accommodation": "1", "accommodation_note": "电话 13912345678"}, follow=True
    )
    assert "考场便利说明：请勿填写证件号码或手机号码" in response.content.decode()
    app.refresh_from_db()
    assert not app.needs_accommodation
    client.post(url, {"needs_accommodation": "1", "accommodation_note": NOTE})
    app.refresh_from_db()
    assert app.needs_accommodation and app.accommodation_note == NOTE
    # Someone else's application: 404, not a message.
    assert personas.client_for(personas.clerk_b).post(url, {}).status_code == 404


def test_api_shows_the_note_only_to_the_responsible_reviewer(personas, plan, hr, candidate_person):
    app = _submitted_with_a_need(personas, plan, hr, candidate_person)
    url = f"/api/v1/applications/{app.pk}"
    mine = personas.client_for(personas.clerk_a).get(url).json()
    assert mine["needs_accommodation"] is True and mine["accommodation_note"] == NOTE
    city = personas.client_for(personas.city_nanjing).get(url).json()
    assert city["needs_accommodation"] is True and city["accommodation_note"] == ""
