"""Who a contact's score belongs to: every agent who handled it (each transfer kept, from
the event log), the one chosen by the policy's rule, and the contact's stratum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from relais.apps.desktop.models import WrapUp
from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.satisfaction.models import Attribution, WaitBand

#: Upper bounds (seconds) of the waiting bands, in order; the last band is open.
WAIT_BAND_LIMITS = (
    (20.0, WaitBand.UNDER_20S),
    (60.0, WaitBand.UNDER_1M),
    (180.0, WaitBand.UNDER_3M),
)


def wait_band(wait_seconds: float | None) -> str:
    if wait_seconds is None:
        return WaitBand.LONGER.value
    for limit, band in WAIT_BAND_LIMITS:
        if wait_seconds <= limit:
            return band.value
    return WaitBand.LONGER.value


@dataclass(frozen=True, slots=True)
class Handling:
    agent_id: int
    seconds: float


def handlings_of(contact: Contact) -> list[Handling]:
    """The contact's handlings in order: from each acceptance to the next one (a transfer) or
    to the end of the contact (wrap-up, closing or now)."""
    accepted = list(
        ContactEvent.objects.filter(contact=contact, kind=EventKind.OFFER_ACCEPTED)
        .filter(agent__isnull=False)
        .order_by("id")
        .values_list("agent_id", "at")
    )
    end = contact.wrap_up_at or contact.closed_at or contact.abandoned_at
    result = []
    for index, (agent_id, start) in enumerate(accepted):
        stop = accepted[index + 1][1] if index + 1 < len(accepted) else end or start
        result.append(Handling(agent_id, max((stop - start).total_seconds(), 0.0)))
    if not result and contact.agent_id is not None:
        result.append(Handling(contact.agent_id, 0.0))
    return result


def chosen_agent(handlings: list[Handling], rule: str) -> int | None:
    """The agent the rule attributes the score to: the last, or the longest (first on ties)."""
    if not handlings:
        return None
    if rule == Attribution.LONGEST:
        totals: dict[int, float] = {}
        for handling in handlings:
            totals[handling.agent_id] = totals.get(handling.agent_id, 0.0) + handling.seconds
        return max(totals, key=lambda agent_id: (totals[agent_id], -_first(handlings, agent_id)))
    return handlings[-1].agent_id


def _first(handlings: list[Handling], agent_id: int) -> int:
    return next(i for i, h in enumerate(handlings) if h.agent_id == agent_id)


def contact_reason(contact: Contact) -> str:
    """The wrap-up reason's code, blank before the wrap-up."""
    code = WrapUp.objects.filter(contact=contact).values_list("reason__code", flat=True).first()
    return code or ""


def first_answer_wait(contact: Contact) -> float | None:
    first = (
        ContactEvent.objects.filter(contact=contact, kind=EventKind.OFFER_ACCEPTED)
        .order_by("id")
        .values_list("at", flat=True)
        .first()
    ) or contact.accepted_at
    start = contact.scheduled_for or contact.created_at
    return None if first is None else max((first - start).total_seconds(), 0.0)


def attributed_fields(contact: Contact, rule: str) -> dict[str, Any]:
    """The `Attributed` fields of a contact under `rule`, and its handlings for the record."""
    handlings = handlings_of(contact)
    agent_id = chosen_agent(handlings, rule)
    agent = Agent.objects.select_related("site").filter(pk=agent_id).first() if agent_id else None
    site = agent.site if agent else contact.site
    return {
        "agent_id": agent_id,
        "team_id": agent.team_id if agent else None,
        "site_id": site.pk if site else None,
        "site_kind": site.kind if site else "",
        "partner_id": site.partner_id if site else contact.partner_id,
        "queue_id": contact.queue_id,
        "reason": contact_reason(contact),
        "wait_band": wait_band(first_answer_wait(contact)),
        "handlings": [{"agent": h.agent_id, "seconds": round(h.seconds, 1)} for h in handlings],
    }


def subject_of(attributes: dict[str, Any] | None, reason: str) -> str:
    """What a repeat must be about to count: the order when the contact names one, else the
    contact reason."""
    order = (attributes or {}).get("order")
    return f"order:{order}" if order else f"reason:{reason}"
