"""The planner's forms; the services do the checking that matters (scope, data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Site
from relais.apps.wfm.models import StaffingModel

MAX_HISTORY_BYTES = 20_000_000


class ForecastForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    queue = forms.CharField(label=_("Queue"), max_length=120, initial="orders")
    history = forms.FileField(
        label=_("History (CSV: start, volume, aht_seconds)"),
        help_text=_("A start without a UTC offset is read in the site's local time."),
    )
    horizon_start = forms.DateField(
        label=_("First day to forecast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the day after the history."),
    )
    horizon_days = forms.IntegerField(label=_("Days"), min_value=1, max_value=62, initial=7)
    all_methods = forms.BooleanField(
        label=_("Also try the statsforecast models (slower)"), required=False
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]

    def clean_history(self) -> Any:
        upload = self.cleaned_data["history"]
        if upload.size > MAX_HISTORY_BYTES:
            raise forms.ValidationError(_("The history file is larger than 20 MB."))
        return upload


class StaffingForm(forms.Form):
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


class ScheduleForm(forms.Form):
    week_start = forms.DateField(
        label=_("Week starting"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(), label=_("Sites"), widget=forms.CheckboxSelectMultiple
    )
    max_seconds = forms.IntegerField(
        label=_("Solver time limit (s)"), min_value=1, max_value=120, initial=10
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
