"""The small POST page of an action, written once. An action is its service call, decorated
with what surrounds it: the object it acts on (loaded in the user's scope from the URL, 404
otherwise), an optional form, the success message and where to go next. `Actions.post` turns
it into a view (signed in, POST only, through `run_service`: a refusal is a 403, a refused
input lands beside its field, htmx gets an `HX-Redirect`) and into its URL, so a `urls.py`
lists `*views.PERSON.urls()` instead of repeating every path:

    PERSON = Actions(prefix="<int:pk>/", load=_person, back=_person_url, page=_detail_page)

    @PERSON.post("suspend/", form=ReasonForm, prefix="status", success="已暂停该人员的考评资格")
    def person_suspend(a: Act[Person]) -> object:
        return services.person_suspend(person=a.obj, reason=a.data["reason"], actor=a.actor)

The function's name is the view's and the URL's name. With a `page`, a form that does not
validate (or that a service refuses) shows the object's page again, the bound form passed to
it as the keyword `<prefix>_form` (or `form_key`). Without one, the errors are flashed and the
user goes back to the object's page (`back`); a button without a form does the same with a
refused action."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from skillcert.common.forms import NamedErrorsForm, form_valid_or_flash
from skillcert.common.service_runner import Target, go, run_service

if TYPE_CHECKING:
    from skillcert.accounts.models import User

Obj = TypeVar("Obj")

# A form of the action: a form class (bound to the POST and its files with the action's
# prefix), or a function of the request and the object that returns the bound form (for
# choices that depend on the user or the object).
FormSpec = type[forms.Form] | Callable[[HttpRequest, Obj], forms.Form]


# The success message: a text, or a function of the action and the service's result.
Success = str | Callable[["Act[Obj]", Any], str]


@dataclass(frozen=True)
class Act(Generic[Obj]):
    """What an action's service call is given: the request, the object the URL names, and
    the form's cleaned data (the POST itself for an action without a form), and the URL's
    arguments (`kwargs`, for a row below the object such as `<int:entry>`); `form` is the
    bound form itself, for a form that computes more than its fields."""

    request: HttpRequest
    obj: Obj
    data: Mapping[str, Any]
    kwargs: Mapping[str, Any]
    form: forms.Form | None = None

    @property
    def actor(self) -> User:
        """The signed-in person (the views are behind `login_required`)."""
        user = self.request.user
        if not user.is_authenticated:
            raise PermissionDenied("请先登录")
        return user

    @property
    def post(self) -> Mapping[str, Any]:
        return self.request.POST

    def posted(self, name: str) -> str:
        """A posted value without a form, "" when it is missing."""
        return str(self.request.POST.get(name, ""))


@dataclass(frozen=True)
class Action(Generic[Obj]):
    name: str
    path: str
    call: Callable[[Act[Obj]], Any]
    success: Success[Obj]
    form: FormSpec[Obj] | None = None
    prefix: str | None = None
    form_key: str | None = None
    next: Target | None = None
    back: Callable[[Obj], Target] | None = None


class Actions(Generic[Obj]):
    """The POST actions on one kind of object: how the arguments the prefix names load it in
    the user's scope (`load(request, **kwargs)`, 404 when not visible), the page to come back to
    (`back(obj)`), and the page that shows a refused form again (`page(request, obj,
    **{form_key: form})`). With `signed_in=False` the views do not send anonymous users to
    the login page: the loader refuses them itself (a 404 that does not tell what exists)."""

    def __init__(
        self,
        *,
        load: Callable[..., Obj],
        back: Callable[[Obj], Target],
        page: Callable[..., HttpResponse] | None = None,
        prefix: str = "",
        signed_in: bool = True,
    ) -> None:
        self.signed_in = signed_in
        # The loader takes the arguments its prefix names; an action's own (a row below the
        # object, such as `<int:entry>`) are in `Act.kwargs`.
        self.load_args = re.findall(r"<(?:\w+:)?(\w+)>", prefix)
        self.load = load
        self.back = back
        self.page = page
        self.prefix = prefix
        self.actions: list[Action[Obj]] = []
        self.views: dict[str, Callable[..., HttpResponse]] = {}

    def post(
        self,
        route: str,
        *,
        success: Success[Obj],
        form: FormSpec[Obj] | None = None,
        prefix: str | None = None,
        form_key: str | None = None,
        next: Target | None = None,
        back: Callable[[Obj], Target] | None = None,
        name: str | None = None,
    ) -> Callable[[Callable[[Act[Obj]], Any]], Callable[..., HttpResponse]]:
        """Declare one action on `route` (below the set's prefix): decorates the function
        that calls its service and returns the view, named (as its URL is) after the
        function unless `name` says otherwise. `next` (a URL, or a function of the service's
        result) and `back` (a function of the object) replace the set's `back` after a
        success and after a refused input."""

        def declare(call: Callable[[Act[Obj]], Any]) -> Callable[..., HttpResponse]:
            action = Action(
                name or call.__name__, route, call, success, form, prefix, form_key, next, back
            )
            self.actions.append(action)
            view = self._view(action)
            self.views[action.name] = view
            return view

        return declare

    def urls(self) -> list[URLPattern]:
        return [path(self.prefix + a.path, self.views[a.name], name=a.name) for a in self.actions]

    def _bind(
        self, action: Action[Obj], request: HttpRequest, obj: Obj
    ) -> NamedErrorsForm | forms.Form | None:
        spec = action.form
        if spec is None:
            return None
        if isinstance(spec, type):
            return spec(request.POST, request.FILES, prefix=action.prefix)
        return spec(request, obj)

    def _view(self, action: Action[Obj]) -> Callable[..., HttpResponse]:
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            obj = self.load(request, **{k: kwargs[k] for k in self.load_args})
            back = (action.back or self.back)(obj)
            form = self._bind(action, request, obj)
            if form is not None and not form.is_valid():
                return self._refused(request, action, obj, form, back)
            act = Act(
                request, obj, request.POST if form is None else form.cleaned_data, kwargs, form
            )
            success = action.success
            message = success if isinstance(success, str) else lambda r: success(act, r)
            next_ = action.next if action.next is not None else back

            def call() -> Any:
                return action.call(act)

            if self.page is None or not isinstance(form, NamedErrorsForm):
                return run_service(request, call, success=message, next=next_, back=back)
            # With a page, a refused input goes beside its field and the page is shown again.
            done = run_service(request, call, success=message, next=next_, form=form)
            return done or self._refused(request, action, obj, form, back)

        view.__name__ = view.__qualname__ = action.name
        posted = require_POST(view)
        return login_required(posted) if self.signed_in else posted

    def _refused(
        self,
        request: HttpRequest,
        action: Action[Obj],
        obj: Obj,
        form: forms.Form,
        back: Target,
    ) -> HttpResponse:
        """A form that does not validate: shown again on the object's page, or its errors
        flashed and the user sent back."""
        if self.page is None:
            form_valid_or_flash(request, form)
            return go(request, back)
        key = action.form_key or f"{form.prefix or 'form'}_form"
        return self.page(request, obj, **{key: form})
