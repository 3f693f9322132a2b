"""Writes of briefings: publish, deliver the waves that fell due, acknowledge (with answers).

Each service runs in one transaction (the outermost, `durable=True`), audits what it changed,
and pushes after commit: a delivered briefing goes to the agent's desk stream; a blocking one
holds the agent back from its queues in the live router until acknowledged
(`router.holds`). docs/briefings.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.briefings.access import require_publisher
from relais.apps.briefings.delivery import deliveries_deliver
from relais.apps.briefings.diff import diff_clean
from relais.apps.briefings.errors import ErrorCode
from relais.apps.briefings.jobs import waves_enqueue_on_commit
from relais.apps.briefings.models import Briefing, CheckAnswer, CheckQuestion, Delivery
from relais.apps.briefings.selectors import Audience, audience_agents, contacts_handled, delivery_of
from relais.apps.errors import RelaisError
from relais.apps.interactions.holds import queue_holds_lift
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.core.briefings import Rollout, RolloutMode, rollout_waves, spread_by_site
from relais.core.clock import from_datetime

MAX_QUESTIONS = 2


@dataclass(frozen=True, slots=True)
class RolloutPlan:
    """How a briefing reaches its agents from its start (`core.briefings.Rollout`)."""

    mode: RolloutMode = RolloutMode.AFTER_CONTACT
    wave_agents: int | None = None
    wave_percent: float | None = None
    wave_every_minutes: int = 10

    def at(self, start: dt.datetime) -> Rollout:
        return Rollout(
            start=from_datetime(start),
            mode=self.mode,
            wave_agents=self.wave_agents,
            wave_percent=self.wave_percent,
            wave_every_s=self.wave_every_minutes * 60.0,
        )


@dataclass(frozen=True, slots=True)
class Question:
    prompt: str
    choices: Sequence[str]
    correct: int  # index in choices


def _check(
    title: str, summary: str, queues: Sequence[Queue], questions: Sequence[Question]
) -> list[str]:
    problems: list[str] = []
    if not title.strip() or len(title) > 200:
        problems.append("title")
    if not summary.strip() or len(summary) > 5000:
        problems.append("text")
    if not queues:
        problems.append("queues")
    if len(questions) > MAX_QUESTIONS:
        problems.append("questions")
    problems += ["questions" for question in questions if not _well_formed(question)]
    return sorted(set(problems))


def _well_formed(question: Question) -> bool:
    """A prompt, two choices or more (none empty), and the right one among them."""
    choices = [choice for choice in question.choices if choice.strip()]
    return (
        bool(question.prompt.strip())
        and len(choices) == len(question.choices) >= 2
        and 0 <= question.correct < len(choices)
    )


EVERYONE = Audience()  # besides the queues: every site, partner and language


def publish_briefing(
    *,
    author: Any,
    title: str,
    summary: str,
    diff: Iterable[Sequence[object]] = (),
    queues: Sequence[Queue],
    audience: Audience = EVERYONE,
    blocking: bool = False,
    starts_at: dt.datetime | None = None,
    rollout: RolloutPlan = RolloutPlan(),
    questions: Sequence[Question] = (),
    source: str = "",
) -> Briefing:
    """Publish a briefing: its deliveries are planned in waves and the first ones that fell
    due are delivered at once (later ones by `briefings_deliver_due`, run at their time)."""
    require_publisher(author)
    problems = _check(title, summary, queues, questions)
    try:
        pairs = diff_clean(diff)
        plan = rollout.at(starts_at or timezone.now())
    except ValueError as error:
        problems.append(str(error))
    if problems:
        raise RelaisError(ErrorCode.INVALID_BRIEFING, problems=", ".join(problems))
    now = timezone.now()
    start = starts_at or now
    with transaction.atomic():  # inside the caller's (an article's publication), if any
        briefing = Briefing.objects.create(
            title=title.strip(),
            summary=summary.strip(),
            diff=[list(pair) for pair in pairs],
            source=source[:100],
            author=author,
            published_at=now,
            blocking=blocking,
            starts_at=start,
            rollout_mode=rollout.mode.value,
            wave_agents=rollout.wave_agents,
            wave_percent=rollout.wave_percent,
            wave_every_minutes=rollout.wave_every_minutes,
            languages=sorted(set(audience.languages)),
        )
        briefing.queues.set(queues)
        briefing.sites.set(audience.sites)
        briefing.partners.set(audience.partners)
        for order, question in enumerate(questions):
            CheckQuestion.objects.create(
                briefing=briefing,
                order=order,
                prompt=question.prompt.strip(),
                choices=[choice.strip() for choice in question.choices],
                correct=question.correct,
            )
        agents = spread_by_site(
            audience_agents(author=author, queues=queues, audience=audience),
            lambda agent: agent.site_id,
        )
        deliveries = [
            Delivery(
                briefing=briefing,
                agent=agent,
                wave=number,
                due_at=dt.datetime.fromtimestamp(when, dt.UTC),
            )
            for number, (when, wave) in enumerate(rollout_waves(plan, agents))
            for agent in wave
        ]
        Delivery.objects.bulk_create(deliveries)
        audit_record(
            actor=author,
            action="briefings.publish",
            obj=briefing,
            changes={
                "queues": [queue.code for queue in queues],
                "blocking": blocking,
                "agents": len(deliveries),
                "waves": len({d.wave for d in deliveries}),
                "source": source,
            },
        )
        deliveries_deliver(Delivery.objects.filter(briefing=briefing, due_at__lte=now), now)
        _schedule_waves(sorted({d.due_at for d in deliveries if d.due_at > now}))
    return briefing


def _schedule_waves(times: list[dt.datetime]) -> None:
    if times:
        waves_enqueue_on_commit(times)


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    acknowledged: bool
    wrong: tuple[int, ...] = ()  # ids of the questions answered wrongly: read the text again


def briefing_acknowledge(
    *, actor: Any, briefing_id: int, answers: Mapping[int, int] | None = None
) -> Acknowledgement:
    """The agent has read the briefing and answers its check questions (question id →
    choice). Every answer is recorded; with a wrong one the briefing stays unacknowledged
    (and the agent held back, when blocking) and the agent reads it again."""
    agent = Agent.objects.filter(user=actor, active=True).first() if actor else None
    if agent is None:
        raise RelaisError(ErrorCode.BRIEFING_NOT_FOUND)
    answers = dict(answers or {})
    now = timezone.now()
    with transaction.atomic(durable=True):
        delivery = delivery_of(agent=agent, briefing_id=briefing_id)
        delivery = (
            Delivery.objects.select_for_update().select_related("briefing").get(pk=delivery.pk)
        )
        if delivery.acknowledged_at is not None:
            return Acknowledgement(acknowledged=True)
        questions = list(delivery.briefing.questions.all())
        for question in questions:
            choice = answers.get(question.pk)
            if choice is None or not 0 <= choice < len(question.choices):
                raise RelaisError(ErrorCode.INVALID_ANSWER)
        wrong = tuple(q.pk for q in questions if answers[q.pk] != q.correct)
        CheckAnswer.objects.bulk_create(
            CheckAnswer(
                delivery=delivery,
                question=question,
                choice=answers[question.pk],
                correct=answers[question.pk] == question.correct,
                answered_at=now,
            )
            for question in questions
        )
        changes: dict[str, Any] = {
            "briefing": briefing_id,
            "answers": {str(q.pk): answers[q.pk] for q in questions},
            "wrong": list(wrong),
        }
        if wrong:
            delivery.wrong_answers += len(wrong)
            delivery.save(update_fields=["wrong_answers"])
            audit_record(actor=actor, action="briefings.answer", obj=delivery, changes=changes)
            return Acknowledgement(acknowledged=False, wrong=wrong)
        delivery.acknowledged_at = now
        delivery.contacts_before = contacts_handled(
            agent.pk, delivery.delivered_at or delivery.briefing.published_at, now
        )
        delivery.save(update_fields=["acknowledged_at", "contacts_before"])
        if delivery.briefing.blocking:
            queue_holds_lift(agent_id=agent.pk, source=delivery.briefing.hold_source)
        audit_record(actor=actor, action="briefings.acknowledge", obj=delivery, changes=changes)
    return Acknowledgement(acknowledged=True)
