"""Forms of the simulation pages (validation of the scenario itself is the services')."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.apps.simulation.models import SimulationRun
from relais.apps.simulation.selectors import finished_runs
from relais.apps.simulation.services import DEFAULT_CALLS_PER_HOUR
from relais.apps.simulation.validation import MAX_REPLICATIONS, MAX_TOML_CHARS
from relais.apps.simulation.whatif import (
    OpeningHours,
    Outage,
    ScenarioParts,
    ShareMove,
    WhatIf,
)
from relais.core.importing import UnreadableInput, utf8_text


class TablerForm(forms.Form):
    """Controls with Tabler's classes; a field in error is marked invalid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"


def _replications(initial: int = 5) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Replications"), min_value=1, max_value=MAX_REPLICATIONS, initial=initial
    )


class LiveScenarioForm(TablerForm):
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


class UploadScenarioForm(TablerForm):
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
                data["toml"] = utf8_text(upload.read(), source=upload.name)
            except UnreadableInput as unreadable:
                raise forms.ValidationError(
                    _("Line %(line)s of the file is not UTF-8 text: save it as UTF-8.")
                    % {"line": unreadable.line}
                ) from None
        if not data.get("toml"):
            raise forms.ValidationError(_("Choose a TOML file or paste the scenario's text."))
        return data


class ScenarioForm(TablerForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    toml = forms.CharField(
        label=_("Scenario (TOML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        max_length=MAX_TOML_CHARS,
        strip=False,
    )


class RunForm(TablerForm):
    replications = _replications()


class RunChoiceField(forms.ModelChoiceField[SimulationRun]):
    def label_from_instance(self, obj: SimulationRun) -> str:
        return str(
            _("%(scenario)s, run %(number)s") % {"scenario": obj.scenario.name, "number": obj.pk}
        )


class CompareForm(TablerForm):
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


DAYS = (
    ("mon-fri", _("Monday to Friday")),
    ("mon-sat", _("Monday to Saturday")),
    ("mon-sun", _("Every day")),
)
PERCENT_HINT = _("+10 for 10 % more, -20 for 20 % less; empty or 0: unchanged.")


def _percent(label: Any, minimum: float) -> forms.FloatField:
    return forms.FloatField(
        label=label, required=False, min_value=minimum, max_value=1000, help_text=PERCENT_HINT
    )


def _choice(label: Any, ids: list[str], *, blank: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=[("", blank), *((i, i) for i in ids)]
    )


class WhatIfForm(TablerForm):
    """Changes to a base scenario, written into its TOML by `whatif.apply_what_if`."""

    name = forms.CharField(label=_("Name of the new scenario"), max_length=200)

    def __init__(self, *args: Any, parts: ScenarioParts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts = parts
        for index, queue in enumerate(parts.queues):
            self.fields[f"volume_{index}"] = _percent(
                _("Volume change of queue “%(queue)s” (%%)") % {"queue": queue}, -99
            )
        for index, site in enumerate(parts.sites):
            self.fields[f"staffing_{index}"] = _percent(
                _("Staffing change of site “%(site)s” (%%)") % {"site": site}, -100
            )
        none = _("— none —")
        self.fields["move_queue"] = _choice(_("Queue"), parts.queues, blank=none)
        self.fields["move_partner"] = _choice(_("Partner"), parts.partners, blank=none)
        self.fields["move_percent"] = forms.FloatField(
            label=_("Share moved to the partner (%)"), required=False, min_value=0, max_value=100
        )
        self.fields["outage_site"] = _choice(_("Site down"), parts.sites, blank=none)
        self.fields["outage_from"] = forms.TimeField(
            label=_("Down from (HH:MM, first day)"), required=False
        )
        self.fields["outage_until"] = forms.TimeField(label=_("Down until (HH:MM)"), required=False)
        self.fields["hours_queue"] = _choice(_("Queue"), parts.queues, blank=none)
        self.fields["hours_days"] = forms.ChoiceField(
            label=_("Days"), choices=DAYS, initial="mon-fri", required=False
        )
        self.fields["hours_opens"] = forms.TimeField(label=_("Opens at (HH:MM)"), required=False)
        self.fields["hours_closes"] = forms.TimeField(label=_("Closes at (HH:MM)"), required=False)
        self.style()

    def volume_fields(self) -> list[forms.BoundField]:
        return [self[f"volume_{i}"] for i in range(len(self.parts.queues))]

    def staffing_fields(self) -> list[forms.BoundField]:
        return [self[f"staffing_{i}"] for i in range(len(self.parts.sites))]

    def _together(self, data: dict[str, Any], names: tuple[str, ...], message: Any) -> bool:
        """All of ``names`` given, or none; one missing is an error on it."""
        given = [name for name in names if data.get(name) not in (None, "")]
        if given and len(given) < len(names):
            for name in names:
                if name not in given and name not in self.errors:
                    self.add_error(name, message)
            return False
        return len(given) == len(names)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self._together(
            data,
            ("move_queue", "move_partner", "move_percent"),
            _("To move a share to a partner, give the queue, the partner and the share."),
        ) and not (0 < data["move_percent"] <= 100):
            self.add_error("move_percent", _("The share moved goes from 0 to 100 %."))
        if (
            self._together(
                data,
                ("outage_site", "outage_from", "outage_until"),
                _("For an outage, give the site and the times it goes down and comes back."),
            )
            and data["outage_until"] <= data["outage_from"]
        ):
            self.add_error("outage_until", _("The outage must end after it starts."))
        if (
            self._together(
                data,
                ("hours_queue", "hours_opens", "hours_closes"),
                _("To change opening hours, give the queue and the opening and closing times."),
            )
            and data["hours_closes"] <= data["hours_opens"]
        ):
            self.add_error("hours_closes", _("The queue must close after it opens."))
        return data

    def what_if(self) -> WhatIf:
        data = self.cleaned_data
        volume = {
            queue: float(data.get(f"volume_{i}") or 0) for i, queue in enumerate(self.parts.queues)
        }
        staffing = {
            site: float(data.get(f"staffing_{i}") or 0) for i, site in enumerate(self.parts.sites)
        }
        move = outage = hours = None
        if data.get("move_queue") and data.get("move_percent"):
            move = ShareMove(data["move_queue"], data["move_partner"], data["move_percent"])
        if data.get("outage_site"):
            outage = Outage(data["outage_site"], data["outage_from"], data["outage_until"])
        if data.get("hours_queue"):
            hours = OpeningHours(
                data["hours_queue"],
                data.get("hours_days") or "mon-fri",
                data["hours_opens"],
                data["hours_closes"],
            )
        return WhatIf(volume, staffing, move, outage, hours)
