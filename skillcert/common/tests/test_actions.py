"""common.actions: one declared action becomes a signed-in, POST-only view and its URL; a
valid form runs the service once, a refused or invalid input changes nothing and shows where
it went wrong, a refusal is a 403."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.test import RequestFactory

from skillcert.common.actions import Act, Actions
from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.forms import NamedErrorsForm


@dataclass
class Box:
    """The object the actions act on, and what its service did to it."""

    pk: int
    reasons: list[str] = field(default_factory=list)


class ReasonForm(NamedErrorsForm):
    reason = forms.CharField(label="原因", max_length=20)


class SignedIn:
    is_authenticated = True
    pk = 1


BOXES = {7: Box(7)}


def _load(request: HttpRequest, pk: int) -> Box:
    if pk not in BOXES:
        raise Http404
    return BOXES[pk]


def _page(request: HttpRequest, box: Box, **forms: NamedErrorsForm) -> HttpResponse:
    (name, form), *_ = forms.items()
    return HttpResponse(f"{name}:{'|'.join(form.error_lines())}", status=200)


def _service(*, box: Box, reason: str, actor: Any) -> Box:
    if reason == "no":
        raise DomainError("box.reason_refused", "原因不被接受", field="reason")
    if reason == "forbidden":
        raise Forbidden("box.not_yours", "无权操作")
    box.reasons.append(reason)
    return box


PAGE: Actions[Box] = Actions(
    prefix="boxes/<int:pk>/", load=_load, back=lambda b: "/boxes/", page=_page
)
BUTTONS: Actions[Box] = Actions(prefix="boxes/<int:pk>/", load=_load, back=lambda b: "/boxes/")


@PAGE.post("note/", form=ReasonForm, prefix="note", success="已记录")
def box_note(a: Act[Box]) -> object:
    return _service(box=a.obj, actor=a.actor, **a.data)


@BUTTONS.post(
    "rows/<int:entry>/drop/", success=lambda a, box: f"已处理 {box.pk}-{a.kwargs['entry']}"
)
def box_drop(a: Act[Box]) -> object:
    return _service(box=a.obj, reason=a.posted("reason"), actor=a.actor)


@BUTTONS.post("flash/", form=ReasonForm, success="已记录")
def box_flash(a: Act[Box]) -> object:
    return _service(box=a.obj, actor=a.actor, **a.data)


def _post(data: dict[str, str], *, user: Any = None, htmx: bool = False) -> HttpRequest:
    request = RequestFactory().post("/x/", data)
    request.user = user or SignedIn()  # type: ignore[assignment]  # a stand-in user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.htmx = htmx  # type: ignore[attr-defined]
    return request


def _texts(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


@pytest.fixture(autouse=True)
def fresh_box() -> None:
    BOXES[7] = Box(7)


def test_valid_form_runs_the_service_once_and_goes_back_with_the_message():
    request = _post({"note-reason": "因故"})
    response = box_note(request, pk=7)
    assert (response.status_code, response["Location"]) == (302, "/boxes/")
    assert BOXES[7].reasons == ["因故"]
    assert _texts(request) == ["已记录"]


def test_refused_input_is_shown_beside_its_field_on_the_page_and_nothing_changes():
    response = box_note(_post({"note-reason": "no"}), pk=7)
    assert response.status_code == 200
    assert response.content.decode() == "note_form:原因不被接受"
    assert BOXES[7].reasons == []


def test_invalid_form_is_shown_on_the_page_without_calling_the_service():
    response = box_note(_post({"note-reason": "x" * 21}), pk=7)
    assert response.content.decode().startswith("note_form:原因：")
    assert BOXES[7].reasons == []


def test_invalid_form_without_a_page_is_flashed_and_goes_back():
    request = _post({"reason": ""})
    response = box_flash(request, pk=7)
    assert (response.status_code, response["Location"]) == (302, "/boxes/")
    assert _texts(request) == ["原因：这个字段是必填项。"]
    assert BOXES[7].reasons == []


def test_refusal_is_a_403_and_changes_nothing():
    with pytest.raises(PermissionDenied):
        box_note(_post({"note-reason": "forbidden"}), pk=7)
    assert BOXES[7].reasons == []


def test_object_outside_the_scope_is_404():
    with pytest.raises(Http404):
        box_note(_post({"note-reason": "因故"}), pk=8)


def test_get_is_405_and_anonymous_is_sent_to_login():
    get = RequestFactory().get("/x/")
    get.user = SignedIn()  # type: ignore[assignment]
    assert box_note(get, pk=7).status_code == 405
    response = box_note(_post({"note-reason": "因故"}, user=AnonymousUser()), pk=7)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert BOXES[7].reasons == []


def test_button_gets_the_rows_argument_and_the_success_message_sees_the_result():
    request = _post({"reason": "行"})
    response = box_drop(request, pk=7, entry=3)
    assert response.status_code == 302
    assert _texts(request) == ["已处理 7-3"]
    refused = _post({"reason": "no"})
    assert box_drop(refused, pk=7, entry=3)["Location"] == "/boxes/"
    assert _texts(refused) == ["原因不被接受"]
    assert BOXES[7].reasons == ["行"]


def test_htmx_gets_a_redirect_header():
    response = box_note(_post({"note-reason": "因故"}, htmx=True), pk=7)
    assert (response.status_code, response["HX-Redirect"]) == (204, "/boxes/")


def test_urls_are_named_after_the_actions_below_the_prefix():
    patterns = {p.name: str(p.pattern) for p in BUTTONS.urls()}
    assert patterns == {
        "box_drop": "boxes/<int:pk>/rows/<int:entry>/drop/",
        "box_flash": "boxes/<int:pk>/flash/",
    }
