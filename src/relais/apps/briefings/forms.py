"""The form a director or supervisor writes a briefing with (docs/briefings.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Partner, Site, Skill, SkillKind
from relais.apps.routing.models import Queue
from relais.core.briefings import RolloutMode

CHOICES_PER_QUESTION = 4


def _languages() -> list[tuple[str, str]]:
    skills = Skill.objects.filter(kind=SkillKind.LANGUAGE).order_by("code")
    return [(skill.code, str(skill)) for skill in skills]


class BriefingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    queues = forms.ModelMultipleChoiceField(
        label=_("Queues"), queryset=Queue.objects.filter(active=True).order_by("code")
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites (none: all)"), queryset=Site.objects.order_by("name"), required=False
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners (none: all)"), queryset=Partner.objects.order_by("name"), required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages (none: all)"), choices=lambda: _languages(), required=False
    )
    blocking = forms.BooleanField(
        label=_("Blocking: to acknowledge before any contact of these queues"), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("Start (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    rollout_mode = forms.ChoiceField(
        label=_("Roll-out"),
        choices=[
            (RolloutMode.AFTER_CONTACT.value, _("To every agent, after the contact in hand")),
            (RolloutMode.WAVES.value, _("In waves")),
        ],
        initial=RolloutMode.AFTER_CONTACT.value,
        widget=forms.RadioSelect,
    )
    wave_agents = forms.IntegerField(label=_("Agents per wave"), min_value=1, required=False)
    wave_percent = forms.FloatField(
        label=_("Or percentage of agents per wave"), min_value=1, max_value=100, required=False
    )
    wave_every_minutes = forms.IntegerField(
        label=_("Minutes between waves"), min_value=1, max_value=240, initial=10
    )
    reading_minutes = forms.FloatField(
        label=_("Expected reading time (minutes)"), min_value=0.5, max_value=60, initial=3
    )
    contacts_per_hour = forms.FloatField(
        label=_("Expected contacts per hour and queue"), min_value=1, max_value=5000, initial=60
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in (1, 2):
            self.fields[f"q{number}_prompt"] = forms.CharField(
                label=_("Check question %(number)s") % {"number": number},
                max_length=300,
                required=False,
            )
            for choice in range(1, CHOICES_PER_QUESTION + 1):
                self.fields[f"q{number}_choice{choice}"] = forms.CharField(
                    label=_("Choice %(number)s") % {"number": choice},
                    max_length=200,
                    required=False,
                )
            self.fields[f"q{number}_correct"] = forms.TypedChoiceField(
                label=_("Correct choice"),
                choices=[(str(n), str(n)) for n in range(1, CHOICES_PER_QUESTION + 1)],
                coerce=int,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rollout_mode") == RolloutMode.WAVES.value and (
            (data.get("wave_agents") is None) == (data.get("wave_percent") is None)
        ):
            self.add_error(
                "wave_agents", _("Give either a number of agents or a percentage per wave.")
            )
        starts_at = data.get("starts_at")
        if starts_at is not None and timezone.is_naive(starts_at):
            data["starts_at"] = timezone.make_aware(starts_at, dt.UTC)
        return data

    def question_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"q{n}_prompt"]]
            + [self[f"q{n}_choice{c}"] for c in range(1, CHOICES_PER_QUESTION + 1)]
            + [self[f"q{n}_correct"]]
            for n in (1, 2)
        ]
