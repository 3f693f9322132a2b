"""Makes writes through the Django admin leave an audit entry like every other write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from relais.apps.audit.services import audit_record


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action=f"{obj._meta.model_name}.admin_{'update' if change else 'create'}",
                obj=obj,
                changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", obj=obj)  # type: ignore[arg-type]
            super().delete_model(request, obj)
