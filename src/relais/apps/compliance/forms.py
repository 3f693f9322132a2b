"""The compliance pages' forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.apps.compliance.selectors import AuditFilter


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def where(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            actor=data["actor"].strip(),
            action=data["action"].strip(),
            object_type=data["object_type"].strip(),
            object_id=data["object_id"].strip(),
            start=data["start"],
            end=data["end"],
        )


class CustomerForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer"),
        max_length=160,
        help_text=_("A customer key (email:…, tel:+…, id:…), an e-mail address or a phone number."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("The request's reference (kept in the audit log)."),
    )
    confirm = forms.CharField(
        label=_("Type the customer again to confirm the erasure"), max_length=160, required=False
    )
