"""What the B2BUA follows in the event log: the router's offers of voice contacts.

Interim reader until the record's offers feed (`apps/voice/offers.py`) is merged: it reads
the log after a cursor, like the router, and turns what concerns a call into `Ring`,
`StopRinging` and `Closed` for the reactor. A transfer in the record puts the contact back
in line for the chosen agent; the router's offer to them arrives here as a `Ring` while the
call is talking, which the call treats as the transfer. Runs on the record's worker thread.
"""

from __future__ import annotations

from django.db.models import Max

from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.routing.models import Channel
from relais.apps.voice import selectors
from relais.apps.voice.b2bua.record import Closed, FeedEvent, Ring, StopRinging
from relais.apps.voice.models import Call, CallState, LineKind

_KINDS = (
    EventKind.OFFER_MADE,
    EventKind.OFFER_EXPIRED,
    EventKind.OFFER_WITHDRAWN,
    EventKind.CONTACT_DROPPED,
)


class OffersFeed:
    """Called again and again on the worker thread; returns what happened since last time."""

    def __init__(self) -> None:
        self.cursor: int | None = None

    def __call__(self) -> list[FeedEvent]:
        if self.cursor is None:
            return self._start()
        rows = list(
            ContactEvent.objects.filter(
                id__gt=self.cursor, kind__in=_KINDS, contact__channel=Channel.VOICE
            )
            .order_by("id")
            .values("id", "kind", "contact_id", "agent_id")
        )
        if not rows:
            return []
        self.cursor = rows[-1]["id"]
        calls = dict(
            Call.objects.filter(contact_id__in={row["contact_id"] for row in rows})
            .exclude(state=CallState.ENDED)
            .values_list("contact_id", "sip_call_id")
        )
        events: list[FeedEvent] = []
        for row in rows:
            call_id = calls.get(row["contact_id"])
            if call_id is None:
                continue
            if row["kind"] == EventKind.OFFER_MADE:
                events.append(_ring(row["contact_id"], call_id, row["agent_id"]))
            elif row["kind"] == EventKind.CONTACT_DROPPED:
                events.append(Closed(row["contact_id"], call_id))
            else:
                events.append(StopRinging(row["contact_id"], call_id, row["agent_id"]))
        return events

    def _start(self) -> list[FeedEvent]:
        """From now on; and the offers standing already (rung again by a new active)."""
        self.cursor = ContactEvent.objects.aggregate(last=Max("id"))["last"] or 0
        offered = Contact.objects.filter(
            channel=Channel.VOICE,
            state=ContactState.OFFERED,
            call__state__in=[CallState.QUEUED, CallState.RINGING],
        ).values_list("pk", "call__sip_call_id", "agent_id")
        return [_ring(pk, call_id, agent_id) for pk, call_id, agent_id in offered if agent_id]


def _ring(contact_id: int, call_id: str, agent_id: int) -> Ring:
    target = selectors.line_target(agent_id)
    contact = Contact.objects.get(pk=contact_id)
    return Ring(
        contact_id=contact_id,
        call_id=call_id,
        agent_id=agent_id,
        uri=target.uri,
        webrtc=target.kind == LineKind.BROWSER,
        display=selectors.caller_for_agent(contact, agent_id),
    )
