"""The contacts the demo agents handled during their shifts (demo/shifts.py), so that the history
has the volume its staffed hours imply: a few contacts an hour per agent, in the queues the
agent's skills take, each answered after a wait (longer at the offshore sites, which take the
overflow), handled for a few minutes, wrapped up with a reason; and, beside them, the callers
who gave up waiting (a few in a hundred, more where the waits are longer). Costs per contact on
`/sourcing/`, Carpathia's per-contact statement and the reports then read like a real month.

Rows are written in bulk, as the history they are (`"source": "demo-history"`); the event
written with each (`offer.accepted`, as the survey history has) is marked `by_router`: a
running router never takes it for a request.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from relais.apps.desktop.models import WrapUp, WrapUpReason
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent, AgentSkill, SiteKind
from relais.apps.routing.models import Channel, Queue, QueueSkill

HISTORY_MARK = "demo-history"
PER_HOUR = 4.5  # contacts an agent takes in an hour logged in, on average
CUSTOMERS = 100_000  # one in five contacts or so a repeat within a week
#: Contacts abandoned for each handled one, where the waits are short or long (offshore).
ABANDONED = {False: 0.05, True: 0.09}
BATCH = 2000

type Period = tuple[dt.datetime, dt.datetime]


class Workload:
    """What each agent may handle, and the rows made so far (`flush` writes them)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.queues = _queues_by_agent()
        self.reasons = list(WrapUpReason.objects.filter(active=True))
        self.contacts: list[Contact] = []
        self.abandoned: list[Contact] = []

    def handle(self, agent: Agent, periods: Iterable[Period]) -> None:
        """The contacts `agent` took while logged in and not on a break (`periods`)."""
        queues = self.queues.get(agent.pk)
        if not queues or not self.reasons:
            return
        offshore = agent.site.kind == SiteKind.OFFSHORE
        for begins, ends in periods:
            moment = begins + dt.timedelta(seconds=self.rng.expovariate(PER_HOUR / 3600))
            while moment < ends:
                handled = dt.timedelta(seconds=self.rng.uniform(120, 480))
                queue = self.rng.choice(queues)
                self.contacts.append(self._contact(agent, queue, moment, handled, offshore))
                if self.rng.random() < ABANDONED[offshore]:
                    self.abandoned.append(self._abandoned(queue, moment, offshore))
                moment += handled + dt.timedelta(seconds=30 + self.rng.expovariate(PER_HOUR / 3600))
        if len(self.contacts) >= BATCH:
            self.flush()

    def _contact(
        self,
        agent: Agent,
        queue: Queue,
        accepted: dt.datetime,
        handled: dt.timedelta,
        offshore: bool,
    ) -> Contact:
        waited = dt.timedelta(seconds=self.rng.expovariate(1 / (70 if offshore else 18)))
        key = self._customer(queue)
        ended = accepted + handled
        return Contact(
            channel=queue.channel,
            queue=queue,
            priority=0,
            customer_key=key,
            attributes={"source": HISTORY_MARK},
            state=ContactState.CLOSED,
            close_reason="handled",
            created_at=accepted - waited,
            queued_at=accepted - waited,
            accepted_at=accepted,
            wrap_up_at=ended,
            closed_at=ended + dt.timedelta(seconds=30),
            agent=agent,
            site=agent.site,
            partner_id=agent.site.partner_id,
        )

    def _abandoned(self, queue: Queue, moment: dt.datetime, offshore: bool) -> Contact:
        arrived = moment - dt.timedelta(seconds=self.rng.uniform(0, 300))
        waited = dt.timedelta(seconds=5 + self.rng.expovariate(1 / (90 if offshore else 45)))
        return Contact(
            channel=queue.channel,
            queue=queue,
            priority=0,
            customer_key=self._customer(queue),
            attributes={"source": HISTORY_MARK},
            state=ContactState.ABANDONED,
            created_at=arrived,
            queued_at=arrived,
            abandoned_at=arrived + waited,
        )

    def _customer(self, queue: Queue) -> str:
        customer = self.rng.randrange(CUSTOMERS)
        if queue.channel == Channel.VOICE:
            return f"tel:+336{customer:08d}"
        return f"email:client{customer}@example.com"

    def flush(self) -> None:
        Contact.objects.bulk_create(self.abandoned, batch_size=BATCH)
        self.abandoned = []
        if not self.contacts:
            return
        made = Contact.objects.bulk_create(self.contacts, batch_size=BATCH)
        ContactEvent.objects.bulk_create(
            [
                ContactEvent(
                    at=cast(dt.datetime, contact.accepted_at),
                    kind=EventKind.OFFER_ACCEPTED,
                    contact=contact,
                    agent_id=contact.agent_id,
                    queue_id=contact.queue_id,
                    by_router=True,
                )
                for contact in made
            ],
            batch_size=BATCH,
        )
        WrapUp.objects.bulk_create(
            [
                WrapUp(
                    contact=contact,
                    reason=self.rng.choice(self.reasons),
                    agent_id=cast(int, contact.agent_id),
                    created_at=cast(dt.datetime, contact.wrap_up_at),
                )
                for contact in made
            ],
            batch_size=BATCH,
        )
        self.contacts = []


def _queues_by_agent() -> dict[int, list[Queue]]:
    """The active queues each agent's skills take (every skill the queue needs, at its level)."""
    needs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for queue_id, skill_id, level in QueueSkill.objects.values_list(
        "queue_id", "skill_id", "min_level"
    ):
        needs[queue_id].append((skill_id, level))
    held: dict[int, dict[int, int]] = defaultdict(dict)
    for agent_id, skill_id, level in AgentSkill.objects.values_list(
        "agent_id", "skill_id", "level"
    ):
        held[agent_id][skill_id] = level
    queues = [queue for queue in Queue.objects.filter(active=True) if needs.get(queue.pk)]
    return {
        agent_id: [
            queue
            for queue in queues
            if all(skills.get(skill, 0) >= level for skill, level in needs[queue.pk])
        ]
        for agent_id, skills in held.items()
    }
