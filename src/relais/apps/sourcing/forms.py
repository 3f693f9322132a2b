"""The comparison's period and queues, and the upload of a partner's reported figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Partner
from relais.apps.routing.models import Queue
from relais.apps.sourcing.parsing import MAX_BYTES
from relais.core.importing import DEFAULT_TOLERANCE

MAX_DAYS = 366


class QueueChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Queue) -> str:
        return obj.label


class ComparisonForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    queues = QueueChoices(
        label=_("Queues"),
        queryset=Queue.objects.none(),
        required=False,
        help_text=_("None chosen: every queue."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queues"].queryset = Queue.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "queues" else "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", _("Compare at most 366 days at once."))
        return data


class ImportForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    file = forms.FileField(label=_("Figures file (CSV)"))
    tolerance = forms.DecimalField(
        label=_("Lines that may be skipped (%)"),
        min_value=0,
        max_value=50,
        decimal_places=2,
        initial=100 * DEFAULT_TOLERANCE,
        help_text=_("Above this share of unreadable lines, nothing is imported."),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        if partners.count() == 1:
            self.fields["partner"].initial = partners.first()
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "partner" else "form-control"

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
