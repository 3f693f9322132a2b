"""Survey policies on the demo queues and eight weeks of answered surveys, so that the
satisfaction league shows real intervals from the start; then the simulated customers of
`relais serve --demo-traffic` answer the widget's survey as they go (traffic/customers.py).

The history goes through the satisfaction app's own services (invitation, attribution, the
single answer, its event and audit entry) and ends with a first-contact-resolution run.
Loading again changes nothing once the history is there.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from relais.apps.desktop.models import WrapUp, WrapUpReason
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.satisfaction import services
from relais.apps.satisfaction.models import Delivery, SurveyPolicy
from relais.apps.satisfaction.schemas import AnswerIn

HISTORY_MARK = "demo-history"
#: The share of satisfied customers by site kind: a spread for the league to show.
SATISFIED = {"inshore": 0.88, "offshore": 0.80, "homeshore": 0.91}


def load_demo_surveys(*, days: int = 56, per_day: int = 40, seed: int = 19) -> dict[str, int]:
    """Policies on every queue (half the chats surveyed, in French and English), and, once,
    `days` of handled contacts with their answers; counts of what was made."""
    made = {"policies": 0, "contacts": 0, "answers": 0}
    with transaction.atomic():
        for queue in Queue.objects.all():
            _, created = SurveyPolicy.objects.get_or_create(
                queue=queue, defaults={"sampling_percent": 50, "languages": ["fr", "en"]}
            )
            made["policies"] += created
    if Contact.objects.filter(attributes__source=HISTORY_MARK).exists():
        return made
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    agents = list(Agent.objects.select_related("site").filter(site__isnull=False))
    queues = list(Queue.objects.filter(channel="chat")) or list(Queue.objects.all())
    reasons = list(WrapUpReason.objects.filter(active=True))
    if not agents or not queues or not reasons:
        return made
    now = timezone.now()
    for day in range(days, 0, -1):
        for _ in range(per_day):
            at = now - dt.timedelta(days=day, seconds=rng.uniform(8 * 3600, 18 * 3600))
            agent = rng.choice(agents)
            contact = _handled(rng, agent, rng.choice(queues), rng.choice(reasons), at)
            made["contacts"] += 1
            if _answered(rng, contact, agent):
                made["answers"] += 1
    services.fcr_recompute(window_days=7)
    return made


def _handled(
    rng: random.Random, agent: Agent, queue: Queue, reason: WrapUpReason, at: dt.datetime
) -> Contact:
    offshore = agent.site.kind == "offshore"  # overflow: the longer waiters
    accepted = at + dt.timedelta(seconds=rng.expovariate(1 / (80 if offshore else 20)))
    ended = accepted + dt.timedelta(seconds=rng.uniform(120, 600))
    customer = rng.randrange(600)
    with transaction.atomic():
        contact = Contact.objects.create(
            channel=queue.channel,
            queue=queue,
            priority=0,
            customer_key=f"email:client{customer}@example.com",
            attributes={"source": HISTORY_MARK, "order": str(customer * 2 + rng.randrange(2))},
            state=ContactState.CLOSED,
            close_reason="handled",
            created_at=at,
            queued_at=at,
            accepted_at=accepted,
            wrap_up_at=ended,
            closed_at=ended,
            agent=agent,
            site=agent.site,
            partner_id=agent.site.partner_id,
        )
        ContactEvent.objects.create(
            at=accepted, kind=EventKind.OFFER_ACCEPTED, contact=contact, agent=agent, queue=queue
        )
        WrapUp.objects.create(contact=contact, reason=reason, agent=agent, created_at=ended)
    return contact


def _answered(rng: random.Random, contact: Contact, agent: Agent) -> bool:
    sent = contact.closed_at or timezone.now()
    invitation = services.survey_invite(
        contact=contact, delivery=Delivery.LINK, language="fr", now=sent
    )
    if invitation is None or rng.random() < 0.4:  # not in the sample, or no answer
        return False
    happy = rng.random() < SATISFIED.get(agent.site.kind, 0.85)
    answer = AnswerIn(
        agent_csat=rng.choice((4, 5, 5)) if happy else rng.choice((1, 2, 3)),
        company_csat=rng.choice((3, 4, 5)),
        nps=rng.choice((8, 9, 10)) if happy else rng.randint(0, 7),
        resolved=rng.random() < (0.9 if happy else 0.5),
    )
    services.survey_answer(invitation=invitation, answer=answer, now=sent + dt.timedelta(hours=2))
    return True
