"""The shell's navigation: the entries a person's role may use, each with its icon, and which
one the current page belongs to (docs/interface.md, "The shell").

A context processor, so every page extending base.html gets `navigation` without its view
knowing about it. Each entry asks the app that owns the page whether the person may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relais.apps.accounts.models import Role
from relais.apps.reporting.selectors import may_see_reports
from relais.apps.simulation.access import can_view as may_view_simulation
from relais.apps.supervision.access import may_supervise


@dataclass(frozen=True)
class Entry:
    key: str
    label: Any
    icon: str
    url: str
    active: bool = False


def _is_agent(user: Any) -> bool:
    return user.role == Role.AGENT and not user.is_superuser


def entries_for(user: Any) -> list[tuple[str, Any, str, str]]:
    """(key, label, Tabler icon, URL name) of the pages `user` may use, in menu order."""
    items: list[tuple[str, Any, str, str]] = [("home", _("Dashboard"), "home", "home")]
    if _is_agent(user):
        items.append(("desktop", _("Desktop"), "headset", "desktop:desktop"))
    if user.role == Role.SUPERVISOR:
        items.append(("help", _("Help requests"), "hand-stop", "desktop:help_inbox"))
    if not _is_agent(user) and may_supervise(user):
        items.append(("supervision", _("Supervision"), "broadcast", "supervision:wallboard"))
    if not _is_agent(user) and may_see_reports(user):
        items.append(("reports", _("Reports"), "chart-bar", "reporting:reports"))
    items.append(("planning", _("Planning"), "calendar-week", "wfm:planning"))
    if may_view_simulation(user):
        items.append(("simulation", _("Simulation"), "flask", "simulation:index"))
    items += [
        ("sites", _("Sites"), "building", "organisation:sites"),
        ("teams", _("Teams"), "users-group", "organisation:teams"),
        ("agents", _("Agents"), "user", "organisation:agents"),
        ("partners", _("Partners"), "building-community", "organisation:partners"),
    ]
    if user.is_staff:
        items.append(("admin", _("Administration"), "settings", "admin:index"))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    path = request.path
    result = []
    for key, label, icon, name in entries_for(user):
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        result.append(Entry(key, label, icon, url, active))
    # the longest matching prefix wins (the home "/" only matches itself)
    best = max((e for e in result if e.active), key=lambda e: len(e.url), default=None)
    return {"navigation": [Entry(e.key, e.label, e.icon, e.url, e is best) for e in result]}
