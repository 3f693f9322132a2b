"""A prepared crisis mode: the voice queue closes, the chat queue opens longer hours, a public
article is shown first, and a blocking briefing goes to the agents of both queues."""

from __future__ import annotations

from relais.apps.crisis.models import CrisisMode, CrisisQueueChange
from relais.apps.knowledge.models import Article, Audience
from relais.apps.organisation.models import Skill
from relais.apps.routing.models import Channel, OverflowStep, Queue, QueueSkill
from tests.apps.briefings.conftest import commandes_queue
from tests.apps.conftest import World
from tests.apps.knowledge.fixtures import published

CHAT_HOURS = "mon-fri 08:00-18:00"
CRISIS_HOURS = "mon-sun 07:00-22:00"


def voice_queue() -> Queue:
    queue = Queue.objects.create(
        code="commandes-tel",
        name_fr="Commandes (téléphone)",
        name_en="Orders (phone)",
        channel=Channel.VOICE,
    )
    QueueSkill.objects.create(queue=queue, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=queue, order=0, after_seconds=0)
    return queue


def recall_article(world: World) -> Article:
    director = world.users["director"]
    article, _ = published(
        director,
        director,
        title="Rappel du grille-pain T-800",
        body="Arrêtez d'utiliser le grille-pain T-800 et demandez son remboursement.",
        audience=Audience.PUBLIC,
        slug="rappel-t800",
    )
    return article


def prepared_mode(world: World) -> CrisisMode:
    chat = commandes_queue(world)
    chat.opening_hours = CHAT_HOURS
    chat.save(update_fields=["opening_hours"])
    voice = voice_queue()
    mode = CrisisMode.objects.create(
        name="Rappel produit T-800",
        widget_message_fr="Rappel du grille-pain T-800 : consultez notre article.",
        widget_message_en="T-800 toaster recall: read our article.",
        phone_message_fr="Pour le rappel du grille-pain, tapez 1.",
        phone_message_en="For the toaster recall, press 1.",
        briefing_text="Rappel T-800 : orientez les clients vers le chat et l'article.",
    )
    mode.articles.set([recall_article(world)])
    CrisisQueueChange.objects.create(mode=mode, queue=voice, close=True)
    CrisisQueueChange.objects.create(mode=mode, queue=chat, opening_hours=CRISIS_HOURS)
    return mode
