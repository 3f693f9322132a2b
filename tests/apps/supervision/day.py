"""A scripted morning with known outcomes, written as the record has it (contact rows and the
event log), shared by the live and the historical tests.

Monday 10 March 2025, UTC (Paris is UTC+1). Queue `orders`: T = 20 s, target 80 %.

| contact | queued   | outcome                                   | agent     | wait | handle |
|---------|----------|-------------------------------------------|-----------|------|--------|
| c1      | 08:00:00 | answered 08:00:10, wrap-up 08:05:10-05:40 | lille0    | 10   | 300+30 |
| c2      | 08:01:00 | answered 08:01:30, wrap-up 08:04:30-05:00 | rabat0    | 30   | 180+30 |
| c3      | 08:02:00 | abandoned 08:02:03 (short abandon)        | -         | 3    |        |
| c4      | 08:03:00 | abandoned 08:03:40 (after T)              | -         | 40   |        |
| c5      | 08:14:50 | answered 08:15:05, closed 08:20:05        | bucarest0 | 15   | 300    |
| c6      | 08:20:00 | answered 08:20:20, still talking          | home0     | 20   |        |
| c8      | 08:30:00 | abandoned 08:30:10 (within T)             | -         | 10   |        |
| c7      | 08:35:00 | still waiting                             | -         |      |        |

Read at NOW = 08:40:00. Agents: lille0 logs in 07:55, rabat0 07:50 (prayer break from
08:10), bucarest0 and home0 08:00; each is busy / in wrap-up exactly while handling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from relais.apps.interactions.models import Contact, ContactEvent, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from tests.apps.conftest import World

DAY = dt.date(2025, 3, 10)
NOW = dt.datetime(2025, 3, 10, 8, 40, tzinfo=dt.UTC)


def at(hms: str) -> dt.datetime:
    hour, minute, second = (int(part) for part in hms.split(":"))
    return dt.datetime(2025, 3, 10, hour, minute, second, tzinfo=dt.UTC)


CONTACTS: dict[str, dict[str, Any]] = {
    "c1": {"queued": "08:00:00", "accepted": "08:00:10", "wrap_up": "08:05:10",
           "closed": "08:05:40", "agent": "lille0"},
    "c2": {"queued": "08:01:00", "accepted": "08:01:30", "wrap_up": "08:04:30",
           "closed": "08:05:00", "agent": "rabat0"},
    "c3": {"queued": "08:02:00", "abandoned": "08:02:03"},
    "c4": {"queued": "08:03:00", "abandoned": "08:03:40"},
    "c5": {"queued": "08:14:50", "accepted": "08:15:05", "closed": "08:20:05",
           "agent": "bucarest0"},
    "c6": {"queued": "08:20:00", "accepted": "08:20:20", "agent": "home0"},
    "c8": {"queued": "08:30:00", "abandoned": "08:30:10"},
    "c7": {"queued": "08:35:00"},
}  # fmt: skip

AGENT_STATES: list[tuple[str, str, str, str | None]] = [  # time, agent, state, reason
    ("07:50:00", "rabat0", "available", None),
    ("07:55:00", "lille0", "available", None),
    ("08:00:00", "bucarest0", "available", None),
    ("08:00:00", "home0", "available", None),
    ("08:00:10", "lille0", "busy", None),
    ("08:01:30", "rabat0", "busy", None),
    ("08:04:30", "rabat0", "wrap_up", None),
    ("08:05:00", "rabat0", "available", None),
    ("08:05:10", "lille0", "wrap_up", None),
    ("08:05:40", "lille0", "available", None),
    ("08:10:00", "rabat0", "break", "prayer"),
    ("08:15:05", "bucarest0", "busy", None),
    ("08:20:05", "bucarest0", "available", None),
    ("08:20:20", "home0", "busy", None),
]


def _state(spec: dict[str, Any]) -> str:
    if "abandoned" in spec:
        return "abandoned"
    if "closed" in spec:
        return "closed"
    if "accepted" in spec:
        return "accepted"
    return "queued"


def play(world: World, queue: Queue) -> dict[str, int]:
    """Write the morning; returns contact name -> pk."""
    pks: dict[str, int] = {}
    events: list[tuple[dt.datetime, dict[str, Any]]] = []
    for name, spec in CONTACTS.items():
        agent: Agent | None = world.agents[spec["agent"]] if "agent" in spec else None
        contact = Contact.objects.create(
            channel=queue.channel,
            queue=queue,
            priority=0,
            customer_reference=name,
            created_at=at(spec["queued"]),
            queued_at=at(spec["queued"]),
            state=_state(spec),
            close_reason="handled" if "closed" in spec else "",
            offered_at=at(spec["accepted"]) if "accepted" in spec else None,
            accepted_at=at(spec["accepted"]) if "accepted" in spec else None,
            wrap_up_at=at(spec["wrap_up"]) if "wrap_up" in spec else None,
            closed_at=at(spec["closed"]) if "closed" in spec else None,
            abandoned_at=at(spec["abandoned"]) if "abandoned" in spec else None,
            agent=agent,
            site_id=agent.site_id if agent else None,
            partner_id=agent.site.partner_id if agent else None,
        )
        pks[name] = contact.pk
        events.append(
            (
                at(spec["queued"]),
                {"kind": EventKind.CONTACT_CREATED, "contact_id": contact.pk, "queue_id": queue.pk},
            )
        )
        if "abandoned" in spec:
            events.append(
                (
                    at(spec["abandoned"]),
                    {"kind": EventKind.CONTACT_ABANDONED, "contact_id": contact.pk},
                )
            )
        if agent is not None:
            events.append(
                (
                    at(spec["accepted"]),
                    {
                        "kind": EventKind.OFFER_ACCEPTED,
                        "contact_id": contact.pk,
                        "agent_id": agent.pk,
                    },
                )
            )
    for hms, key, state, reason in AGENT_STATES:
        agent = world.agents[key]
        if key not in {e[1].get("login") for e in events}:
            events.append(
                (
                    at(hms),
                    {
                        "kind": EventKind.AGENT_LOGGED_IN,
                        "agent_id": agent.pk,
                        "login": key,
                        "data": {"break_reason": None},
                    },
                )
            )
        if reason:
            events.append(
                (
                    at(hms),
                    {
                        "kind": EventKind.AGENT_BREAK_STARTED,
                        "agent_id": agent.pk,
                        "data": {"reason": reason},
                    },
                )
            )
        events.append(
            (
                at(hms),
                {
                    "kind": EventKind.AGENT_STATE_CHANGED,
                    "agent_id": agent.pk,
                    "by_router": True,
                    "data": {"state": state, "reason": reason},
                },
            )
        )
    for moment, fields in sorted(events, key=lambda e: e[0]):
        fields.pop("login", None)
        ContactEvent.objects.create(at=moment, **fields)
    return pks
