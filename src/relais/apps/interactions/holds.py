"""Holding one agent back from queues, and letting agents go again: `routing.QueueHold` rows
written inside the caller's transaction, and `agent.holds_changed` for each agent concerned,
which the live router applies to that agent alone (it reads the agent's holds from the record
and updates it without a rebuild; docs/router.md, "Agents held back from queues").

Used by a blocking briefing's acknowledgement (its agent's holds lifted) and by a consultation
of a queue (the colleague picked reserved, then let go). Holding many agents at once (a
briefing published) is the router's `queue_holds_place`: it asks for a rebuild instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import EventKind
from relais.apps.routing.holds import QueueHold
from relais.apps.routing.models import Queue


def agent_holds_place(*, agent_id: int, queues: Iterable[Queue], source: str) -> int:
    """Hold one agent back from the queues for `source`; returns the rows added."""
    now = timezone.now()
    rows = [QueueHold(agent_id=agent_id, queue=queue, source=source, since=now) for queue in queues]
    QueueHold.objects.bulk_create(rows, ignore_conflicts=True)
    event_append(
        kind=EventKind.AGENT_HOLDS_CHANGED, at=now, agent_id=agent_id, data={"placed": source}
    )
    return len(rows)


def queue_holds_lift(*, source: str, agent_id: int | None = None) -> int:
    """The agent (None: every agent held for `source`) is no longer held back for `source`;
    returns the rows removed."""
    held = QueueHold.objects.filter(source=source)
    if agent_id is not None:
        agents, held = [agent_id], held.filter(agent_id=agent_id)
    else:
        agents = sorted(set(held.values_list("agent_id", flat=True)))
        if not agents:
            return 0
    removed, _ = held.delete()
    if removed:
        now = timezone.now()
        for agent in agents:
            event_append(
                kind=EventKind.AGENT_HOLDS_CHANGED, at=now, agent_id=agent, data={"lifted": source}
            )
    return removed


__all__ = ["agent_holds_place", "queue_holds_lift"]
