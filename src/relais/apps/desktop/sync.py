"""Keeping an agent's event stream up to the record (docs/events-protocol.md).

The router records its decisions in the streams itself (`desktop/decided.py`); what is
here repairs a stream that missed something all the same (a contact accepted through the
API rather than the desktop, a stream from before an upgrade): `desk_sync` compares what
the record says about the agent (offers, contacts held, presence) with the stream and
appends what is missing, idempotently (each offer has a key made of contact and offer
time). A desktop runs it when it says hello.
"""

from __future__ import annotations

from django.db import transaction

from relais.apps import rows
from relais.apps.deskstream.events import (
    ContactClosedEvent,
    OfferEndedEvent,
    PresenceChangedEvent,
    desk_event_append,
    offer_key,
)
from relais.apps.deskstream.models import DeskCursor, DeskEvent
from relais.apps.desktop import selectors
from relais.apps.interactions.models import AgentPresence, Contact, ContactState, PresenceState

S = ContactState


def offer_append(agent_id: int, contact: Contact) -> DeskEvent | None:
    """The offer of `contact` (with its queue) in the agent's stream, unless recorded or
    answered already."""
    key = offer_key(contact)
    return desk_event_append(
        agent_id=agent_id,
        event=selectors.offer_view(contact),
        contact_id=contact.pk,
        key=f"offer:{key}",
        unless=(f"open:{key}", f"end:{key}"),  # answered meanwhile (another thread)
    )


def desk_last_seq(*, agent_id: int) -> int:
    """The number of the agent's last event (0: none)."""
    cursor = rows.first(DeskCursor, agent_id=agent_id)
    return cursor.last_seq if cursor is not None else 0


def desk_sync(*, agent_id: int) -> int:
    """Bring the agent's event stream up to the record: offers made or gone, contacts
    dropped by the router, presence changed by it. Idempotent; returns events added."""
    added = 0
    with transaction.atomic():
        for contact in Contact.objects.select_related("queue").filter(
            agent_id=agent_id, state=S.OFFERED
        ):
            added += bool(offer_append(agent_id, contact))
        added += _sync_ended(agent_id)
        added += sync_presence(agent_id) is not None
    return added


def _open_keys(agent_id: int) -> list[tuple[str, str]]:
    """(kind, rest) of the recent offers without an answer and chats without a closing."""
    recent = (
        DeskEvent.objects.filter(agent_id=agent_id)
        .exclude(key="")
        .order_by("-seq")
        .values_list("key", flat=True)[:300]
    )
    keys = set(recent)
    answer = {"offer": ("open", "end"), "open": ("closed",)}
    found = []
    for key in keys:
        kind, _, rest = key.partition(":")
        if kind in answer and not any(f"{then}:{rest}" in keys for then in answer[kind]):
            found.append((kind, rest))
    return found


def _sync_ended(agent_id: int) -> int:
    """Offers without an answer and chats without a closing, no longer the agent's."""
    added = 0
    pending = _open_keys(agent_id)
    ids = {int(rest.split(":")[0]) for _, rest in pending}
    contacts = Contact.objects.in_bulk(ids) if ids else {}
    for kind, rest in pending:
        contact_id = int(rest.split(":")[0])
        contact = contacts.get(contact_id)
        if contact is None:
            continue
        still = contact.agent_id == agent_id and offer_key(contact) == rest
        if kind == "offer" and not (still and contact.state == S.OFFERED):
            if still and contact.state in (S.ACCEPTED, S.WRAP_UP, S.CLOSED):
                continue  # accepted from elsewhere: chat.opened follows from that service
            reason = "abandoned" if contact.state == S.ABANDONED else "withdrawn"
            if contact.timed_out_at is not None and contact.state == S.QUEUED:
                reason = "expired"
            added += bool(
                desk_event_append(
                    agent_id=agent_id,
                    event=OfferEndedEvent(contact_id=contact_id, reason=reason),
                    contact_id=contact_id,
                    key=f"end:{rest}",
                )
            )
        elif kind == "open" and not still:
            added += bool(
                desk_event_append(
                    agent_id=agent_id,
                    event=ContactClosedEvent(contact_id=contact_id, reason="dropped"),
                    contact_id=contact_id,
                    key=f"closed:{rest}",
                )
            )
    return added


def sync_presence(agent_id: int) -> DeskEvent | None:
    """A `presence.changed` event when the record's presence is not the stream's last."""
    presence = AgentPresence.objects.filter(agent_id=agent_id).first()
    state = presence.state if presence else PresenceState.OFFLINE
    reason = presence.break_reason if presence else ""
    last = (
        DeskEvent.objects.filter(agent_id=agent_id, kind="presence.changed")
        .order_by("-seq")
        .values_list("payload", flat=True)
        .first()
    )
    if last is not None and (last["state"], last["break_reason"]) == (state, reason):
        return None
    if last is None and state == PresenceState.OFFLINE:
        return None
    since = presence.since if presence else None
    return desk_event_append(
        agent_id=agent_id,
        event=PresenceChangedEvent(state=state, break_reason=reason, since=since),
    )
