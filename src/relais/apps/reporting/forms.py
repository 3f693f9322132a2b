"""The reports' filters as a form: dates in the locale's format, errors shown on the field.

A parameter left out of the address takes its default (the last seven days, one row per
day); a date given empty or wrong is an error on its field, never replaced by a default.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relais.apps.organisation.models import SiteKind
from relais.apps.organisation.selectors import agent_list, partner_list, site_list, team_list
from relais.apps.reporting.figures import GROUP_HEADINGS
from relais.apps.reporting.selectors import FILTERS, ReportQuery
from relais.apps.routing.models import Channel, Queue

MAX_DAYS = 400
DEFAULT_DAYS = 7
ANY = ("", _("All"))


def format_hint() -> str:
    """The locale's first date format as a person reads it: `jj/mm/aaaa`, `yyyy-mm-dd`."""
    pattern = str(formats.get_format("DATE_INPUT_FORMATS")[0])
    return (
        pattern.replace("%d", str(pgettext_lazy("date format hint", "dd")))
        .replace("%m", str(pgettext_lazy("date format hint", "mm")))
        .replace("%Y", str(pgettext_lazy("date format hint", "yyyy")))
    )


class LocaleDateField(forms.DateField):
    """A date in the active locale's format (ISO accepted too, as Django adds it)."""

    default_error_messages = {
        "required": _("Enter a date."),
        "invalid": _("“%(value)s” is not a date: write it as %(format)s."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(localize=True, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"value": value, "format": format_hint()},
            ) from error


class ReportForm(forms.Form):
    start = LocaleDateField(label=_("From"))
    end = LocaleDateField(label=_("To"))
    period = forms.ChoiceField(
        label=_("One row per"),
        choices=[
            ("day", pgettext_lazy("report period", "day")),
            ("week", pgettext_lazy("report period", "week")),
            ("month", pgettext_lazy("report period", "month")),
        ],
        initial="day",
    )
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[("", _("Nothing")), *GROUP_HEADINGS.items()],
        required=False,
    )
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    site_kind = forms.ChoiceField(label=_("Site kind"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    partner = forms.ChoiceField(label=_("Partner"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    agent = forms.ChoiceField(label=_("Agent"), required=False)

    def __init__(self, data: Any, *, viewer: Any) -> None:
        today = timezone.localdate()
        defaults = {
            "start": formats.localize_input(today - dt.timedelta(days=DEFAULT_DAYS - 1)),
            "end": formats.localize_input(today),
            "period": "day",
        }
        data = {name: data.get(name) for name in data} | {
            name: value for name, value in defaults.items() if name not in data
        }
        self.entered: dict[str, Any] = data  # the form's data: dates rewritten once valid
        super().__init__(data)
        choices = self.fields
        choices["queue"].choices = [ANY, *((q.code, q.label) for q in Queue.objects.all())]  # type: ignore[attr-defined]
        choices["channel"].choices = [ANY, *Channel.choices]  # type: ignore[attr-defined]
        choices["site_kind"].choices = [ANY, *SiteKind.choices]  # type: ignore[attr-defined]
        choices["site"].choices = [ANY, *((str(s.pk), s.name) for s in site_list(viewer=viewer))]  # type: ignore[attr-defined]
        choices["partner"].choices = [  # type: ignore[attr-defined]
            ANY,
            *((str(p.pk), p.name) for p in partner_list(viewer=viewer)),
        ]
        choices["team"].choices = [ANY, *((str(t.pk), t.name) for t in team_list(viewer=viewer))]  # type: ignore[attr-defined]
        choices["agent"].choices = [  # type: ignore[attr-defined]
            ANY,
            *(
                (str(a.pk), a.user.get_full_name() or a.user.username)
                for a in agent_list(viewer=viewer).select_related("user")
            ),
        ]
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                {
                    "placeholder": format_hint(),
                    "autocomplete": "off",
                    "aria-describedby": f"id_{name}_hint",
                }
            )

    def full_clean(self) -> None:
        """Mark the fields in error for the eye (Tabler's is-invalid) and for screen readers."""
        super().full_clean()
        for name in ("start", "end"):  # an ISO date from a link reads back in the locale's format
            if name not in self.errors and self.cleaned_data.get(name):
                self.entered[name] = formats.localize_input(self.cleaned_data[name])
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"
                if name in ("start", "end"):
                    attrs["aria-describedby"] += f" id_{name}_hint"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date comes before the start date."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "end",
                    _(
                        "A report covers at most %(days)s days: choose a later start or an "
                        "earlier end."
                    )
                    % {"days": MAX_DAYS},
                )
        return data

    def query(self) -> ReportQuery:
        """The valid form as the selectors' query."""
        data = self.cleaned_data
        return ReportQuery(
            start=data["start"],
            end=data["end"],
            period=data["period"],
            group_by=data["group_by"] or None,
            filters={name: data[name] for name in FILTERS if data.get(name)},
        )

    def link_query(self) -> dict[str, str]:
        """The valid form as query parameters readable in any language (ISO dates)."""
        data = self.cleaned_data
        params = {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
        for name in ("period", "group_by", *FILTERS):
            if data.get(name):
                params[name] = data[name]
        return params
