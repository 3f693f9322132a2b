"""The demo company's telephone numbers and its agents' phone lines.

The numbers are fictional: ARCEP keeps +33 1 99 00 xx xx for fiction (films, books, demos),
so no real subscriber is ever dialled. Both ring the voice queue `livraison`, one with French
prompts and one with English prompts. Every demo agent answers in the desktop's softphone
(a browser line). Idempotent like the queues: a second run writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from relais.apps.audit.services import audit_record
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.voice.models import AgentLine, LineKind, Number


@dataclass(frozen=True)
class NumberData:
    number: str
    queue: str
    language: str
    label: str


NUMBERS = (
    NumberData("+33199000101", "livraison", "fr", "Livraison — téléphone"),
    NumberData("+33199000102", "livraison", "en", "Delivery — English line"),
)


def load_demo_voice() -> dict[str, str]:
    """Create or restore the demo numbers, and a browser line for every agent who has no
    line; returns {number or "lines": created|updated|unchanged}. Call it after the queues."""
    outcomes: dict[str, str] = {}
    with transaction.atomic():
        for data in NUMBERS:
            outcomes[data.number] = _ensure_number(data)
        missing = Agent.objects.filter(active=True, line__isnull=True)
        lines = [AgentLine(agent=agent, kind=LineKind.BROWSER) for agent in missing]
        AgentLine.objects.bulk_create(lines)
        outcomes["lines"] = "created" if lines else "unchanged"
        for line in lines:
            audit_record(actor=None, action="agentline.demo_created", obj=line)
    return outcomes


def _ensure_number(data: NumberData) -> str:
    wanted = {
        "queue": Queue.objects.get(code=data.queue),
        "language": data.language,
        "label": data.label,
        "active": True,
    }
    number = Number.objects.filter(number=data.number).first()
    if number is None:
        number = Number.objects.create(number=data.number, **wanted)
        outcome = "created"
    elif any(getattr(number, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(number, name, value)
        number.save()
        outcome = "updated"
    else:
        return "unchanged"
    audit_record(actor=None, action=f"number.demo_{outcome}", obj=number)
    return outcome
