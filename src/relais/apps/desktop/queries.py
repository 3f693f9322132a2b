"""The agent desktop's hand-written statements (apps/rows.py builds them from the models):
the router runs them for every batch of decisions it records, and every accept opens a
chat with them; measurement justified writing them by hand (docs/desktop.md, "Under
load"). Each is tested against its ORM equivalent (tests/apps/desktop/test_queries.py)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from relais.apps import rows
from relais.apps.chat.models import ChatMessage, ChatSession, ChatTopic, Sender
from relais.apps.deskstream.models import DeskCursor, DeskEvent
from relais.apps.interactions.models import Contact, ContactState
from relais.apps.routing.models import Queue

_SESSION_SQL = (
    f"SELECT {rows.columns(ChatSession, 's')}, {rows.columns(ChatTopic, 't')} "  # noqa: S608 - names from the models
    f'FROM "{ChatSession._meta.db_table}" s '
    f'LEFT JOIN "{ChatTopic._meta.db_table}" t ON t."id" = s."topic_id" '
    'WHERE s."contact_id" = %s LIMIT 1'
)


def chat_session(contact_id: int) -> ChatSession | None:
    """The contact's chat session, with its topic (None: the contact is not a chat)."""
    found = rows.joined(_SESSION_SQL, [contact_id], ChatSession, "topic")
    return found[0] if found else None


_OFFERS_SQL = (  # the router reads it for every offer it records
    f"SELECT {rows.columns(ChatSession, 's')}, {rows.columns(ChatTopic, 't')}, "  # noqa: S608 - names from the models
    f'(SELECT m."body" FROM "{ChatMessage._meta.db_table}" m WHERE m."contact_id" = s."contact_id" '
    'AND m."sender" = %s ORDER BY m."seq" LIMIT 1) '
    f'FROM "{ChatSession._meta.db_table}" s '
    f'LEFT JOIN "{ChatTopic._meta.db_table}" t ON t."id" = s."topic_id" '
    'WHERE s."contact_id" IN ({marks})'
)


def offer_sessions(
    contact_ids: list[int],
) -> dict[int, tuple[ChatSession, ChatTopic | None, str]]:
    """By contact, for those that are chats: the session, its topic, and the customer's
    first message ("" before one), in one statement whatever their number."""
    if not contact_ids:
        return {}
    sql = _OFFERS_SQL.format(marks=rows.marks(len(contact_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [Sender.CUSTOMER, *contact_ids])
        found = cursor.fetchall()
    split, end = rows.width(ChatSession), rows.width(ChatSession) + rows.width(ChatTopic)
    sessions = {}
    for row in found:
        chat = rows.instance(ChatSession, row[:split])
        topic = rows.instance(ChatTopic, row[split:end]) if row[split] is not None else None
        sessions[chat.contact_id] = (chat, topic, row[end] or "")
    return sessions


_OFFERED_SQL = (  # as every statement of a batch: the router runs them all the time
    f"SELECT {rows.columns(Contact, 'c')}, {rows.columns(Queue, 'q')} "  # noqa: S608 - names from the models
    f'FROM "{Contact._meta.db_table}" c JOIN "{Queue._meta.db_table}" q ON q."id" = c."queue_id" '
    'WHERE c."id" IN ({marks}) AND c."state" = %s'
)


def offered(contact_ids: list[int]) -> list[Contact]:
    """Those of the contacts still offered, with their queue."""
    sql = _OFFERED_SQL.format(marks=rows.marks(len(contact_ids)))
    return rows.joined(sql, [*contact_ids, ContactState.OFFERED], Contact, "queue")


_CURSORS_SQL = (
    'SELECT c."agent_id", c."last_seq", (SELECT e."payload" '  # noqa: S608 - names from the models
    f'FROM "{DeskEvent._meta.db_table}" e WHERE e."agent_id" = c."agent_id" AND e."kind" = %s '
    f'ORDER BY e."seq" DESC LIMIT 1) FROM "{DeskCursor._meta.db_table}" c '
    'WHERE c."agent_id" IN ({marks}) ORDER BY c."agent_id"'
)


def cursors_locked(agents: list[int]) -> list[tuple[int, int, dict[str, Any] | None]]:
    """The agents' existing desk cursors, locked in ascending order (FOR UPDATE where the
    database has it): each agent, its last number, and its stream's last presence payload."""
    sql = _CURSORS_SQL.format(marks=rows.marks(len(agents)))
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF c"
    with connection.cursor() as db:
        db.execute(sql, ["presence.changed", *agents])
        found = db.fetchall()
    return [
        (agent_id, taken, rows.value(DeskEvent, "payload", presence))
        for agent_id, taken, presence in found
    ]


def recorded(agents: list[int], keys: set[str]) -> set[tuple[int, str]]:
    """Which of these keys the agents' streams hold already, by agent."""
    if not keys:
        return set()
    sql = (
        f'SELECT "agent_id", "key" FROM "{DeskEvent._meta.db_table}" '  # noqa: S608 - names from the model
        f'WHERE "agent_id" IN ({rows.marks(len(agents))}) '
        f'AND "key" IN ({rows.marks(len(keys))})'
    )
    with connection.cursor() as db:
        db.execute(sql, [*agents, *keys])
        return {(int(agent_id), key) for agent_id, key in db.fetchall()}


def cursors_save(moved: dict[int, int]) -> None:
    """The cursors' new last numbers (agent: number), in one statement."""
    if not moved:
        return
    cases = " ".join(["WHEN %s THEN %s"] * len(moved))
    sql = (
        f'UPDATE "{DeskCursor._meta.db_table}" SET "last_seq" = CASE "agent_id" {cases} END '  # noqa: S608 - names from the model
        f'WHERE "agent_id" IN ({rows.marks(len(moved))})'
    )
    with connection.cursor() as db:
        db.execute(sql, [*(v for pair in moved.items() for v in pair), *moved])
