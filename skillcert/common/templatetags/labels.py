"""`{% load labels %}` then `{{ code|label }}`, `{{ status|label:"status.complaint" }}` and
`{% transition e.from_status e.to_status "status.complaint" %}`: codes shown by their Chinese
names from `common.labels`."""

from __future__ import annotations

from django import template

from skillcert.common.labels import label_for, transition_label

register = template.Library()


@register.filter(name="label")
def label(code: object, namespace: str = "") -> str:
    return label_for(code, namespace)


@register.simple_tag(name="transition")
def transition(before: object, after: object, namespace: str = "") -> str:
    return transition_label(before, after, namespace)
