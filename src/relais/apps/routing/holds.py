"""Agents held back from queues, whatever their skills (a blocking briefing not acknowledged).

A `QueueHold` row keeps an agent out of one queue's routing for one reason (`source`, e.g.
`briefing:12`); the agent is eligible again once no row holds it for that queue. The router
reads the rows when it builds its engine (`router/rebuild.py`: `AgentProfile.held_queues`);
`router/holds.py` and `interactions/holds.py` write them and tell the router. `models.py`
imports this module, which registers the model with the `routing` app.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.apps.organisation.models import Agent


class QueueHold(models.Model):
    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    queue = models.ForeignKey(
        "routing.Queue", verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("held back by"), max_length=64)
    since = models.DateTimeField(_("since"))

    class Meta:
        app_label = "routing"
        verbose_name = _("queue hold")
        verbose_name_plural = _("queue holds")
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "queue", "source"], name="routing_queue_hold_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} / {self.queue_id}: {self.source}"


def agent_held_queues(agent_id: int) -> frozenset[str]:
    """The codes of the queues one agent is held back from."""
    return frozenset(
        QueueHold.objects.filter(agent_id=agent_id).values_list("queue__code", flat=True)
    )


def held_queues(agent_ids: Iterable[int] | None = None) -> dict[int, frozenset[str]]:
    """Per agent id (of `agent_ids`; None: every agent), the codes of the queues it is held
    back from."""
    holds = (
        QueueHold.objects.all()
        if agent_ids is None
        else QueueHold.objects.filter(agent_id__in=list(agent_ids))
    )
    found: dict[int, set[str]] = {}
    for agent_id, code in holds.values_list("agent_id", "queue__code"):
        found.setdefault(agent_id, set()).add(code)
    return {agent_id: frozenset(codes) for agent_id, codes in found.items()}
