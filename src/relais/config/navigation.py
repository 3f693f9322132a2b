"""The shell's navigation: the pages a person's role may use, grouped into a few menus, each
entry with its icon, and which one the current page is (docs/interface.md, "The shell").

A context processor, so every page extending base.html gets `navigation` without its view
knowing about it. Each entry asks the app that owns the page whether the person may use it.
The entries are grouped (Operate, Plan, Analyse, Organisation) so that the longest menu fits a
1280 px screen; a group the person has one page of is shown as that page's link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relais.apps.accounts.models import Role
from relais.apps.briefings.access import may_follow, may_publish
from relais.apps.compliance.selectors import may_see_compliance
from relais.apps.contracts.access import may_see_statements
from relais.apps.crisis.access import may_see_state as may_see_crisis
from relais.apps.quality.access import may_evaluate, may_read_quality
from relais.apps.reporting.selectors import may_see_reports
from relais.apps.satisfaction.league import may_see_satisfaction
from relais.apps.simulation.access import can_view as may_view_simulation
from relais.apps.sourcing.access import may_compare as may_compare_sourcing
from relais.apps.supervision.access import may_supervise
from relais.apps.wfm.request_selectors import can_read_requests


@dataclass(frozen=True)
class Entry:
    key: str
    label: Any
    icon: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class Group:
    """A menu of the navigation bar: a dropdown, or a plain link when it has one entry."""

    key: str
    label: Any
    icon: str
    entries: tuple[Entry, ...]

    @property
    def active(self) -> bool:
        return any(entry.active for entry in self.entries)

    @property
    def single(self) -> Entry | None:
        return self.entries[0] if len(self.entries) == 1 else None


#: (key, label, Tabler icon) of each group, in menu order; "home" is the dashboard alone.
GROUPS: list[tuple[str, Any, str]] = [
    ("home", _("Dashboard"), "home"),
    ("operate", _("Operate"), "headset"),
    ("plan", _("Plan"), "calendar-week"),
    ("analyse", _("Analyse"), "chart-bar"),
    ("organisation", _("Organisation"), "building"),
]


def _is_agent(user: Any) -> bool:
    return user.role == Role.AGENT and not user.is_superuser


def entries_for(user: Any) -> list[tuple[str, str, Any, str, str]]:
    """(group, key, label, Tabler icon, URL name) of the pages `user` may use, in menu order."""
    items: list[tuple[str, str, Any, str, str]] = [("home", "home", _("Dashboard"), "home", "home")]
    if _is_agent(user):
        items.append(("operate", "desktop", _("Desktop"), "headset", "desktop:desktop"))
    if not _is_agent(user) and may_supervise(user):
        items.append(
            ("operate", "supervision", _("Supervision"), "broadcast", "supervision:wallboard")
        )
    if not _is_agent(user) and (may_follow(user) or may_publish(user)):
        items.append(("operate", "briefings", _("Briefings"), "news", "briefings:list"))
    if not _is_agent(user) and may_see_crisis(user):
        items.append(("operate", "crisis", _("Crisis modes"), "alert-triangle", "crisis:index"))
    if user.role == Role.SUPERVISOR:
        items.append(("operate", "help", _("Help requests"), "hand-stop", "desktop:help_inbox"))
    items.append(("plan", "planning", _("Planning"), "calendar-week", "wfm:planning"))
    if can_read_requests(user):
        items.append(("plan", "staffing_requests", _("Staffing requests"), "scale", "wfm:requests"))
    if may_view_simulation(user):
        items.append(("plan", "simulation", _("Simulation"), "flask", "simulation:index"))
    if not _is_agent(user) and may_see_reports(user):
        items.append(("analyse", "reports", _("Reports"), "chart-bar", "reporting:reports"))
    if may_see_statements(user):
        items.append(("analyse", "statements", _("Statements"), "file-invoice", "contracts:index"))
    items.append(("analyse", "knowledge", _("Knowledge"), "book", "knowledge:index"))
    if may_see_satisfaction(user):
        items.append(
            ("analyse", "satisfaction", _("Satisfaction"), "mood-smile", "satisfaction:league")
        )
    if may_compare_sourcing(user):
        items.append(("analyse", "sourcing", _("Sourcing"), "arrows-split", "sourcing:compare"))
    if _is_agent(user):
        items.append(("analyse", "quality", _("My evaluations"), "clipboard-check", "quality:mine"))
    elif may_read_quality(user) or may_evaluate(user):
        items.append(("analyse", "quality", _("Quality"), "clipboard-check", "quality:index"))
    items += [
        ("organisation", "sites", _("Sites"), "building", "organisation:sites"),
        ("organisation", "teams", _("Teams"), "users-group", "organisation:teams"),
        ("organisation", "agents", _("Agents"), "user", "organisation:agents"),
        ("organisation", "partners", _("Partners"), "building-community", "organisation:partners"),
    ]
    if may_see_compliance(user):
        items += [
            ("organisation", "audit", _("Audit log"), "list-search", "compliance:audit_log"),
            (
                "organisation",
                "customer_data",
                _("Customer data"),
                "user-shield",
                "compliance:customer",
            ),
            ("organisation", "retention", _("Retention"), "calendar-time", "compliance:retention"),
        ]
    if user.is_staff:
        items.append(("organisation", "admin", _("Administration"), "settings", "admin:index"))
    return items


def _current(path: str, urls: list[str]) -> str | None:
    """The URL of the page `path` belongs to: the longest matching prefix ("/" only itself)."""
    matching = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    return max(matching, key=len, default=None)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        (group, key, label, icon, reverse(name))
        for group, key, label, icon, name in entries_for(user)
    ]
    current = _current(request.path, [item[4] for item in items])
    groups = []
    for group_key, group_label, group_icon in GROUPS:
        entries = tuple(
            Entry(key, label, icon, url, url == current)
            for group, key, label, icon, url in items
            if group == group_key
        )
        if entries:
            groups.append(Group(group_key, group_label, group_icon, entries))
    return {"navigation": groups}
