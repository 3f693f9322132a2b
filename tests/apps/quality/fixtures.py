"""A quality world on the `world` of tests/apps/conftest.py: a form, handled chats with their
transcript, and the partner evaluator of Atlas Contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from relais.apps.chat.models import ChatMessage, Sender
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.quality import services
from relais.apps.quality.models import FormVersion, SoftSkill
from relais.apps.quality.services import CriterionDefinition, SectionDefinition
from relais.apps.routing.models import Queue
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue

SECTIONS = [
    SectionDefinition(
        "Conversation",
        weight=3,
        criteria=[
            CriterionDefinition("Empathy shown", weight=2, soft_skill=SoftSkill.EMPATHY),
            CriterionDefinition("Written French", weight=1, soft_skill=SoftSkill.WRITTEN_FRENCH),
        ],
    ),
    SectionDefinition(
        "Compliance",
        weight=1,
        criteria=[
            CriterionDefinition(
                "Identity checked", scale_max=1, critical=True, allows_not_applicable=False
            )
        ],
    ),
]
#: The customer's first line carries a card number: masked for everyone.
CARD_LINE = "Bonjour, ma carte 4111 1111 1111 1111 ne passe pas"


@dataclass
class QualityWorld:
    world: World
    version: FormVersion
    queue: Queue
    contacts: dict[str, Contact]


def form_version(world: World) -> FormVersion:
    return services.form_version_create(
        actor=world.users["quality_analyst"], name="Chat scorecard", sections=SECTIONS
    )


def handled_chat(world: World, key: str, queue: Queue, *, at: dt.datetime | None = None) -> Contact:
    """A closed chat of agent `key`, with three lines of transcript."""
    agent = world.agents[key]
    at = at or timezone.now() - dt.timedelta(hours=1)
    contact = Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        created_at=at,
        accepted_at=at,
        closed_at=at + dt.timedelta(minutes=5),
        state=ContactState.CLOSED,
        agent=agent,
        site_id=agent.site_id,
        partner_id=agent.site.partner_id,
    )
    lines = [
        (Sender.CUSTOMER, "Jeanne", CARD_LINE),
        (Sender.AGENT, agent.user.first_name, "Je comprends, je regarde cela avec vous."),
        (Sender.CUSTOMER, "Jeanne", "Merci beaucoup !"),
    ]
    ChatMessage.objects.bulk_create(
        ChatMessage(
            contact=contact,
            seq=seq,
            sender=sender,
            author_name=name,
            body=body,
            created_at=at + dt.timedelta(seconds=seq),
        )
        for seq, (sender, name, body) in enumerate(lines, start=1)
    )
    return contact


def quality_world(world: World) -> QualityWorld:
    queue = orders_queue(world, code="quality-orders")
    contacts = {key: handled_chat(world, key, queue) for key in ("lille0", "rabat0", "bucarest0")}
    return QualityWorld(world, form_version(world), queue, contacts)


def all_points(version: FormVersion, points: int) -> dict[int, int | None]:
    """Every criterion scored `points` (capped at its scale)."""
    return {
        criterion.pk: min(points, criterion.scale_max)
        for section in version.sections.all()
        for criterion in section.criteria.all()
    }
