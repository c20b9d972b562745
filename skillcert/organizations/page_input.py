"""What the organisation pages read from a request besides the service arguments: who acts,
and a form's type errors shown as messages on the page the user is sent back to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from skillcert.accounts.actors import request_actor

if TYPE_CHECKING:
    from skillcert.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user acting on the page (every view that writes is login_required)."""
    return request_actor(request)


def flash_form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = "；".join(str(e) for e in errors)
        messages.error(request, f"{label}：{text}" if label else text)
