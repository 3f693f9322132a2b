"""The partner's agents' time per state and interval over a month, summed by PostgreSQL.

A month of a 300-agent partner is two million state changes: rather than build every span
in Python (`reporting.stats.state_spans`), PostgreSQL rebuilds them with the same rules and
returns their seconds per agent, state, reason and interval of the contract's terms:

- the agent events are those of `reporting.records.AGENT_EVENT_KINDS`, read in id order;
  each puts the agent in the state `records.state_of` gives (a state the KPIs do not know
  counts as offline);
- each agent starts the month in the state of its last event before the month (from the
  month's start); a repeat of the current state changes nothing; a change never starts
  before the current state began (a running maximum);
- the last span ends at min(month's end, now); spans are cut at the month's bounds and
  split at interval boundaries (aligned on the epoch, as `kpi.split_seconds`).

Other databases (SQLite in the tests) read spans through `state_spans` instead; both give
the same hours (the tests of the contracts app run on both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any, overload

from django.db import connection, transaction
from django.db.models import FloatField, Func, QuerySet

from relais.apps.interactions.models import ContactEvent, EventKind
from relais.apps.reporting.records import AGENT_EVENT_KINDS
from relais.core.contracts.evaluation import StateSeconds
from relais.core.kpi import AgentState, to_epoch

KNOWN_STATES = tuple(str(state) for state in AgentState)

_STATE = """
CASE e.kind
  WHEN %(changed)s THEN CASE WHEN e.data->>'state' = ANY(%(known)s) THEN e.data->>'state'
                        ELSE 'offline' END
  WHEN %(logged_in)s THEN CASE WHEN COALESCE(e.data->>'break_reason', '') <> ''
                          THEN 'break' ELSE 'available' END
  WHEN %(logged_out)s THEN 'offline'
  WHEN %(break_started)s THEN 'break'
  ELSE 'available'
END"""
_REASON = """
CASE e.kind
  WHEN %(changed)s THEN NULLIF(e.data->>'reason', '')
  WHEN %(logged_in)s THEN NULLIF(e.data->>'break_reason', '')
  WHEN %(break_started)s THEN COALESCE(NULLIF(e.data->>'reason', ''), 'other')
  ELSE NULL
END"""

SQL = """
WITH events AS (
  SELECT e.agent_id, e.id, 1 AS after_start, EXTRACT(EPOCH FROM e.at)::float8 AS at,
         {state} AS state, {reason} AS reason
  FROM {table} e
  WHERE e.kind = ANY(%(kinds)s) AND e.agent_id = ANY(%(agents)s)
    AND e.at >= %(start)s AND e.at < %(end)s
  UNION ALL
  SELECT e.agent_id, e.id, 0, %(lower)s::float8, {state}, {reason}
  FROM {table} e
  WHERE e.id IN (
    SELECT MAX(id) FROM {table}
    WHERE kind = ANY(%(kinds)s) AND agent_id = ANY(%(agents)s) AND at < %(start)s
    GROUP BY agent_id
  )
), ordered AS (
  SELECT agent_id, after_start, id, at, state, reason,
         ROW_NUMBER() OVER w AS n, LAG(state) OVER w AS was, LAG(reason) OVER w AS was_reason
  FROM events WINDOW w AS (PARTITION BY agent_id ORDER BY after_start, id)
), changes AS (
  SELECT agent_id, after_start, id, state, reason,
         MAX(at) OVER (PARTITION BY agent_id ORDER BY after_start, id
                       ROWS UNBOUNDED PRECEDING) AS since
  FROM ordered
  WHERE n = 1 OR state <> was OR reason IS DISTINCT FROM was_reason
), spans AS (
  SELECT agent_id, state, reason, since,
         LEAD(since) OVER (PARTITION BY agent_id ORDER BY after_start, id) AS next_since
  FROM changes
), cut AS (
  SELECT agent_id, state, reason,
         GREATEST(since, %(lower)s) AS b,
         LEAST(COALESCE(next_since, %(upper)s), %(month_end)s) AS f
  FROM spans
  WHERE (next_since IS NOT NULL OR %(upper)s > since) AND state = ANY(%(states)s)
), pieces AS (
  SELECT agent_id, state, reason, k * %(interval)s AS slot,
         LEAST(f, (k + 1) * %(interval)s) - GREATEST(b, k * %(interval)s) AS seconds
  FROM cut,
       generate_series(FLOOR(b / %(interval)s)::bigint, CEIL(f / %(interval)s)::bigint - 1) AS k
  WHERE f > b
)
SELECT agent_id, state, reason, slot, ROUND(SUM(seconds)::numeric, 6)::float8
FROM pieces
WHERE seconds > 0
GROUP BY agent_id, state, reason, slot
ORDER BY agent_id, slot, state COLLATE "C", reason COLLATE "C"
"""


class Epoch(Func):
    """Seconds since the UTC epoch of a time column, as a float (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


def fetched_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query as the driver gives them: its SQL, run without
    Django's per-row converters (a million contacts)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def summed_in_database() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def month_reading() -> Iterator[None]:
    """One transaction for a month's reads; on PostgreSQL without JIT (compiling these
    queries took longer than running them) and with room to sort a month in memory."""
    with transaction.atomic():
        if summed_in_database():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '128MB'")
        yield


class Pending[T](Sequence[T]):
    """Rows a query is still reading, in a thread on the same connection and transaction
    (PostgreSQL sums on one core while Python computes on the other); the first use waits."""

    def __init__(self, read: Callable[[], list[T]]) -> None:
        pool = ThreadPoolExecutor(max_workers=1)
        self._future = pool.submit(read)
        pool.shutdown(wait=False)

    def _rows(self) -> list[T]:
        return self._future.result()

    def __len__(self) -> int:
        return len(self._rows())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._rows()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._rows())


def state_seconds(
    agents: Iterable[int],
    states: Iterable[AgentState],
    start: datetime,
    end: datetime,
    *,
    now: float,
    interval_seconds: float,
) -> Sequence[StateSeconds]:
    """Seconds of each agent of `agents` in each of `states` (the states a contract
    prices), per reason and interval in [start, end); read while the caller goes on
    (`Pending`): the caller must stay in its transaction until it has read them."""
    lower, month_end = to_epoch(start), to_epoch(end)
    params: dict[str, Any] = {
        "kinds": [str(kind) for kind in AGENT_EVENT_KINDS],
        "agents": sorted(agents),
        "known": list(KNOWN_STATES),
        "states": sorted(str(state) for state in states),
        "changed": str(EventKind.AGENT_STATE_CHANGED),
        "logged_in": str(EventKind.AGENT_LOGGED_IN),
        "logged_out": str(EventKind.AGENT_LOGGED_OUT),
        "break_started": str(EventKind.AGENT_BREAK_STARTED),
        "start": start,
        "end": end,
        "lower": lower,
        "upper": min(month_end, now),
        "month_end": month_end,
        "interval": float(interval_seconds),
    }
    sql = SQL.format(table=ContactEvent._meta.db_table, state=_STATE, reason=_REASON)
    connection.ensure_connection()
    driver = connection.connection

    def read() -> list[StateSeconds]:
        with driver.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                StateSeconds(str(agent), AgentState(state), reason, slot, seconds)
                for agent, state, reason, slot, seconds in cursor.fetchall()
            ]

    return Pending(read)
