"""Deflection, counted honestly: a self-service session is resolved only when the customer
said so, or when the same customer (`Contact.customer_key`, any channel) made no contact in
the 24 hours after it. A session whose customer is unknown and who said nothing cannot be
counted as resolved: it is "unknown". A session younger than 24 hours is still "pending".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from relais.apps.interactions.models import Contact
from relais.apps.knowledge.models import SelfServiceSession, SessionOutcome, Topic

WINDOW = dt.timedelta(hours=24)


@dataclass
class TopicDeflection:
    topic: Topic | None
    sessions: int = 0
    said_resolved: int = 0
    no_contact_within_24h: int = 0
    went_to_agent: int = 0
    contacted_again: int = 0
    unknown: int = 0
    pending: int = 0
    #: Contacts that followed a failed suggestion: the chat it went on to, or the same
    #: customer's contact within 24 hours on any channel.
    contacts_after_failed: set[int] = field(default_factory=set)

    @property
    def resolved(self) -> int:
        return self.said_resolved + self.no_contact_within_24h

    @property
    def decided(self) -> int:
        return self.sessions - self.pending - self.unknown

    @property
    def rate(self) -> float | None:
        """Share of the sessions whose outcome is known that were resolved."""
        return self.resolved / self.decided if self.decided else None


def _later_contacts(sessions: list[SelfServiceSession]) -> dict[int, list[int]]:
    """For each session with a known customer, the contacts they made within 24 hours."""
    keys = {s.customer_key for s in sessions if s.customer_key}
    if not keys:
        return {}
    start = min(s.started_at for s in sessions)
    end = max(s.started_at for s in sessions) + WINDOW
    by_key: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for key, created_at, pk in Contact.objects.filter(
        customer_key__in=keys, created_at__gte=start, created_at__lte=end
    ).values_list("customer_key", "created_at", "pk"):
        by_key[key].append((created_at, pk))
    return {
        s.pk: [
            pk
            for created_at, pk in by_key.get(s.customer_key, [])
            if s.started_at <= created_at <= s.started_at + WINDOW
        ]
        for s in sessions
        if s.customer_key
    }


def deflection_by_topic(
    *, since: dt.datetime, until: dt.datetime, now: dt.datetime | None = None
) -> list[TopicDeflection]:
    """The self-service sessions begun in [since, until), by topic."""
    now = now or timezone.now()
    sessions = list(
        SelfServiceSession.objects.filter(started_at__gte=since, started_at__lt=until)
        .select_related("topic")
        .order_by("started_at")
    )
    later = _later_contacts(sessions)
    figures: dict[int | None, TopicDeflection] = {}
    for session in sessions:
        row = figures.setdefault(session.topic_id, TopicDeflection(session.topic))
        row.sessions += 1
        contacts = later.get(session.pk, [])
        if session.outcome == SessionOutcome.RESOLVED:
            row.said_resolved += 1
        elif session.outcome == SessionOutcome.ESCALATED:
            row.went_to_agent += 1
            row.contacts_after_failed.update(contacts)
            if session.contact_id:
                row.contacts_after_failed.add(session.contact_id)
        elif contacts:
            row.contacted_again += 1
            row.contacts_after_failed.update(contacts)
        elif now < session.started_at + WINDOW:
            row.pending += 1
        elif session.customer_key:
            row.no_contact_within_24h += 1
        else:
            row.unknown += 1
    return sorted(
        figures.values(), key=lambda r: (r.topic is None, r.topic.order if r.topic else 0)
    )
