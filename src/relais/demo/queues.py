"""The demo company's queues and widget topics: its chat is open around the clock.

- `commandes` (chat, orders): Lille and home agents first; in the evening (20:00–08:00
  Paris) and on Sundays the Rabat site at once; at any hour the partners Atlas Contact and
  Carpathia CX after 30 s; after 90 s anyone with the orders skill, level 1 enough.
- `livraison` (voice), always open: internal sites first; after 20 s Carpathia CX; after
  60 s Atlas.
- `soir` (chat, orders): until 18:00 Paris (Monday to Saturday) the internal sites; after
  18:00, at night and on Sundays only the Rabat site, while it is open (it always is).
- `nl` (chat): Dutch speakers only, wherever they work, Monday to Saturday 08:00–20:00;
  outside those hours its customers leave a message.
- `messages` (e-mail): what customers leave in the widget, for the internal sites (orders
  skill), Atlas Contact after four hours; 80 % answered within 24 hours.
- `rappels` (callback): callbacks customers ask for, made by the internal sites (orders
  skill, French) Monday to Saturday 08:00–20:00.

Each chat topic of the widget leads to its chat queue, and leaves messages and callbacks
in `messages` and `rappels`.

Idempotent: each queue is found by its code and each topic by its code and brought back
to this definition; a second run writes nothing. Call it after the demo company is loaded
(it needs its sites).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.chat.models import ChatTopic
from relais.apps.organisation.models import Partner, Site, Skill
from relais.apps.routing.models import OverflowStep, Queue, QueueSkill

LILLE, RABAT, HOME = "Lille", "Rabat", "Domicile France"
ATLAS, CARPATHIA = "Atlas Contact", "Carpathia CX"
WEEKDAYS = "mon-sat 08:00-20:00"
#: When Lille is closed (Paris time): Rabat takes the chats at once.
EVENINGS_AND_SUNDAYS = "mon-sat 00:00-08:00\nmon-sat 20:00-24:00\nsun 00:00-24:00"
ALWAYS = ""  # a queue without opening hours is always open


@dataclass(frozen=True)
class StepData:
    after: int
    sites: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    internal: bool = False
    relaxed: dict[str, int] | None = None
    hours: str = ""
    within_site_hours: bool = False
    skip_if_empty: bool = True  # (or closed: then the next step is reached at once)


@dataclass(frozen=True)
class QueueData:
    code: str
    name_fr: str
    name_en: str
    channel: str
    skills: dict[str, int]
    steps: tuple[StepData, ...]
    language: str = ""
    opening_hours: str = WEEKDAYS
    fields: dict[str, Any] = field(default_factory=dict)


QUEUES = (
    QueueData(
        "commandes",
        "Commandes",
        "Orders",
        "chat",
        {"orders": 2},
        (
            StepData(0, sites=(LILLE, HOME)),
            # not skipped when closed, or the Atlas step would be reached at once in the day
            StepData(0, sites=(RABAT,), hours=EVENINGS_AND_SUNDAYS, skip_if_empty=False),
            StepData(30, partners=(ATLAS, CARPATHIA)),
            StepData(90, relaxed={"orders": 1}),
        ),
        opening_hours=ALWAYS,
    ),
    QueueData(
        "livraison",
        "Livraison",
        "Delivery",
        "voice",
        {"delivery": 1},
        (
            StepData(0, internal=True),
            StepData(20, partners=(CARPATHIA,)),
            StepData(60, partners=(ATLAS,)),
        ),
        opening_hours=ALWAYS,  # the demo's calls, whatever the hour (Atlas after 60 s)
        fields={"strategy": "best_skill", "wrap_up_seconds": 15},
    ),
    QueueData(
        "soir",
        "Commandes du soir",
        "Evening orders",
        "chat",
        {"orders": 1},
        (
            StepData(0, internal=True, hours="mon-sat 08:00-18:00"),
            StepData(
                0,
                sites=(RABAT,),
                hours="mon-sat 18:00-24:00\nmon-sat 00:00-08:00\nsun 00:00-24:00",
                within_site_hours=True,
            ),
        ),
        opening_hours=ALWAYS,
    ),
    QueueData("nl", "Néerlandophones", "Dutch speakers", "chat", {}, (StepData(0),), "nl"),
    QueueData(
        "messages",
        "Messages écrits",
        "Written messages",
        "email",
        {"orders": 1},
        (StepData(0, internal=True), StepData(4 * 3600, partners=(ATLAS,))),
        opening_hours=ALWAYS,
        fields={"service_level_seconds": 24 * 3600, "offer_timeout_seconds": 60},
    ),
    QueueData(
        "rappels",
        "Rappels",
        "Callbacks",
        "callback",
        {"orders": 1},
        (StepData(0, internal=True),),
        "fr",
        fields={"service_level_seconds": 60, "offer_timeout_seconds": 30},
    ),
)


@dataclass(frozen=True)
class TopicData:
    """A topic of the widget: the chat queue it leads to, where messages and callbacks go."""

    code: str
    label_fr: str
    label_en: str
    queue: str
    order: int
    message_queue: str = "messages"
    callback_queue: str = "rappels"


TOPICS = (
    TopicData("commande", "Ma commande", "My order", "commandes", 10),
    TopicData("commande-soir", "Commande en soirée", "Evening order", "soir", 20),
    TopicData("nederlands", "Nederlands", "Dutch", "nl", 30),
)


def load_demo_queues() -> dict[str, str]:
    """Create or restore the demo queues and the widget's topics; returns
    {code: created|updated|unchanged}, queues and topics (their codes differ)."""
    outcomes: dict[str, str] = {}
    with transaction.atomic():
        for data in QUEUES:
            outcomes[data.code] = _ensure(data)
        for topic in TOPICS:
            outcomes[topic.code] = _ensure_topic(topic)
    return outcomes


def _ensure_topic(data: TopicData) -> str:
    queues = {
        queue.code: queue
        for queue in Queue.objects.filter(
            code__in=[data.queue, data.message_queue, data.callback_queue]
        )
    }
    wanted = {
        "label_fr": data.label_fr,
        "label_en": data.label_en,
        "queue": queues[data.queue],
        "message_queue": queues[data.message_queue],
        "callback_queue": queues[data.callback_queue],
        "order": data.order,
        "active": True,
    }
    topic = ChatTopic.objects.filter(code=data.code).first()
    if topic is None:
        topic = ChatTopic.objects.create(code=data.code, **wanted)
        outcome = "created"
    elif any(getattr(topic, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(topic, name, value)
        topic.save()
        outcome = "updated"
    else:
        return "unchanged"
    audit_record(actor=None, action=f"chat_topic.demo_{outcome}", obj=topic)
    return outcome


def demo_crm_template() -> str:
    """The screen-pop of every demo queue: the demo CRM's page of the customer, on the
    address `make demo` serves (RELAIS_HOST, RELAIS_PORT)."""
    host = os.environ.get("RELAIS_HOST", "127.0.0.1")
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - a listening address, not a link's
        host = "127.0.0.1"
    port = os.environ.get("RELAIS_PORT", "8000")
    return f"http://{host}:{port}/demo/crm/customers/{{customer_id}}/?order={{order}}"


def _ensure(data: QueueData) -> str:
    wanted = {
        "name_fr": data.name_fr,
        "name_en": data.name_en,
        "channel": data.channel,
        "language": data.language,
        "opening_hours": data.opening_hours,
        "time_zone": "Europe/Paris",
        "active": True,
        "screen_pop_url": demo_crm_template(),
        **data.fields,
    }
    queue = Queue.objects.filter(code=data.code).first()
    outcome = "unchanged"
    if queue is None:
        queue = Queue.objects.create(code=data.code, **wanted)
        outcome = "created"
    elif any(getattr(queue, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(queue, name, value)
        queue.save()
        outcome = "updated"
    skills = dict(data.skills)
    if {s.skill.code: s.min_level for s in queue.skill_levels.select_related("skill")} != skills:
        queue.skill_levels.all().delete()
        for code, level in skills.items():
            QueueSkill.objects.create(
                queue=queue, skill=Skill.objects.get(code=code), min_level=level
            )
        outcome = outcome if outcome == "created" else "updated"
    if _steps_of(queue) != [_describe(step) for step in data.steps]:
        queue.overflow_steps.all().delete()
        for order, step in enumerate(data.steps):
            _create_step(queue, order, step)
        outcome = outcome if outcome == "created" else "updated"
    if outcome != "unchanged":
        audit_record(actor=None, action=f"queue.demo_{outcome}", obj=queue)
    return outcome


def _describe(step: StepData) -> tuple[Any, ...]:
    return (
        step.after,
        sorted(step.sites),
        sorted(step.partners),
        step.internal,
        step.relaxed,
        step.hours,
        step.within_site_hours,
        step.skip_if_empty,
    )


def _steps_of(queue: Queue) -> list[tuple[Any, ...]]:
    return [
        (
            step.after_seconds,
            sorted(site.name for site in step.sites.all()),
            sorted(partner.name for partner in step.partners.all()),
            step.internal,
            step.relaxed_levels,
            step.hours,
            step.within_site_hours,
            step.skip_if_empty,
        )
        for step in queue.overflow_steps.order_by("order").prefetch_related("sites", "partners")
    ]


def _create_step(queue: Queue, order: int, data: StepData) -> None:
    step = OverflowStep.objects.create(
        queue=queue,
        order=order,
        after_seconds=data.after,
        internal=data.internal,
        relaxed_levels=data.relaxed,
        hours=data.hours,
        hours_time_zone="Europe/Paris",
        within_site_hours=data.within_site_hours,
        skip_if_empty=data.skip_if_empty,
    )
    step.sites.set(Site.objects.filter(name__in=data.sites))
    step.partners.set(Partner.objects.filter(name__in=data.partners))
