"""The web chat's hand-written statements (apps/rows.py builds them from the models): the
customer's hello and every chat start run them, and measurement justified writing them by
hand (docs/desktop.md, "Under load"). Each is tested against its ORM equivalent
(tests/apps/chat/test_queries.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from relais.apps import rows
from relais.apps.accounts.models import User
from relais.apps.chat.models import CUSTOMER_VISIBLE, ChatMessage, ChatSession, ChatTopic
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue

_TOPIC_SQL = (  # every chat starts with it
    f"SELECT {rows.columns(ChatTopic, 't')}, {rows.columns(Queue, 'q')} "  # noqa: S608 - names from the models
    f'FROM "{ChatTopic._meta.db_table}" t JOIN "{Queue._meta.db_table}" q ON q."id" = t."queue_id" '
    'WHERE t."code" = %s AND t."active" = %s LIMIT 1'
)


def active_topic(code: str) -> ChatTopic | None:
    """The active topic with this code, with its queue."""
    found = rows.joined(_TOPIC_SQL, [code, True], ChatTopic, "queue")
    return found[0] if found else None


_CUSTOMER_MESSAGES_SQL = (  # every customer's hello reads them
    f'SELECT {rows.columns(ChatMessage, "m")} FROM "{ChatMessage._meta.db_table}" m '  # noqa: S608 - names from the model
    'WHERE m."contact_id" = %s AND m."seq" > %s '
    f'AND m."sender" IN ({rows.marks(len(CUSTOMER_VISIBLE))}) ORDER BY m."seq"'
)


def customer_messages(contact_id: int, after: int) -> list[ChatMessage]:
    """The conversation's messages the customer may see, numbered after `after`, in order."""
    return rows.fetch(ChatMessage, _CUSTOMER_MESSAGES_SQL, [contact_id, after, *CUSTOMER_VISIBLE])


_STANDING_SQL = (  # every customer's hello reads it
    f'SELECT s."last_seq", s."customer_left_at", c."state", u."first_name" '  # noqa: S608 - names from the models
    f'FROM "{ChatSession._meta.db_table}" s '
    f'JOIN "{Contact._meta.db_table}" c ON c."id" = s."contact_id" '
    f'LEFT JOIN "{Agent._meta.db_table}" a ON a."id" = c."agent_id" '
    f'LEFT JOIN "{User._meta.db_table}" u ON u."id" = a."user_id" '
    'WHERE s."contact_id" = %s'
)


def standing(contact_id: int) -> tuple[int, dt.datetime | None, str, str | None]:
    """The chat's last number, when the customer left, the contact's state, and the first
    name of the contact's agent (None without one)."""
    with connection.cursor() as cursor:
        cursor.execute(_STANDING_SQL, [contact_id])
        row: Any = cursor.fetchone()
    last_seq, left_at, state, first_name = row
    return last_seq, rows.value(ChatSession, "customer_left_at", left_at), state, first_name


_TOKEN_SQL = (  # every customer's hello reads it
    f"SELECT {rows.columns(ChatSession, 's')}, {rows.columns(ChatTopic, 't')}, "  # noqa: S608 - names from the models
    'c."closed_at", c."abandoned_at" '
    f'FROM "{ChatSession._meta.db_table}" s '
    f'JOIN "{Contact._meta.db_table}" c ON c."id" = s."contact_id" '
    f'LEFT JOIN "{ChatTopic._meta.db_table}" t ON t."id" = s."topic_id" '
    'WHERE s."token_hash" = %s LIMIT 1'
)


def session_by_token_hash(token_hash: str) -> tuple[ChatSession, dt.datetime | None] | None:
    """The chat session holding the token of this hash, with its topic, and when the chat
    ended (the customer left, or its contact closed or was abandoned; None: it goes on)."""
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [token_hash])
        row: Any = cursor.fetchone()
    if row is None:
        return None
    split = rows.width(ChatSession)
    topic_end = split + rows.width(ChatTopic)
    session = rows.instance(ChatSession, row[:split])
    session.topic = (
        rows.instance(ChatTopic, row[split:topic_end]) if row[split] is not None else None
    )
    ends = [
        session.customer_left_at,
        rows.value(Contact, "closed_at", row[topic_end]),
        rows.value(Contact, "abandoned_at", row[topic_end + 1]),
    ]
    return session, min((end for end in ends if end is not None), default=None)
