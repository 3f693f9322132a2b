"""Contracts and their versions are entered in the admin (audited); a version whose terms
are malformed is refused with the field named, and one a statement was billed under can no
longer be changed (add an amendment: a new version from a date)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from relais.apps.audit.admin_mixins import AuditedModelAdmin
from relais.apps.contracts.access import may_bill
from relais.apps.contracts.models import Contract, ContractVersion, Statement
from relais.core.contracts.terms import TermsError, terms_from_dict


class ContractVersionForm(forms.ModelForm):
    class Meta:
        model = ContractVersion
        fields = ("contract", "number", "valid_from", "terms", "created_at")

    def clean_terms(self) -> Any:
        terms = self.cleaned_data["terms"]
        try:
            terms_from_dict(terms)
        except TermsError as error:
            raise forms.ValidationError(str(error)) from error
        return terms


@admin.register(Contract)
class ContractAdmin(AuditedModelAdmin):
    list_display = ("reference", "partner", "starts_on", "ends_on")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_bill(request.user)


@admin.register(ContractVersion)
class ContractVersionAdmin(AuditedModelAdmin):
    form = ContractVersionForm
    list_display = ("contract", "number", "valid_from")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_bill(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and Statement.objects.filter(version=obj).exists():
            return ("contract", "number", "valid_from", "terms", "created_at")
        return ()
