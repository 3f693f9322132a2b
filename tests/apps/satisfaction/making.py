"""Contacts handled by the test world's agents, their events and wrap-up, and survey policies."""

from __future__ import annotations

import datetime as dt

from relais.apps.desktop.models import WrapUp, WrapUpReason
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.satisfaction.models import SurveyPolicy

LABELS = {"delivery": ("Livraison", "Delivery"), "invoice": ("Facture", "Invoice")}


def reason(code: str) -> WrapUpReason:
    french, english = LABELS.get(code, (code, code))
    found, _ = WrapUpReason.objects.get_or_create(
        code=code, defaults={"label_fr": french, "label_en": english}
    )
    return found


def policy(queue: Queue, **fields: object) -> SurveyPolicy:
    return SurveyPolicy.objects.create(queue=queue, **fields)


def handled(
    queue: Queue,
    agents: list[Agent],
    *,
    at: dt.datetime,
    customer_key: str = "",
    order: str = "",
    reason_code: str = "delivery",
    seconds: list[float] | None = None,
    wait: float = 10.0,
) -> Contact:
    """A contact closed after `agents` handled it in turn (a transfer between each), each for
    `seconds`, answered after `wait` seconds."""
    seconds = seconds or [120.0] * len(agents)
    accepted = at + dt.timedelta(seconds=wait)
    last = agents[-1]
    contact = Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        created_at=at,
        queued_at=at,
        accepted_at=accepted,
        customer_key=customer_key,
        attributes={"order": order} if order else {},
        state=ContactState.CLOSED,
        agent=last,
        site=last.site,
        partner=last.site.partner,
    )
    moment = accepted
    for agent, spent in zip(agents, seconds, strict=True):
        ContactEvent.objects.create(
            at=moment, kind=EventKind.OFFER_ACCEPTED, contact=contact, agent=agent, queue=queue
        )
        moment += dt.timedelta(seconds=spent)
    Contact.objects.filter(pk=contact.pk).update(wrap_up_at=moment, closed_at=moment)
    contact.refresh_from_db()
    WrapUp.objects.create(
        contact=contact, reason=reason(reason_code), agent=last, created_at=moment
    )
    return contact
