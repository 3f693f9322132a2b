"""The planner's forms; the services do the checking that matters (scope, data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Site
from relais.apps.routing.models import Queue
from relais.apps.wfm.history import MAX_TOLERANCE
from relais.apps.wfm.models import StaffingModel
from relais.core.importing import DEFAULT_TOLERANCE

MAX_HISTORY_BYTES = 20_000_000


class TablerForm(forms.Form):
    """Controls with Tabler's classes (`form-control`, `form-select`, `form-check-input`)."""

    template_name = "wfm/_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            checks = forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
            if isinstance(widget, checks):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"


class LocalDateField(forms.DateField):
    """A date typed in the user's locale (dd/mm/yyyy in French, yyyy-mm-dd in English)."""

    widget = forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter a date as yyyy-mm-dd, for example 2025-06-02."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "placeholder": _("yyyy-mm-dd")}


class QueueChoiceField(forms.ModelChoiceField[Queue]):
    def label_from_instance(self, obj: Queue) -> str:
        return obj.label


class HistorySource(models.TextChoices):
    LIVE = "live", _("The queue's own contacts recorded in Relais (last 8 weeks)")
    CSV = "csv", _("A history file (CSV)")


class ForecastForm(TablerForm):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    queue = QueueChoiceField(queryset=Queue.objects.none(), label=_("Queue"))
    source = forms.ChoiceField(
        label=_("History"),
        choices=HistorySource.choices,
        initial=HistorySource.LIVE,
        widget=forms.RadioSelect,
    )
    history = forms.FileField(
        label=_("History file (CSV: start, volume, aht_seconds)"),
        required=False,
        help_text=_("A start without a UTC offset is read in the site's local time."),
    )
    tolerance_percent = forms.FloatField(
        label=_("Malformed lines tolerated (%)"),
        min_value=0,
        max_value=100 * MAX_TOLERANCE,
        initial=100 * DEFAULT_TOLERANCE,
        required=False,
        help_text=_(
            "Up to this share of the file's lines, a malformed line is skipped and reported; "
            "beyond it the file is refused. Empty: 0.1 %."
        ),
    )
    horizon_start = LocalDateField(
        label=_("First day to forecast"),
        required=False,
        help_text=_("Empty: the day after the history."),
    )
    horizon_days = forms.IntegerField(label=_("Days"), min_value=1, max_value=62, initial=7)
    all_methods = forms.BooleanField(
        label=_("Also try the statsforecast models (slower)"), required=False
    )

    def __init__(
        self, *args: Any, sites: QuerySet[Site], queues: QuerySet[Queue], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["queue"].queryset = queues  # type: ignore[attr-defined]

    def clean_history(self) -> Any:
        upload = self.cleaned_data.get("history")
        if upload is not None and upload.size > MAX_HISTORY_BYTES:
            raise forms.ValidationError(_("The history file is larger than 20 MB."))
        return upload

    def tolerance(self) -> float:
        """The share of malformed lines tolerated, from the percentage typed."""
        percent = self.cleaned_data.get("tolerance_percent")
        return DEFAULT_TOLERANCE if percent is None else percent / 100

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == HistorySource.CSV and not data.get("history"):
            self.add_error("history", _("Choose the history file, or use the live history."))
        return data


class StaffingForm(TablerForm):
    model = forms.ChoiceField(
        label=_("Model"), choices=StaffingModel.choices, initial=StaffingModel.ERLANG_C
    )
    service_level = forms.FloatField(
        label=_("Service level target (%)"), min_value=0, max_value=100, initial=80
    )
    threshold_s = forms.FloatField(label=_("Answered within (s)"), min_value=0, initial=20)
    max_occupancy = forms.FloatField(
        label=_("Maximum occupancy (%)"), min_value=1, max_value=100, required=False, initial=85
    )
    shrinkage = forms.FloatField(label=_("Shrinkage (%)"), min_value=0, max_value=95, initial=30)
    patience_s = forms.FloatField(
        label=_("Mean patience (s, Erlang A)"), min_value=1, required=False
    )
    max_abandonment = forms.FloatField(
        label=_("Maximum abandonment (%, Erlang A)"), min_value=0, max_value=100, required=False
    )
    default_aht_s = forms.FloatField(
        label=_("AHT when the forecast has none (s)"), min_value=1, initial=300
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data

        def share(name: str) -> float | None:
            return None if data.get(name) is None else data[name] / 100

        return {
            "model": data["model"],
            "service_level": share("service_level"),
            "threshold_s": data["threshold_s"],
            "max_occupancy": share("max_occupancy"),
            "shrinkage": share("shrinkage") or 0.0,
            "patience_s": data.get("patience_s"),
            "max_abandonment": share("max_abandonment"),
            "default_aht_s": data["default_aht_s"],
        }


class ScheduleForm(TablerForm):
    week_start = LocalDateField(label=_("Week starting"))
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(), label=_("Sites"), widget=forms.CheckboxSelectMultiple
    )
    max_seconds = forms.IntegerField(
        label=_("Solver time limit (s)"), min_value=1, max_value=120, initial=10
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
