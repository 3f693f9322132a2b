"""Reads of the live figures, through the viewer's scope (docs/supervision.md, "Scope")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from relais.apps.organisation.models import Site
from relais.apps.organisation.scoping import Scope, scope_for
from relais.apps.supervision.access import require_supervision
from relais.apps.supervision.live.acks import acknowledged
from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.figures import scope_key, snapshot
from relais.apps.supervision.live.frames import LiveFigures
from relais.apps.supervision.live.window import ChartWindow, SiteHours, chart_window
from relais.apps.supervision.live.wording import localized


def live_figures(*, viewer: Any, language: str | None = None) -> LiveFigures:
    """The figures of the viewer's scope now, from a board rebuilt from the record, with the
    acknowledgements of their scope on the alerts, in words in `language` (default: the
    active language)."""
    require_supervision(viewer)
    board = LiveBoard()
    board.rebuild()
    scope = scope_for(viewer)
    figures = acknowledged(snapshot(board, scope, board.clock()), scope_key(scope))
    return localized(figures, language or get_language() or settings.LANGUAGE_CODE)


def _sites(scope: Scope) -> list[Site]:
    sites = Site.objects.filter(active=True).prefetch_related("opening_hours")
    if scope.everything:
        return list(sites)
    if scope.partner_id is not None:
        return list(sites.filter(partner_id=scope.partner_id))
    return list(sites.filter(teams__id__in=scope.team_ids).distinct())


def viewer_window(*, viewer: Any, now: float, last_hours: int | None = None) -> ChartWindow:
    """The day chart's window for the viewer: their sites' opening hours today (or the last
    N hours) in their site's time zone; the organisation's (settings.TIME_ZONE) for a viewer
    who watches every site or several time zones."""
    require_supervision(viewer)
    sites = _sites(scope_for(viewer))
    zones = {site.time_zone for site in sites}
    zone = zones.pop() if len(zones) == 1 else settings.TIME_ZONE
    hours = [
        SiteHours(
            site.time_zone,
            tuple((p.weekday, p.opens_at, p.closes_at) for p in site.opening_hours.all()),
        )
        for site in sites
    ]
    return chart_window(now, zone, hours, last_hours)
