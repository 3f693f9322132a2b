"""The desktop's knowledge panel: search, suggestions from the customer's last messages, and
the record of which article an agent used in which contact. Only for the agent holding the
contact, and only among the articles that agent may read."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps.audit.services import audit_record
from relais.apps.chat.models import ChatMessage, Sender
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import Contact
from relais.apps.knowledge.access import reader_for
from relais.apps.knowledge.errors import ErrorCode
from relais.apps.knowledge.models import Article, ArticleUse, UseKind
from relais.apps.knowledge.search import article_search
from relais.apps.knowledge.selectors import article_get

#: How many of the customer's last messages suggestions are drawn from.
LAST_MESSAGES = 3
PANEL_RESULTS = 8


def held_contact(*, viewer: Any, contact_id: int) -> Contact:
    """A contact the viewer (an agent) holds now; else permission denied."""
    agent = getattr(viewer, "agent", None)
    contact = Contact.objects.filter(pk=contact_id).first()
    if agent is None or contact is None or contact.agent_id != agent.pk:
        raise RelaisError(ErrorCode.PERMISSION_DENIED)
    return contact


def panel_search(*, viewer: Any, query: str) -> list[Article]:
    return article_search(reader=reader_for(viewer), query=query, limit=PANEL_RESULTS)


def panel_suggestions(*, viewer: Any, contact_id: int) -> list[Article]:
    """Articles matching what the customer wrote last in a contact the viewer holds."""
    contact = held_contact(viewer=viewer, contact_id=contact_id)
    bodies = list(
        ChatMessage.objects.filter(contact_id=contact.pk, sender=Sender.CUSTOMER)
        .order_by("-seq")
        .values_list("body", flat=True)[:LAST_MESSAGES]
    )
    if not bodies:
        return []
    return article_search(reader=reader_for(viewer), query=" ".join(bodies), limit=3)


def article_use_record(*, viewer: Any, article_id: int, contact_id: int, kind: str) -> ArticleUse:
    """The agent inserted an article's link or a passage of it into a reply (or opened it)."""
    if kind not in UseKind.values:
        raise RelaisError(ErrorCode.INVALID_ARTICLE, reason="kind")
    contact = held_contact(viewer=viewer, contact_id=contact_id)
    article = article_get(viewer=viewer, article_id=article_id)
    if article.current_version is None:
        raise RelaisError(ErrorCode.NOT_FOUND)
    with transaction.atomic():
        use = ArticleUse.objects.create(
            article=article,
            version_number=article.current_version.number,
            contact=contact,
            agent=viewer.agent,
            kind=kind,
            at=timezone.now(),
        )
        audit_record(
            actor=viewer,
            action="knowledge.article.use",
            obj=use,
            changes={"article": article.pk, "contact": contact.pk, "kind": kind},
        )
    return use
