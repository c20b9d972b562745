"""Running a service from a view, written once: on success a message and a redirect (an
`HX-Redirect` header for htmx requests); a `Forbidden` refusal becomes a 403 page; any other
`DomainError` lands beside the field it names on the form (or as a message when there is no
form), and the view renders its page again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from skillcert.common.errors import DomainError, Forbidden
from skillcert.common.forms import NamedErrorsForm
from skillcert.common.sheet_uploads import upload_content

T = TypeVar("T")

# Where to go next: a URL (or anything `resolve_url` takes: a model with get_absolute_url),
# or a function of the service's result that returns one.
Target = str | Model | Callable[[Any], "str | Model"]


def _resolve(target: Target, result: Any) -> str:
    value = target(result) if callable(target) else target
    return resolve_url(value)


def go(request: HttpRequest, target: Target) -> HttpResponse:
    """A redirect to `target` (resolved without a result); for htmx an `HX-Redirect`."""
    return _go(request, _resolve(target, None))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@overload
def run_service(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    next: Target,
    form: None = None,
    back: Target | None = None,
    stay: Literal[False] = False,
) -> HttpResponse: ...


@overload
def run_service(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    next: Target,
    form: None = None,
    back: Target | None = None,
    stay: Literal[True],
) -> HttpResponse | None: ...


@overload
def run_service(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    next: Target,
    form: NamedErrorsForm,
    back: Target | None = None,
    stay: bool = False,
) -> HttpResponse | None: ...


def run_service(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    next: Target,
    form: NamedErrorsForm | None = None,
    back: Target | None = None,
    stay: bool = False,
) -> HttpResponse | None:
    """Calls `call()`. Success: flash `success` and redirect to `next`. Refusal: 403.
    Refused input: with a `form`, the error goes onto it and None is returned (the view shows
    the form again); without one, the message is flashed and, with `stay`, None is returned
    (a page that is not a Django form shows itself again with what the user entered);
    otherwise the user is sent to `back` (default `next`, resolved without a result)."""
    try:
        result = call()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if form is not None:
            form.add_domain_error(exc)
            return None
        messages.error(request, exc.message)
        if stay:
            return None
        return _go(request, _resolve(back if back is not None else next, None))
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return _go(request, _resolve(next, result))


def run_action(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    next: Target,
    back: Target | None = None,
) -> HttpResponse:
    """`run_service` for a button without a form: always answers with a redirect (or 403)."""
    return run_service(request, call, success=success, next=next, back=back)


def run_form(
    request: HttpRequest,
    form: NamedErrorsForm,
    call: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    next: Target,
) -> HttpResponse | None:
    """A page that shows a form and posts to itself: on a valid POST, `call(cleaned_data)`
    through `run_service`. None when the page is to be shown: a GET, a form that does not
    validate, or a refused input (beside its field)."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = form.cleaned_data
    return run_service(request, lambda: call(data), success=success, next=next, form=form)


S = TypeVar("S")


def run_sheet_upload(
    request: HttpRequest,
    form: NamedErrorsForm,
    *,
    read: Callable[[bytes, str], S],
    apply: Callable[[S], int],
    on_line: Callable[[DomainError, S], DomainError],
    success: Callable[[int], str],
    next: Target,
) -> HttpResponse | None:
    """An upload page's valid POST: `read(content, filename)` the form's file into a sheet,
    `apply` the batch service to it (all rows or none), through `run_service`. A row the
    service refuses is shown beside the upload with `on_line(error, sheet)`, which names the
    sheet's line; a refusal of the user (`Forbidden`) stays a 403."""
    upload = form.cleaned_data["file"]

    def call() -> int:
        sheet = read(upload_content(upload), upload.name or "")
        try:
            return apply(sheet)
        except Forbidden:
            raise
        except DomainError as exc:
            raise on_line(exc, sheet) from exc

    return run_service(request, call, success=success, next=next, form=form)
