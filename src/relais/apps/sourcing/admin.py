from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.organisation.models import Site
from relais.apps.sourcing.models import LoadedCost, ReportedImport


@admin.register(LoadedCost)
class LoadedCostAdmin(AuditedModelAdmin):
    list_display = ["site", "per_hour", "currency", "valid_from", "valid_until"]
    list_filter = ["site__kind", "site"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "site":
            kwargs["queryset"] = Site.objects.filter(partner__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReportedImport)
class ReportedImportAdmin(admin.ModelAdmin):
    """Imports are read here; they are made by the upload page, the API or the command."""

    list_display = ["partner", "imported_at", "channel", "source", "lines", "stored", "skipped"]
    list_filter = ["partner", "channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
