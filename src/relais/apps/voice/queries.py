"""The voice record's hand-written statements: the record jobs of every call run them
(docs/voice.md, "Call control"), and the ORM compiled its statements for longer than the
database ran them (`relais.apps.rows`). Each is tested against its ORM equivalent
(tests/apps/voice/test_queries.py)."""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from relais.apps import rows
from relais.apps.accounts.models import User
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.voice.models import AgentLine, Call, CallState, Number

_N, _Q, _C = (f'"{model._meta.db_table}"' for model in (Number, Queue, Call))


@functools.cache
def _arrival_sql() -> str:
    return (
        f"SELECT {rows.columns(Number, 'n')}, {rows.columns(Queue, 'q')}, "  # noqa: S608 - names from the models
        f"{rows.columns(Call, 'c')} FROM {_N} n "
        f'JOIN {_Q} q ON q."id" = n."queue_id" '
        f'LEFT JOIN {_C} c ON c."sip_call_id" = %s '
        'WHERE n."number" = %s AND n."active" = %s'
    )


def number_and_call(number: str, call_id: str) -> tuple[Number | None, Call | None]:
    """The active number (E.164, with its queue) and the call recorded under the SIP
    Call-ID `call_id`, in one statement: (None, None) when no such number is active."""
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(_arrival_sql(), [call_id, number, True])
        row = cursor.fetchone()
    if row is None:
        return None, None
    to_queue, to_call = rows.width(Number), rows.width(Number) + rows.width(Queue)
    dialled = rows.instance(Number, row[:to_queue], db)
    dialled.queue = rows.instance(Queue, row[to_queue:to_call], db)
    call = rows.instance(Call, row[to_call:], db) if row[to_call] is not None else None
    return dialled, call


@functools.cache
def _agent_sql() -> str:
    return (
        f"SELECT {rows.columns(Agent, 'a')}, {rows.columns(User, 'u')} "  # noqa: S608 - names from the models
        f'FROM "{Agent._meta.db_table}" a JOIN "{User._meta.db_table}" u ON u."id" = a."user_id" '
        'WHERE a."id" = %s'
    )


def agent_with_user(agent_id: int) -> Agent | None:
    """The agent with their user (who the agent's actions on the phone are audited as)."""
    found = rows.joined(_agent_sql(), [agent_id], Agent, "user")
    return found[0] if found else None


@functools.cache
def _call_state_sql(names: tuple[str, ...]) -> tuple[tuple[Any, ...], str]:
    meta = Call._meta
    fields = tuple(meta.get_field(name) for name in ("state", *names))
    sets = ", ".join(f'"{field.column}" = %s' for field in fields)  # type: ignore[union-attr]
    sql = f'UPDATE {_C} SET {sets} WHERE "contact_id" = %s AND "state" <> %s'  # noqa: S608 - names from the model
    return fields, sql


def call_state_set(contact_id: int, state: CallState, **values: Any) -> int:
    """The call of the contact, unless ended, put in `state` with these other fields; how
    many rows changed (0: no such call, or ended already)."""
    db = connections[DEFAULT_DB_ALIAS]
    fields, sql = _call_state_sql(tuple(values))
    params = [
        field.get_db_prep_save(value, db)
        for field, value in zip(fields, (state, *values.values()), strict=True)
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, contact_id, CallState.ENDED.value])
        return int(cursor.rowcount)


def dialog_merge(call_id: str, dialog: dict[str, Any]) -> int:
    """The saved dialog of the call `call_id`, merged by top key with `dialog` in one
    statement (a key set to None is removed); how many rows changed (0: no such call)."""
    kept = {key: value for key, value in dialog.items() if value is not None}
    removed = [key for key, value in dialog.items() if value is None]
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f'UPDATE {_C} SET "dialog" = ("dialog" || %s::jsonb) - %s::text[] '  # noqa: S608 - names from the model
                'WHERE "sip_call_id" = %s',
                [json.dumps(kept), removed, call_id],
            )
        else:  # SQLite's JSON1: json_set per key set, json_remove per key removed
            expression, params = '"dialog"', []
            for key, value in kept.items():
                expression = f"json_set({expression}, %s, json(%s))"
                params += [_path(key), json.dumps(value)]
            if removed:
                expression = f"json_remove({expression}, {rows.marks(len(removed))})"
                params += [_path(key) for key in removed]
            cursor.execute(
                f'UPDATE {_C} SET "dialog" = {expression} WHERE "sip_call_id" = %s',  # noqa: S608 - names from the model, keys as parameters
                [*params, call_id],
            )
        return int(cursor.rowcount)


def _path(key: str) -> str:
    """SQLite's JSON path of a top key, quoted (json.dumps escapes what a path must)."""
    return f"$.{json.dumps(key)}"


def callers_of_calls_up(contact_ids: Collection[int]) -> dict[int, str]:
    """The caller of each of these contacts' calls not ended (the offers feed reads them for
    every batch of the log's lines about calls)."""
    if not contact_ids:
        return {}
    sql = (
        f'SELECT "contact_id", "caller" FROM {_C} '  # noqa: S608 - names from the model
        f'WHERE "contact_id" IN ({rows.marks(len(contact_ids))}) AND "state" <> %s'
    )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, [*contact_ids, CallState.ENDED.value])
        return dict(cursor.fetchall())


def agent_lines(agent_ids: Collection[int]) -> list[AgentLine]:
    """These agents' lines (an agent without one rings in the browser)."""
    if not agent_ids:
        return []
    sql = (
        f'SELECT {rows.columns(AgentLine, "l")} FROM "{AgentLine._meta.db_table}" l '  # noqa: S608 - names from the model
        f'WHERE l."agent_id" IN ({rows.marks(len(agent_ids))})'
    )
    return rows.fetch(AgentLine, sql, list(agent_ids))
