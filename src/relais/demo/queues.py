"""The demo company's queues: overflow to Atlas Contact and Carpathia CX, evenings in Rabat.

- `commandes` (chat): Lille and home agents first; after 30 s also Atlas Contact; after
  90 s anyone with the orders skill, level 1 enough.
- `livraison` (voice): internal sites first; after 20 s Carpathia CX; after 60 s Atlas.
- `soir` (chat, orders): until 18:00 Paris the internal sites; after 18:00 Paris only the
  Rabat site, and only while Rabat is open (until 22:00 local).
- `nl` (chat): Dutch speakers only, wherever they work.

Idempotent: each queue is found by its code and brought back to this definition; a second
run writes nothing. Call it after the demo company is loaded (it needs its sites).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.organisation.models import Partner, Site, Skill
from relais.apps.routing.models import OverflowStep, Queue, QueueSkill

LILLE, RABAT, HOME = "Lille", "Rabat", "Domicile France"
ATLAS, CARPATHIA = "Atlas Contact", "Carpathia CX"
WEEKDAYS = "mon-sat 08:00-20:00"


@dataclass(frozen=True)
class StepData:
    after: int
    sites: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    internal: bool = False
    relaxed: dict[str, int] | None = None
    hours: str = ""
    within_site_hours: bool = False


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
            StepData(30, partners=(ATLAS,)),
            StepData(90, relaxed={"orders": 1}),
        ),
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
            StepData(0, sites=(RABAT,), hours="mon-sat 18:00-24:00", within_site_hours=True),
        ),
        opening_hours="mon-sat 08:00-24:00",
    ),
    QueueData("nl", "Néerlandophones", "Dutch speakers", "chat", {}, (StepData(0),), "nl"),
)


def load_demo_queues() -> dict[str, str]:
    """Create or restore the demo queues; returns {code: created|updated|unchanged}."""
    outcomes: dict[str, str] = {}
    with transaction.atomic():
        for data in QUEUES:
            outcomes[data.code] = _ensure(data)
    return outcomes


def _ensure(data: QueueData) -> str:
    wanted = {
        "name_fr": data.name_fr,
        "name_en": data.name_en,
        "channel": data.channel,
        "language": data.language,
        "opening_hours": data.opening_hours,
        "time_zone": "Europe/Paris",
        "active": True,
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
    )
    step.sites.set(Site.objects.filter(name__in=data.sites))
    step.partners.set(Partner.objects.filter(name__in=data.partners))
