import pytest

from skillcert.applications.models import Application
from skillcert.applications.services import (
    application_accommodation_set,
    application_create,
    application_submit,
)
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError

NOTE = "下肢残疾，使用轮椅，需一楼考场"


def _draft(personas, plan, hr, candidate, **kw):
    return application_create(
        candidate=candidate, plan=plan, occupation=hr, level=4, actor=personas.candidate, **kw
    )


def test_application_records_accommodation_need_without_auditing_the_note(
    personas, plan, hr, candidate_person
):
    app = _draft(
        personas,
        plan,
        hr,
        candidate_person,
        needs_accommodation=True,
        accommodation_note=f"  {NOTE} ",
    )
    assert app.needs_accommodation and app.accommodation_note == NOTE
    event = AuditEvent.objects.get(action="application.create", object_id=str(app.pk))
    assert event.changes == {"needs_accommodation": [None, True]}
    assert NOTE not in str(event.changes)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("", "application.accommodation_note_required"),
        ("需" * 201, "application.accommodation_note_long"),
        ("联系 13912345678", "application.accommodation_note_pii"),
        ("身份证 32010219900307123X", "application.accommodation_note_pii"),
    ],
)
def test_bad_accommodation_note_is_refused_and_nothing_is_created(
    personas, plan, hr, candidate_person, note, code
):
    with pytest.raises(DomainError) as exc:
        _draft(
            personas,
            plan,
            hr,
            candidate_person,
            needs_accommodation=True,
            accommodation_note=note,
        )
    assert exc.value.code == code and exc.value.field == "accommodation_note"
    assert "考场便利说明" in exc.value.message
    assert not Application.objects.exists()


def test_note_without_need_is_dropped(personas, plan, hr, candidate_person):
    app = _draft(personas, plan, hr, candidate_person, accommodation_note="任意内容")
    assert not app.needs_accommodation and app.accommodation_note == ""


def test_candidate_sets_and_clears_need_while_draft(personas, plan, hr, candidate_person):
    app = _draft(personas, plan, hr, candidate_person)
    app = application_accommodation_set(
        application=app, needs=True, note=NOTE, actor=personas.candidate
    )
    assert app.needs_accommodation and app.accommodation_note == NOTE
    event = AuditEvent.objects.get(action="application.accommodation_set")
    assert NOTE not in str(event.changes)
    app = application_accommodation_set(
        application=app, needs=False, note=NOTE, actor=personas.candidate
    )
    app.refresh_from_db()
    assert not app.needs_accommodation and app.accommodation_note == ""


@pytest.mark.parametrize(
    ("submit", "who", "code"),
    [
        (False, "clerk_a", "application.not_owner"),  # only the owner sets the need
        (True, "candidate", "application.accommodation_locked"),  # not once submitted
    ],
)
def test_need_set_by_another_or_after_submission_is_refused(
    personas, plan, hr, candidate_person, submit, who, code
):
    app = _draft(personas, plan, hr, candidate_person)
    if submit:
        app = application_submit(application=app, actor=personas.candidate)
    with pytest.raises(DomainError) as exc:
        application_accommodation_set(
            application=app, needs=True, note=NOTE, actor=personas.user(who)
        )
    assert exc.value.code == code
    app.refresh_from_db()
    assert not app.needs_accommodation
