"""The league's hand-written reads (docs/satisfaction.md, "Measured"): a year of a large
centre is read as plain rows, in one transaction tuned for it, and the judgements are counted
per cell before the cells' fields are joined. Each is tested against its ORM equivalent
(tests/apps/satisfaction/test_league.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model, QuerySet

from relais.apps.satisfaction.models import FcrCell


@contextmanager
def reading() -> Iterator[None]:
    """One transaction for the league's reads; on PostgreSQL without JIT (compiling took a
    tenth of a second and saved nothing) and with room to group a year in memory (with the
    default 4 MB a year of judgements spilled to disk)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


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


def analyse(*models: type[Model]) -> None:
    """PostgreSQL's statistics of tables just rewritten: without them the planner took a
    year of judgements for 7,000 rows, read them without parallel workers and the league's
    count per cell took 4.4 s instead of 1.3 (bench.quality_report)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
