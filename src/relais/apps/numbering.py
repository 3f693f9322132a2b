"""Numbers that follow commit order: a row's `last_seq`, moved by one UPDATE that also locks
the row until commit (a conversation's messages, an agent's desktop events)."""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.models import F


def number_take(
    model: type[models.Model], key_field: str, key: Any, *also: str
) -> tuple[Any, ...] | None:
    """Add one to the `last_seq` of the row whose `key_field` is `key`; returns the new
    number followed by the columns `also`, or None when there is no such row."""
    table = model._meta.db_table
    columns = ", ".join(f'"{column}"' for column in ("last_seq", *also))
    sql = (
        f'UPDATE "{table}" SET "last_seq" = "last_seq" + 1 '  # noqa: S608 - names from the model
        f'WHERE "{key_field}" = %s RETURNING {columns}'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), *row[1:])


def number_return(model: type[models.Model], key_field: str, key: Any) -> None:
    """Give back the number just taken (still under the row's lock): nothing was stored."""
    model._default_manager.filter(**{key_field: key}).update(last_seq=F("last_seq") - 1)
