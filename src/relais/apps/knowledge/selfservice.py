"""Self-service before an agent: the customer's first message matched against the public
articles, up to three suggestions; the customer ends there ("That answers my question") or
goes on to an agent, and the suggestions stay recorded with the contact."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import hash_token
from relais.apps.chat.identity import identity_verify
from relais.apps.chat.models import ChatSession
from relais.apps.errors import RelaisError
from relais.apps.interactions.identity import customer_key
from relais.apps.knowledge.access import PUBLIC_READER
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.models import Article, SelfServiceSession, SessionOutcome
from relais.apps.knowledge.search import article_search

MAX_SUGGESTIONS = 3
MAX_QUESTION_CHARS = 2000


def suggestions_for(question: str, *, language: str) -> list[Article]:
    """Up to three public articles in the customer's language that match the question."""
    return article_search(
        reader=PUBLIC_READER,
        query=question[:MAX_QUESTION_CHARS],
        limit=MAX_SUGGESTIONS,
        language=language,
        public_only=True,
    )


def _customer_key(email: str, identity: str) -> str:
    brand_id = ""
    if identity:
        try:
            brand_id = identity_verify(identity, now=time.time()).customer_id
        except RelaisError:  # an identity that does not verify counts as none
            brand_id = ""
    return customer_key(email, brand_id=brand_id)


def selfservice_start(
    *, question: str, language: str, email: str = "", identity: str = ""
) -> tuple[SelfServiceSession, str, list[Article]]:
    """A session for the customer's first message; returns it, its token and the suggestions."""
    language = language if language in ("fr", "en") else settings.LANGUAGE_CODE[:2]
    suggestions = suggestions_for(question, language=language)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        session = SelfServiceSession.objects.create(
            token_hash=hash_token(token),
            started_at=timezone.now(),
            language=language,
            question=question[:MAX_QUESTION_CHARS],
            topic=suggestions[0].topic if suggestions else None,
            customer_key=_customer_key(email, identity),
        )
        session.suggestions.set(suggestions)
    return session, token, suggestions


def _session(token: str) -> SelfServiceSession:
    if not token:
        raise RelaisError(ErrorCode.SESSION_REQUIRED)
    session = (
        SelfServiceSession.objects.select_for_update()
        .filter(token_hash=hash_token(token), outcome=SessionOutcome.OPEN)
        .first()
    )
    if session is None:
        raise RelaisError(ErrorCode.UNKNOWN_SESSION)
    return session


def selfservice_resolve(*, token: str) -> SelfServiceSession:
    """The customer said a suggestion answered their question."""
    with transaction.atomic():
        session = _session(token)
        session.outcome = SessionOutcome.RESOLVED
        session.ended_at = timezone.now()
        session.save(update_fields=["outcome", "ended_at"])
    return session


def selfservice_escalate(*, token: str, chat_token: str = "") -> SelfServiceSession:
    """The customer went on to an agent: the chat they started (its customer token) carries
    the suggestions they were shown."""
    with transaction.atomic():
        session = _session(token)
        chat = (
            ChatSession.objects.select_related("contact")
            .filter(token_hash=hash_token(chat_token))
            .first()
            if chat_token
            else None
        )
        session.outcome = SessionOutcome.ESCALATED
        session.ended_at = timezone.now()
        if chat is not None:
            contact = chat.contact
            session.contact = contact
            ids = list(session.suggestions.values_list("pk", flat=True))
            contact.attributes = {**contact.attributes, "knowledge_suggestions": ids}
            contact.save(update_fields=["attributes"])
            if not session.customer_key and contact.customer_key:
                session.customer_key = contact.customer_key
        session.save(update_fields=["outcome", "ended_at", "contact", "customer_key"])
    return session
