"""Reads of crisis modes: the one on, and what the widget and the help centre show of it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relais.apps.crisis.access import may_see_state, may_switch
from relais.apps.crisis.models import CrisisMode


def crisis_mode_on() -> CrisisMode | None:
    return CrisisMode.objects.filter(on=True).select_related("briefing").first()


def crisis_modes(*, viewer: Any) -> QuerySet[CrisisMode]:
    """Every mode with its changes for those who switch; the one on (if any) for watchers."""
    if may_switch(viewer):
        return CrisisMode.objects.prefetch_related("changes__queue", "articles").select_related(
            "briefing", "switched_by"
        )
    if may_see_state(viewer):
        return CrisisMode.objects.filter(on=True).select_related("briefing")
    return CrisisMode.objects.none()


def crisis_widget_notice(*, language: str, **_: Any) -> str:
    """The widget message of the mode on, in the customer's language ("" when none is on)."""
    mode = crisis_mode_on()
    return mode.widget_message(language) if mode else ""


def crisis_articles(**_: Any) -> list[int]:
    """The ids of the articles the mode on shows first in the help centre."""
    mode = crisis_mode_on()
    return list(mode.articles.values_list("pk", flat=True)) if mode else []
