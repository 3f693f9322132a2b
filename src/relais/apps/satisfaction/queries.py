"""The league's hand-written reads (docs/satisfaction.md, "Measured"): a year of a large
centre is read as plain rows, in one transaction tuned for it, and the judgements are counted
per cell before the cells' fields are joined. Each is tested against its ORM equivalent
(tests/apps/satisfaction/test_league.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from relais.apps.satisfaction.models import (
    FcrCell,
    FcrJudgement,
    FcrTally,
    SurveyAnswer,
    SurveyInvitation,
)

#: What pg_export_snapshot() returns (e.g. 00000003-0000001B-1).
_SNAPSHOT = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")


@contextmanager
def reading(snapshot: str | None = None) -> Iterator[None]:
    """One transaction for the league's reads; on PostgreSQL without JIT (compiling took a
    tenth of a second and saved nothing), with room to group a year in memory (with the
    default 4 MB a year of judgements spilled to disk) and without nested loops. `snapshot`
    (`snapshot_exported`, from another connection's reading): this one sees the same data."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if snapshot is not None:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    if not _SNAPSHOT.fullmatch(snapshot):  # SET takes no parameter
                        raise ValueError(f"not a snapshot identifier: {snapshot!r}")
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
                # the cells joined by hashing, not looked up one by one (the planner expects
                # 200 counted cells for 70,000)
                cursor.execute("SET LOCAL enable_nestloop = off")
        yield


def snapshot_exported() -> str | None:
    """Inside a PostgreSQL transaction opened for it (its first statement): REPEATABLE READ,
    and its snapshot exported for another connection's `reading` (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        row = cursor.fetchone()
    return str(row[0]) if row else None


def plain_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a grouped `values_list` as the database returns them: ids, codes and counts
    need none of the ORM's per-value conversions (which took a second over a year's rows)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found


def counted_per_cell(
    judgements: QuerySet[Any], fields: Sequence[str], counts: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """`judgements` (FcrJudgement) counted per cell with `counts`, then the cell's `fields`
    joined: the rows `values_list(*fields, *counts)` grouped by `fields` would give. Grouping a
    year by one integer then joining took a fifth of grouping by the eight columns."""
    counted = judgements.order_by().values(numbered=F("cell_id")).annotate(**counts)
    sql, params = counted.query.sql_with_params()
    return _joined(sql, params, fields, counts)


def whole_months(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and the end of the calendar months (UTC) wholly inside [start, end), or None
    when there is none."""
    first = start.astimezone(dt.UTC)
    first_month = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if first_month < first:
        first_month = (first_month + dt.timedelta(days=32)).replace(day=1)
    last = end.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first_month, last) if first_month < last else None


