"""The demo's briefings and its prepared crisis mode, so that the briefings page, an agent's
desktop and the crisis page show something real from the start.

- Yesterday's briefing on the new return period (30 days instead of 14) reached every agent of
  Commandes and Livraison, with a check question; two thirds acknowledged it, so the page shows
  progress per site and the knowledge latency.
- A crisis mode prepared, not switched on: "Carrier strike": a notice in the chat widget, the
  help articles on late parcels first, Livraison on exceptional hours and a blocking briefing.

Loading again changes nothing once they are there (the briefing is found by its source).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import Role, User
from relais.apps.briefings.models import Briefing, Delivery
from relais.apps.briefings.services import Question, briefing_acknowledge, publish_briefing
from relais.apps.crisis.models import CrisisMode, CrisisQueueChange
from relais.apps.knowledge.models import Article
from relais.apps.routing.models import Queue

SOURCE = "demo"
ACKNOWLEDGED = 2 / 3
CRISIS = "Grève du transporteur"


def load_demo_briefings(*, seed: int = 26) -> dict[str, int]:
    """Publish yesterday's briefing once (with its acknowledgements) and prepare the crisis
    mode; counts of what was made."""
    made = {"briefings": 0, "acknowledged": 0, "crisis_modes": 0}
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    queues = list(Queue.objects.filter(code__in=["commandes", "livraison"]).order_by("code"))
    if director is None or not queues:
        return made
    made["crisis_modes"] = _crisis_mode()
    if Briefing.objects.filter(source=SOURCE).exists():
        return made
    briefing = publish_briefing(
        author=director,
        title="Retours : 30 jours au lieu de 14",
        summary=(
            "À partir d’aujourd’hui, nos clients ont 30 jours pour retourner un article, "
            "au lieu de 14. Le retour reste gratuit en point relais. Pour une commande livrée "
            "il y a 15 à 30 jours, acceptez le retour sans demander l’accord du superviseur."
        ),
        diff=[
            ("=", "Délai"),
            ("=", "de"),
            ("=", "retour :"),
            ("-", "14"),
            ("+", "30"),
            ("=", "jours"),
        ],
        queues=queues,
        starts_at=timezone.now() - dt.timedelta(days=1),
        questions=[
            Question(
                prompt="Une cliente a été livrée il y a 20 jours : que faites-vous ?",
                choices=[
                    "J’accepte le retour",
                    "Je demande l’accord du superviseur",
                    "Je refuse : le délai est dépassé",
                ],
                correct=0,
            )
        ],
        source=SOURCE,
    )
    made["briefings"] = 1
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    question = briefing.questions.get()
    for delivery in Delivery.objects.filter(briefing=briefing).select_related("agent__user"):
        if delivery.delivered_at is not None and rng.random() < ACKNOWLEDGED:
            answer = 0 if rng.random() < 0.9 else 1
            briefing_acknowledge(
                actor=delivery.agent.user,
                briefing_id=briefing.pk,
                answers={question.pk: answer},
            )
            made["acknowledged"] += 1
    return made


def _crisis_mode() -> int:
    """The prepared crisis mode; 1 when it was made now."""
    if CrisisMode.objects.filter(name=CRISIS).exists():
        return 0
    with transaction.atomic():
        mode = CrisisMode.objects.create(
            name=CRISIS,
            widget_message_fr=(
                "Une grève chez notre transporteur retarde les livraisons de 3 à 5 jours. "
                "Votre colis est en sécurité : inutile de nous contacter pour un retard."
            ),
            widget_message_en=(
                "A strike at our carrier delays deliveries by 3 to 5 days. Your parcel is "
                "safe: no need to contact us about a delay."
            ),
            phone_message_fr="En raison d’une grève chez notre transporteur, les livraisons "
            "ont 3 à 5 jours de retard.",
            phone_message_en="Because of a strike at our carrier, deliveries are 3 to 5 days late.",
            briefing_text=(
                "Grève du transporteur : annoncez 3 à 5 jours de retard, ne relancez pas le "
                "transporteur, proposez le remboursement des frais de livraison express."
            ),
        )
        mode.articles.set(Article.objects.filter(slug__in=["livraison-retard", "colis-non-recu"]))
        livraison = Queue.objects.filter(code="livraison").first()
        if livraison is not None:
            CrisisQueueChange.objects.create(
                mode=mode, queue=livraison, opening_hours="mon-sat 08:00-21:00"
            )
    return 1
