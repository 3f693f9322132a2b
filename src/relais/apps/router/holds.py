"""Holding many agents back from queues in the live router (a briefing published).

`queue_holds_place` writes `routing.QueueHold` rows inside the caller's transaction and
appends `queue.configuration_changed`: the router rebuilds its engine from the record, where
the held agents are no longer eligible for those queues. Holding one agent and lifting holds
(an acknowledgement, hundreds an hour) append `agent.holds_changed` instead, which the router
applies to that agent alone: `interactions.holds` (docs/router.md, docs/briefings.md).
The caller (e.g. a briefing's publication) audits the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

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
