"""The base of the input forms: every error names its field, and a service's DomainError
lands on the field it names. Forms check types only; rules live in the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest

from skillcert.common.errors import DomainError


class NamedErrorsForm(forms.Form):
    """Errors listed at the top of a form say which input is at fault ("报名截止日期：…"),
    so they read correctly on a phone where the field may be off screen."""

    def error_lines(self) -> list[str]:
        lines: list[str] = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            label = str(field.label) if field is not None and field.label else ""
            for message in errors:
                # Service messages often already start with the field's name.
                named = not label or str(message).startswith(label)
                lines.append(str(message) if named else f"{label}：{message}")
        return lines

    def add_domain_error(self, exc: DomainError) -> None:
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)

    def set_choices(self, name: str, choices: Iterable[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(choices)

    def set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


def form_valid_or_flash(request: HttpRequest, form: forms.Form) -> bool:
    """For a form posted from a page that is not re-rendered (a button's small form): True
    when it validates; otherwise each error is flashed, named by its field's label."""
    if form.is_valid():
        return True
    for name, errors in form.errors.items():
        label = (form.fields[name].label or "") if name in form.fields else ""
        text = "；".join(str(e) for e in errors)
        messages.error(request, f"{label}：{text}" if label else text)
    return False


class DateInput(forms.DateInput):
    """A browser date picker: `<input type=date>` accepts only ISO dates (2026-12-05), whatever
    the page's locale would format them as (zh-hans: 2026/12/05, which the browser drops)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
