"""Admin edits by the platform superuser go through the audit trail like any service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from skillcert.accounts.actors import request_actor
from skillcert.audit.services import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes = {
                name: [form.initial.get(name), form.cleaned_data.get(name)]
                for name in form.changed_data
            }
            audit_record(
                actor=request_actor(request),
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(actor=request_actor(request), action="admin.delete", obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request_actor(request), action="admin.delete", obj=obj)
            super().delete_queryset(request, queryset)
