"""Forms of the simulation pages (validation of the scenario itself is the services')."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.apps.simulation.models import SimulationRun
from relais.apps.simulation.selectors import finished_runs
from relais.apps.simulation.services import DEFAULT_CALLS_PER_HOUR
from relais.apps.simulation.validation import MAX_REPLICATIONS, MAX_TOML_CHARS


def _replications(initial: int = 5) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Replications"), min_value=1, max_value=MAX_REPLICATIONS, initial=initial
    )


class LiveScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, initial=_("Live configuration"))
    calls_per_hour = forms.FloatField(
        label=_("Contacts per hour and queue"),
        min_value=0.0,
        max_value=10_000.0,
        initial=DEFAULT_CALLS_PER_HOUR,
    )
    hours = forms.FloatField(
        label=_("Duration (hours)"), min_value=0.5, max_value=24 * 7, initial=8.0
    )
    replications = _replications()


class UploadScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    file = forms.FileField(label=_("TOML file"), required=False)
    toml = forms.CharField(
        label=_("or the scenario's text"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        required=False,
        max_length=MAX_TOML_CHARS,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_TOML_CHARS * 4:
                raise forms.ValidationError(_("The file is too large."))
            try:
                data["toml"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not data.get("toml"):
            raise forms.ValidationError(_("Choose a TOML file or paste the scenario's text."))
        return data


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    toml = forms.CharField(
        label=_("Scenario (TOML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        max_length=MAX_TOML_CHARS,
        strip=False,
    )


class RunForm(forms.Form):
    replications = _replications()


class RunChoiceField(forms.ModelChoiceField[SimulationRun]):
    def label_from_instance(self, obj: SimulationRun) -> str:
        return str(
            _("%(scenario)s, run %(number)s") % {"scenario": obj.scenario.name, "number": obj.pk}
        )


class CompareForm(forms.Form):
    first = RunChoiceField(label=_("Run A"), queryset=SimulationRun.objects.none())
    second = RunChoiceField(label=_("Run B"), queryset=SimulationRun.objects.none())

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        runs = finished_runs(viewer=viewer)
        for name in ("first", "second"):
            field = self.fields[name]
            if isinstance(field, RunChoiceField):
                field.queryset = runs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first") is not None and data.get("first") == data.get("second"):
            raise forms.ValidationError(_("Choose two different runs."))
        return data
