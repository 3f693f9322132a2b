"""The router's decisions, in the agents' desktop streams (docs/events-protocol.md).

The router calls `router_decisions_record` in the transaction that writes its decisions,
right after them: an offer made, an offer ended (expired, withdrawn, the customer gone), a
contact dropped or taken back into its queue from an agent who left, a presence the router
changed. Each becomes the agent's next numbered event, pushed to the desktop after commit,
so an offer reaches the browser with no further database work on the web side.

Lock order: the decisions have locked their contacts; the desk cursors come after, agent by
agent in ascending order (a desk write for one agent takes its contact first, then that
agent's cursor: no cycle). Keys make it idempotent: a rebuild that repeats a decision
records nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from relais.apps.desktop.events import (
    ContactClosedEvent,
    OfferEndedEvent,
    desk_event_append,
)
from relais.apps.desktop.models import DeskEvent
from relais.apps.desktop.sync import offer_append, sync_presence
from relais.apps.interactions.models import Contact, ContactState
from relais.core.routing import (
    AgentStateChanged,
    ContactDropped,
    ContactQueued,
    OfferExpired,
    OfferWithdrawn,
    RoutingEvent,
)
from relais.core.routing import OfferMade as EngineOfferMade

#: What an engine event asks of one agent's stream: (action, contact id, detail: the
#: reason an offer ended, or the presence as `state:break reason`).
Step = tuple[str, int, str]


def router_decisions_record(events: Iterable[RoutingEvent]) -> None:
    """Record in the agents' streams what the router decided (its decisions written)."""
    steps: dict[int, list[Step]] = defaultdict(list)
    for event in events:
        match event:
            case EngineOfferMade(auto_accepted=False):
                steps[int(event.agent_id)].append(("offer", int(event.contact_id), ""))
            case OfferExpired():
                steps[int(event.agent_id)].append(("end", int(event.contact_id), "expired"))
            case OfferWithdrawn():
                reason = "abandoned" if event.reason == "abandoned" else "withdrawn"
                steps[int(event.agent_id)].append(("end", int(event.contact_id), reason))
            case ContactDropped():
                steps[int(event.agent_id)].append(("drop", int(event.contact_id), ""))
            case ContactQueued(requeued=True):
                holder = _open_chat_holder(int(event.contact_id))
                if holder is not None:
                    steps[holder].append(("drop", int(event.contact_id), ""))
            case AgentStateChanged():
                reason = event.reason.value if event.reason else ""
                steps[int(event.agent_id)].append(("presence", 0, f"{event.state.value}:{reason}"))
    for agent_id in sorted(steps):
        presence = ""
        for action, contact_id, reason in steps[agent_id]:
            if action == "offer":
                _offer(agent_id, contact_id)
            elif action == "end":
                _offer_end(agent_id, contact_id, reason)
            elif action == "drop":
                _drop(agent_id, contact_id)
            else:
                presence = reason
        if presence:  # once, with the state the batch left
            state, _, break_reason = presence.partition(":")
            sync_presence(agent_id, known=(state, break_reason))


def _offer(agent_id: int, contact_id: int) -> None:
    contact = (
        Contact.objects.select_related("queue")
        .filter(pk=contact_id, agent_id=agent_id, state=ContactState.OFFERED)
        .first()
    )
    if contact is not None:  # else taken back later in the same batch
        offer_append(agent_id, contact, contact_locked=True)


def _last_key(agent_id: int, contact_id: int, prefixes: tuple[str, ...]) -> str | None:
    """The newest key of the agent's stream for the contact among `prefixes`."""
    keys = (
        DeskEvent.objects.filter(agent_id=agent_id, contact_id=contact_id)
        .exclude(key="")
        .order_by("-seq")
        .values_list("key", flat=True)
    )
    return next((key for key in keys[:20] if key.partition(":")[0] in prefixes), None)


def _offer_end(agent_id: int, contact_id: int, reason: str) -> None:
    key = _last_key(agent_id, contact_id, ("offer",))
    if key is None:  # never shown (an offer and its end in one batch, or auto-accepted)
        return
    rest = key.partition(":")[2]
    desk_event_append(
        agent_id=agent_id,
        event=OfferEndedEvent(contact_id=contact_id, reason=reason),
        contact_id=contact_id,
        key=f"end:{rest}",
        unless=(f"open:{rest}",),
        contact_locked=True,
    )


def _drop(agent_id: int, contact_id: int) -> None:
    """A contact the agent no longer holds: a conversation is closed, an offer ended."""
    key = _last_key(agent_id, contact_id, ("offer", "open"))
    if key is None:
        return
    kind, _, rest = key.partition(":")
    if kind == "offer":
        _offer_end(agent_id, contact_id, "withdrawn")
        return
    desk_event_append(
        agent_id=agent_id,
        event=ContactClosedEvent(contact_id=contact_id, reason="dropped"),
        contact_id=contact_id,
        key=f"closed:{rest}",
        contact_locked=True,
    )


def _open_chat_holder(contact_id: int) -> int | None:
    """The agent whose stream shows the contact's conversation open, if any."""
    row = (
        DeskEvent.objects.filter(contact_id=contact_id, key__startswith="open:")
        .order_by("-pk")
        .values_list("agent_id", "key")
        .first()
    )
    if row is None:
        return None
    agent_id, key = row
    closed = f"closed:{key.partition(':')[2]}"
    if DeskEvent.objects.filter(agent_id=agent_id, key=closed).exists():
        return None
    return int(agent_id)
