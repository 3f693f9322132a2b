"""Agents' presence in the engine follows their desktops' connections (docs/presence.md).

An agent is reachable only while a desktop connection of theirs is alive (a lease of kind
`desk` in `realtime`). The router brings the engine in line with the leases when a desktop
connects or loses its connection (requests in the log), every few seconds (connections of a
process that died go stale), and at rebuild. The engine does the rest: no offer while
unreachable, and after the grace (`settings.AGENT_GRACE_S`) the agent is disconnected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from relais.apps.organisation.models import Agent
from relais.apps.realtime.models import LeaseKind
from relais.apps.realtime.selectors import Standing, lease_standings
from relais.core.clock import from_datetime
from relais.core.routing import RoutingEngine, RoutingEvent


def desk_standings(
    agent_ids: Iterable[int] | None = None, *, now: dt.datetime | None = None
) -> dict[int, Standing]:
    """The agents' desktop connections; a connection of an agent whose account was
    deactivated counts for nothing (its socket is being closed: docs/security.md), so they
    get no new offer even before it is."""
    standings = lease_standings(kind=LeaseKind.DESK, subject_ids=agent_ids, now=now)
    connected = [agent for agent, standing in standings.items() if standing.connected]
    if connected:
        barred = Agent.objects.filter(pk__in=connected).exclude(active=True, user__is_active=True)
        for agent_id in barred.values_list("pk", flat=True):
            standings[agent_id] = Standing(False, now or timezone.now())
    return standings


def unreachable_since(standing: Standing | None, now: float) -> float | None:
    """None when connected; else when the last connection was lost (now if none is known)."""
    if standing is not None and standing.connected:
        return None
    if standing is None or standing.lost_at is None:
        return now
    return from_datetime(standing.lost_at)


def presence_sync(
    engine: RoutingEngine, now: float, agent_ids: Iterable[str] | None = None
) -> list[RoutingEvent]:
    """Tell the engine which agents (all, or those of `agent_ids` it knows) a live
    connection reaches, in one read of their leases."""
    known = engine.agent_ids()
    wanted = known if agent_ids is None else sorted(set(agent_ids) & set(known))
    standings = desk_standings(None if agent_ids is None else [int(a) for a in wanted])
    events: list[RoutingEvent] = []
    for agent_id in wanted:
        since = unreachable_since(standings.get(int(agent_id)), now)
        connected = since is None
        if connected != engine.agent_reachable_now(agent_id):
            events += engine.agent_reachable(agent_id, connected, since=since)
    return events
