"""Writes of the satisfaction app: inviting a customer, recording their single answer, and
judging first-contact resolution over the contacts (docs/satisfaction.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import Contact, ContactState, EventKind
from relais.apps.satisfaction import fcr, queries, selectors
from relais.apps.satisfaction.attribution import attributed_fields, contact_reason
from relais.apps.satisfaction.errors import ErrorCode
from relais.apps.satisfaction.models import (
    Delivery,
    FcrJudgement,
    FcrTally,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPolicy,
)
from relais.apps.satisfaction.schemas import AnswerIn

#: A chat survey in the widget stays open this long after the conversation ends.
WIDGET_VALID = dt.timedelta(hours=1)
ENDED_STATES = (ContactState.WRAP_UP, ContactState.CLOSED)


def in_sample(contact_id: int, percent: int) -> bool:
    """Whether the contact falls in the policy's sample (a stable draw from its id)."""
    digest = hashlib.sha256(f"survey:{contact_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def _recently_surveyed(customer_key: str, days: int, now: dt.datetime) -> bool:
    if not customer_key or not days:
        return False
    since = now - dt.timedelta(days=days)
    return SurveyInvitation.objects.filter(customer_key=customer_key, sent_at__gte=since).exists()


def survey_invite(
    *, contact: Contact, delivery: str, language: str = "fr", now: dt.datetime | None = None
) -> SurveyInvitation | None:
    """Invite the customer of an ended, handled contact when the queue's policy asks for it:
    in its sample, not surveyed within the quiet period; the existing invitation if any."""
    now = now or timezone.now()
    existing = SurveyInvitation.objects.filter(contact=contact).first()
    if existing is not None:
        return existing
    policy = SurveyPolicy.objects.filter(queue_id=contact.queue_id, active=True).first()
    if policy is None or contact.agent_id is None or contact.state not in ENDED_STATES:
        return None
    if not in_sample(contact.pk, policy.sampling_percent):
        return None
    if _recently_surveyed(contact.customer_key, policy.quiet_days, now):
        return None
    languages = policy.languages or ["fr", "en"]
    # a link can wait in an inbox; the widget and the keypad are answered there and then
    valid = (
        dt.timedelta(hours=policy.link_valid_hours) if delivery == Delivery.LINK else WIDGET_VALID
    )
    fields = attributed_fields(contact, policy.attribution)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                contact=contact,
                policy=policy,
                delivery=delivery,
                language=language if language in languages else languages[0],
                customer_key=contact.customer_key,
                sent_at=now,
                expires_at=now + valid,
                **fields,
            )
            audit_record(
                actor=None,
                action="survey.invited",
                obj=invitation,
                changes={"contact": contact.pk, "delivery": delivery},
            )
    except IntegrityError:  # invited at the same moment by another request
        return SurveyInvitation.objects.filter(contact=contact).first()
    return invitation


def survey_answer(
    *, invitation: SurveyInvitation, answer: AnswerIn, now: dt.datetime | None = None
) -> SurveyAnswer:
    """Record the customer's answer once: a second one, or one after expiry, is refused and
    changes nothing. Appends `survey.answered` to the contact's event log."""
    now = now or timezone.now()
    if now > invitation.expires_at:
        raise RelaisError(ErrorCode.SURVEY_EXPIRED, closed=selectors.closed_text(invitation))
    if answer.is_empty():
        raise RelaisError(ErrorCode.INVALID_ANSWER, problems=_("no question was answered"))
    asked = selectors.asked_questions(invitation.policy)
    values = answer.model_dump()
    problems = [
        name for name, value in values.items() if value not in (None, "") and name not in asked
    ]
    if problems:
        raise RelaisError(ErrorCode.INVALID_ANSWER, problems=", ".join(problems))
    try:
        with transaction.atomic(durable=True):
            if not invitation.reason:  # a chat is surveyed before its wrap-up reason is typed
                invitation.reason = contact_reason(invitation.contact)
                SurveyInvitation.objects.filter(pk=invitation.pk).update(reason=invitation.reason)
            recorded = SurveyAnswer.objects.create(
                invitation=invitation,
                answered_at=now,
                **{**values, "comment": answer.comment.strip()},
            )
            event_append(
                kind=EventKind.SURVEY_ANSWERED,
                at=now,
                contact_id=invitation.contact_id,
                agent_id=invitation.agent_id,
                queue_id=invitation.queue_id,
                data=_event_data(recorded),
            )
            audit_record(
                actor=None, action="survey.answered", obj=recorded, changes=_event_data(recorded)
            )
    except IntegrityError as error:
        raise RelaisError(ErrorCode.SURVEY_ALREADY_ANSWERED) from error
    return recorded


def _event_data(answer: SurveyAnswer) -> dict[str, Any]:
    return {
        "survey": answer.invitation_id,
        "agent_csat": answer.agent_csat,
        "company_csat": answer.company_csat,
        "nps": answer.nps,
        "effort": answer.effort,
        "resolved": answer.resolved,
    }


@dataclass(frozen=True)
class FcrRun:
    """What the audit entry of a recomputation names."""

    pk: str


def fcr_recompute(
    *, window_days: int = 7, as_of: dt.datetime | None = None, actor: Any = None
) -> dict[str, int]:
    """Judge every handled contact again (fcr.py) and replace the judgements; audited."""
    as_of = as_of or timezone.now()
    with transaction.atomic():
        counts = fcr.judgements_rebuild(window_days=window_days, as_of=as_of)
        audit_record(
            actor=actor,
            action="fcr.recompute",
            obj=FcrRun(as_of.isoformat()),
            changes={"window_days": window_days, "as_of": as_of.isoformat(), **counts},
        )
    queries.vacuum(FcrJudgement, FcrTally)  # once committed: the year just deleted is gone
    return counts
