"""Holding agents back from queues in the live router, and letting them go again.

Each service writes `routing.QueueHold` rows inside the caller's transaction and appends a
request. Placing holds on many agents (a briefing published) appends
`queue.configuration_changed`: the router rebuilds its engine from the record, where the held
agents are no longer eligible for those queues. Lifting one agent's holds (an acknowledgement,
hundreds an hour) appends `agent.holds_changed`: the router reads that agent's holds from the
record and updates it alone (docs/router.md, docs/briefings.md).
The caller (e.g. a briefing's publication or acknowledgement) audits the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import EventKind
from relais.apps.router.services import queue_configuration_changed
from relais.apps.routing.holds import QueueHold
from relais.apps.routing.models import Queue


def queue_holds_place(*, agent_ids: Iterable[int], queues: Iterable[Queue], source: str) -> int:
    """Hold the agents back from the queues for `source`; returns the rows added."""
    queues = list(queues)
    now = timezone.now()
    rows = [
        QueueHold(agent_id=agent_id, queue=queue, source=source, since=now)
        for agent_id in agent_ids
        for queue in queues
    ]
    if not rows:
        return 0
    QueueHold.objects.bulk_create(rows, ignore_conflicts=True)
    queue_configuration_changed(actor=None, queue=queues[0], what={"holds": source})
    return len(rows)


def queue_holds_lift(*, agent_id: int, source: str) -> int:
    """The agent is no longer held back for `source`; returns the rows removed."""
    removed, _ = QueueHold.objects.filter(agent_id=agent_id, source=source).delete()
    if removed:
        event_append(
            kind=EventKind.AGENT_HOLDS_CHANGED,
            at=timezone.now(),
            agent_id=agent_id,
            data={"lifted": source},
        )
    return removed