def judgements_counted(
    start: dt.datetime, end: dt.datetime, fields: Sequence[str], counts: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """The judgements arrived in [start, end) counted per cell with `counts` (named as
    `FcrTally`'s columns and counted as its triggers count), the cell's `fields` joined, as
    `counted_per_cell` gives: the whole months added up from `FcrTally`, only the days at either
    end counted from the judgements (a year: a million rows read instead of three)."""
    months = whole_months(start, end)
    judgements = FcrJudgement.objects.filter(arrived_at__gte=start, arrived_at__lt=end)
    if months is None:
        return counted_per_cell(judgements, fields, counts)
    first, last = months
    ends = (
        judgements.filter(Q(arrived_at__lt=first) | Q(arrived_at__gte=last))
        .order_by()
        .values(numbered=F("cell_id"))
        .annotate(**counts)
    )
    whole = FcrTally.objects.filter(month__gte=first.date(), month__lt=last.date())
    ends_sql, ends_params = ends.query.sql_with_params()
    whole_sql, whole_params = whole.order_by().values_list("cell", *counts).query.sql_with_params()
    column = {f.attname: f.column for f in FcrTally._meta.concrete_fields}
    # integers, so that PostgreSQL adds them up in integers (bigints it adds as numerics:
    # four times slower over a year's 800,000 rows)
    from_ends = ", ".join(f'CAST(e."{name}" AS INTEGER) AS "{name}"' for name in counts)
    from_whole = ", ".join(f'w."{column[name]}"' for name in counts)
    summed = ", ".join(f'CAST(SUM(u."{name}") AS BIGINT) AS "{name}"' for name in counts)
    sql = (
        f'SELECT u."numbered", {summed} FROM ('  # noqa: S608 - names from the models
        f'SELECT e."numbered", {from_ends} FROM ({ends_sql}) e UNION ALL '
        f'SELECT w."{column["cell"]}", {from_whole} FROM ({whole_sql}) w'
        ') u GROUP BY u."numbered"'
    )
    return _joined(sql, (*ends_params, *whole_params), fields, counts)


def _joined(
    sql: str, params: Sequence[Any], fields: Sequence[str], counts: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """The rows of `sql` (a cell's code as "numbered", then `counts`) with the cell's
    `fields` joined in front of the counts."""
    column = {f.attname: f.column for f in FcrCell._meta.concrete_fields}
    selected = ", ".join(f'c."{column[name]}"' for name in fields)
    tallies = ", ".join(f'j."{name}"' for name in counts)
    joined = (
        f"SELECT {selected}, {tallies} FROM ({sql}) j"  # noqa: S608 - names from the models
        f' JOIN "{FcrCell._meta.db_table}" c ON c."{column["code"]}" = j."numbered"'
    )
    with connection.cursor() as cursor:
        cursor.execute(joined, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found


#: The answers' counts (league._ANSWER_COUNTS), as SQL over the answer `a`.
ANSWER_COUNTS = {
    "agent_n": "COUNT(a.agent_csat)",
    "agent_ok": "COUNT(*) FILTER (WHERE a.agent_csat >= 4)",
    "company_n": "COUNT(a.company_csat)",
    "company_ok": "COUNT(*) FILTER (WHERE a.company_csat >= 4)",
    "nps_n": "COUNT(a.nps)",
    "promoters": "COUNT(*) FILTER (WHERE a.nps >= 9)",
    "detractors": "COUNT(*) FILTER (WHERE a.nps <= 6)",
    "resolved_n": "COUNT(a.resolved)",
    "resolved_ok": "COUNT(*) FILTER (WHERE a.resolved)",
}


def answers_and_weeks(
    start: dt.datetime, end: dt.datetime, fields: Sequence[str], level: str
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """PostgreSQL, in one scan of the answers of [start, end) joined to their invitations:
    the answers counted per invitation `fields` (the rows of `league.answer_rows`: the fields,
    then `ANSWER_COUNTS`), and per week (Monday, in the current time zone) and `level` (one of
    the fields) the answers with a CSAT for the agent and those of 4 or 5 (the rows of
    `league.weekly_trend`: week, group, n, ok). None on another database (no GROUPING SETS):
    the league reads them in two queries there."""
    if connection.vendor != "postgresql":
        return None
    column = {f.attname: f.column for f in SurveyInvitation._meta.concrete_fields}
    answered = {f.attname: f.column for f in SurveyAnswer._meta.concrete_fields}
    scores = ("agent_csat", "company_csat", "nps", "resolved")
    inner = ", ".join(
        [f'i."{column[name]}" AS "{name}"' for name in fields]
        + [f'x."{answered[name]}" AS "{name}"' for name in scores]
    )
    when = f'x."{answered["answered_at"]}"'
    grouped = ", ".join(f'a."{name}"' for name in fields)
    counted = ", ".join(ANSWER_COUNTS.values())
    sql = (
        f"SELECT {grouped}, a.week, {counted}, "  # noqa: S608 - names from the models
        "GROUPING(a.week) AS answers_row FROM ("
        f"SELECT {inner}, (DATE_TRUNC('week', {when} AT TIME ZONE %s))::date AS week"
        f' FROM "{SurveyAnswer._meta.db_table}" x'
        f' JOIN "{SurveyInvitation._meta.db_table}" i'
        f' ON i."{column["id"]}" = x."{answered["invitation_id"]}"'
        f" WHERE {when} >= %s AND {when} < %s"
        f') a GROUP BY GROUPING SETS (({grouped}), (a.week, a."{level}"))'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (timezone.get_current_timezone_name(), start, end))
        found: list[tuple[Any, ...]] = cursor.fetchall()
    width, at = len(fields), list(fields).index(level)
    answers = [(*row[:width], *row[width + 1 : -1]) for row in found if row[-1]]
    agent_n = width + 1 + list(ANSWER_COUNTS).index("agent_n")
    agent_ok = width + 1 + list(ANSWER_COUNTS).index("agent_ok")
    weeks = [
        (row[width], row[at], row[agent_n], row[agent_ok])
        for row in found
        if not row[-1] and row[agent_n]
    ]
    return answers, weeks


def judgements_delete_all() -> None:
    """Delete every `FcrJudgement` and so empty `FcrTally` (in a transaction). On PostgreSQL
    the tally's triggers are set aside for the two plain deletes (subtracting a year from the
    tally row by row took minutes); elsewhere the triggers empty it."""
    if connection.vendor != "postgresql":
        FcrJudgement.objects.all().delete()
        return
    with connection.cursor() as cursor:
        # and room for the insert trigger to group the year written next (4 MB spilled it)
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL relais.fcr_tally = 'aside'")
        cursor.execute(f'DELETE FROM "{FcrJudgement._meta.db_table}"')  # noqa: S608 - a model's
        cursor.execute(f'DELETE FROM "{FcrTally._meta.db_table}"')  # noqa: S608 - a model's
        cursor.execute("SET LOCAL relais.fcr_tally = 'kept'")


def analyse(*models: type[Model]) -> None:
    """PostgreSQL's statistics of tables just rewritten: without them the planner took a
    year of judgements for 7,000 rows, read them without parallel workers and the league's
    count per cell took 4.4 s instead of 1.3 (bench.quality_report)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def vacuum(*models: type[Model]) -> None:
    """PostgreSQL's VACUUM of tables whose every row was just replaced, when no transaction
    is open (VACUUM runs in none; their statistics were taken in the transaction that
    rewrote them, `analyse`): without it the judgements' index still led to the year deleted
    until autovacuum came, and the league's count of the days at either end of its period
    read them (0.6 s of its 1.0 s, bench.quality_report)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'VACUUM "{model._meta.db_table}"')
