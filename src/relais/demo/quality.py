"""The demo company's quality: a chat scorecard with soft skills, a weekly sampling plan,
a few evaluations of past chats and a calibration session already scored by the client's
analyst and Atlas Contact's evaluator (docs/quality.md, "Demo"). Loaded once: a second run
finds the form and writes nothing.

The past chats are history (closed contacts with their transcript), written here as the
supervision tests write theirs: they never went through the router.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.chat.models import ChatMessage, Sender
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.organisation.models import Agent
from relais.apps.quality import sampling, services
from relais.apps.quality.models import EvaluationForm, FormVersion, Period, SoftSkill
from relais.apps.quality.services import CriterionDefinition, SectionDefinition
from relais.apps.routing.models import Queue

FORM_NAME = "Grille chat Maison Lumière"
SECTIONS = (
    SectionDefinition(
        "Accueil et découverte",
        weight=2,
        criteria=(
            CriterionDefinition("Salutation et présentation", weight=1),
            CriterionDefinition(
                "Reformulation de la demande", weight=2, soft_skill=SoftSkill.REPHRASING
            ),
        ),
    ),
    SectionDefinition(
        "Savoir-être",
        weight=3,
        criteria=(
            CriterionDefinition("Empathie", weight=2, soft_skill=SoftSkill.EMPATHY),
            CriterionDefinition("Maîtrise de soi", weight=1, soft_skill=SoftSkill.COMPOSURE),
            CriterionDefinition(
                "Jugement de situation", weight=2, soft_skill=SoftSkill.SITUATIONAL_JUDGEMENT
            ),
            CriterionDefinition(
                "Qualité du français écrit", weight=2, soft_skill=SoftSkill.WRITTEN_FRENCH
            ),
        ),
    ),
    SectionDefinition(
        "Conformité",
        weight=1,
        criteria=(
            CriterionDefinition(
                "Identité du client vérifiée avant toute modification",
                scale_max=1,
                critical=True,
                allows_not_applicable=False,
            ),
            CriterionDefinition("Proposition de l'enquête de satisfaction", weight=1),
        ),
    ),
)
CONVERSATION = (
    (Sender.CUSTOMER, "Bonjour, ma commande 4471 n'est pas arrivée."),
    (
        Sender.AGENT,
        "Bonjour, je comprends votre inquiétude. "
        "Votre commande 4471 n'est pas arrivée, c'est bien cela ?",
    ),
    (Sender.CUSTOMER, "Oui, je l'attends depuis une semaine."),
    (Sender.AGENT, "Je vérifie votre identité : pouvez-vous me donner votre code postal ?"),
    (Sender.CUSTOMER, "59000."),
    (Sender.AGENT, "Merci. Le colis est au dépôt de Lille ; il vous sera livré demain."),
)
#: (site, how many of its agents, chats each)
HISTORY = (("Lille", 2, 3), ("Rabat", 3, 3), ("Bucarest", 2, 2))


def _chat(agent: Agent, queue: Queue, at: dt.datetime) -> Contact:
    contact = Contact.objects.create(
        channel=queue.channel,
        queue=queue,
        priority=0,
        customer_reference="client@example.com",
        created_at=at,
        queued_at=at,
        offered_at=at,
        accepted_at=at + dt.timedelta(seconds=20),
        closed_at=at + dt.timedelta(minutes=6),
        state=ContactState.CLOSED,
        agent=agent,
        site_id=agent.site_id,
        partner_id=agent.site.partner_id,
    )
    ChatMessage.objects.bulk_create(
        ChatMessage(
            contact=contact,
            seq=seq,
            sender=sender,
            author_name="Client" if sender == Sender.CUSTOMER else agent.user.first_name,
            body=body,
            created_at=at + dt.timedelta(seconds=30 * seq),
        )
        for seq, (sender, body) in enumerate(CONVERSATION, start=1)
    )
    return contact


def _points(version: FormVersion, level: int) -> dict[int, int | None]:
    return {
        criterion.pk: min(level, criterion.scale_max)
        for section in version.sections.all()
        for criterion in section.criteria.all()
    }


def load_demo_quality() -> bool:
    """Load the quality demo once; False when it is already there."""
    if EvaluationForm.objects.filter(name=FORM_NAME).exists():
        return False
    analyst = User.objects.get(username="qualite")
    evaluator = User.objects.get(username="qualite.atlas")
    queue = Queue.objects.get(code="commandes")
    last_week = timezone.now() - dt.timedelta(days=7)
    with transaction.atomic():
        version = services.form_version_create(actor=analyst, name=FORM_NAME, sections=SECTIONS)
        chats: dict[str, list[Contact]] = {}
        for site, agents, each in HISTORY:
            for index, agent in enumerate(
                Agent.objects.filter(site__name=site)
                .select_related("user", "site")
                .order_by("pk")[:agents]
            ):
                for n in range(each):
                    at = last_week + dt.timedelta(hours=2 * n + index, minutes=7 * index)
                    chats.setdefault(site, []).append(_chat(agent, queue, at))
        plan = sampling.plan_create(
            actor=analyst,
            name="Échantillon hebdomadaire",
            form=version.form,
            per_agent=2,
            period=Period.WEEK,
            partner=None,
            seed=2026,
        )
        sampling.sample_draw(actor=analyst, plan=plan, day=last_week.date())
        for level, contact in zip((4, 3, 2), chats["Lille"], strict=False):
            services.evaluation_submit(
                actor=analyst, contact=contact, version=version, points=_points(version, level)
            )
        for level, contact in zip((3, 4, 1), chats["Rabat"], strict=False):
            services.evaluation_submit(
                actor=evaluator, contact=contact, version=version, points=_points(version, level)
            )
        session = services.calibration_create(
            actor=analyst,
            title="Calibration de la semaine",
            version=version,
            contacts=[chats["Bucarest"][0], chats["Rabat"][-1]],
            raters=[analyst, evaluator],
        )
        for who, levels in ((analyst, (2, 3)), (evaluator, (3, 4))):
            for level, contact in zip(levels, session.contacts.order_by("pk"), strict=True):
                services.evaluation_submit(
                    actor=who,
                    contact=contact,
                    version=version,
                    points=_points(version, level),
                    calibration=session,
                )
    return True
