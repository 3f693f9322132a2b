"""Rows read and written by hand-written SQL, as model instances the ORM would make.

For the few statements a chat runs many times, compiling the ORM's SQL cost more than
running it: a contact with its queue took about 0.8 ms to compile and 0.3 ms to run on
PostgreSQL (bench.chat_load), and `objects.create` took 0.25 ms of CPU where `insert` takes
0.13. The columns are taken from the models, so such a statement follows the migrations;
values pass through the same converters and preparations the ORM applies. Model signals
are not sent: no receiver is connected to the models written here (`insert` says so).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

type _Converter = Callable[[Any, Any, Any], Any]


def _db() -> BaseDatabaseWrapper:
    """This thread's connection, looked up once per call: `django.db.connection` is a proxy
    that looks it up again at every attribute."""
    return connections[DEFAULT_DB_ALIAS]


def marks(count: int) -> str:
    """`count` parameter placeholders, comma-separated: the inside of `IN (…)` or `VALUES (…)`."""
    return ", ".join(["%s"] * count)


def columns(model: type[models.Model], alias: str) -> str:
    """The model's concrete columns, qualified by `alias`, in field order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def width(model: type[models.Model]) -> int:
    return len(model._meta.concrete_fields)


@functools.cache
def _converters(
    model: type[models.Model], vendor: str
) -> tuple[tuple[int, Any, tuple[_Converter, ...]], ...]:
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column, chain = _chain(field)
        if chain:
            found.append((index, column, chain))
    return tuple(found)


def _chain(field: Any) -> tuple[Any, tuple[_Converter, ...]]:
    db = _db()
    column = field.get_col(field.model._meta.db_table)
    return column, (
        *db.ops.get_db_converters(column),
        *column.get_db_converters(db),
    )


def value(model: type[models.Model], name: str, raw: Any) -> Any:
    """One column's value as the ORM would give the field `name` (a JSON payload, say)."""
    db = _db()
    column, chain = _field_converters(model, name, db.vendor)
    for converter in chain:
        raw = converter(raw, column, db)
    return raw


@functools.cache
def _field_converters(
    model: type[models.Model], name: str, vendor: str
) -> tuple[Any, tuple[_Converter, ...]]:
    return _chain(model._meta.get_field(name))


def instance[M: models.Model](
    model: type[M], values: Sequence[Any], db: BaseDatabaseWrapper | None = None
) -> M:
    """A model instance from its concrete columns' values (as `columns` lists them)."""
    db = db or _db()
    converted = list(values)
    for index, column, chain in _converters(model, db.vendor):
        for converter in chain:
            converted[index] = converter(converted[index], column, db)
    return model.from_db(db.alias, _names(model), converted)


@functools.cache
def _names(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def joined[M: models.Model](sql: str, params: Sequence[Any], model: type[M], field: str) -> list[M]:
    """The rows of a join selecting `columns(model, …)` then the columns of the model its
    foreign key `field` points to, as instances of `model` with `field` set to the related
    instance (None where a LEFT JOIN found nothing), as `select_related(field)` would."""
    related = model._meta.get_field(field).related_model
    if not isinstance(related, type):
        raise ValueError(f"rows.joined({model._meta.label}): {field} is not a foreign key")
    db = _db()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    split = width(model)
    made = []
    for row in found:
        one = instance(model, row[:split], db)
        setattr(one, field, instance(related, row[split:], db) if row[split] is not None else None)
        made.append(one)
    return made


def select[M: models.Model](
    model: type[M], *, order: str = "", limit: int | None = None, **equal: Any
) -> list[M]:
    """The rows whose columns equal these values (none of them None), in the order of the
    column `order` ("-" first: descending): a lookup by a key, in a statement written once
    per model, set of columns and order."""
    db = _db()
    meta = model._meta
    fields = [meta.get_field(name) for name in equal]
    params: list[Any] = [
        field.get_db_prep_value(value, db)  # type: ignore[union-attr]
        for field, value in zip(fields, equal.values(), strict=True)
    ]
    if any(value is None for value in params):
        raise ValueError(f"rows.select({meta.label}): a None value matches nothing")
    sql = _lookup_sql(model, tuple(equal), order)
    if limit is not None:
        sql, params = f"{sql} LIMIT %s", [*params, limit]
    return fetch(model, sql, params)


def fetch[M: models.Model](model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """The instances of a statement selecting `columns(model, …)`, in its order."""
    db = _db()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return [instance(model, row, db) for row in cursor.fetchall()]


def first[M: models.Model](model: type[M], **equal: Any) -> M | None:
    """The row whose columns equal these values, or None (see `select`)."""
    found = select(model, limit=1, **equal)
    return found[0] if found else None


@functools.cache
def _lookup_sql(model: type[models.Model], names: tuple[str, ...], order: str) -> str:
    meta = model._meta
    where = " AND ".join(f'"{meta.get_field(name).column}" = %s' for name in names)  # type: ignore[union-attr]
    table = f'"{meta.db_table}"'
    sql = f"SELECT {columns(model, table)} FROM {table} WHERE {where}"  # noqa: S608 - names from the model
    if order:
        column = meta.get_field(order.lstrip("-")).column  # type: ignore[union-attr]
        sql += f' ORDER BY "{column}"' + (" DESC" if order.startswith("-") else "")
    return sql


def insert[M: models.Model](model: type[M], **values: Any) -> M:
    """Store one new row, as `model.objects.create(**values)` would, and return its instance
    (primary key set). Fields left out take their defaults; see `add`."""
    return add(model(**values))


def add[M: models.Model](made: M) -> M:
    """Store a new, unsaved instance, as its `save()` would, setting its primary key.
    `pre_save` and `post_save` are not sent: a model with a receiver connected to either
    is refused."""
    stored = add_unless(made, "")
    if stored is None:  # no conflict clause: a row, or an error
        raise RuntimeError(f"rows.add({type(made)._meta.label}): nothing stored")
    return stored


def add_unless[M: models.Model](made: M, conflict: str) -> M | None:
    """`add`, unless the row would break the unique constraint `conflict` names, as an
    `ON CONFLICT (…) [WHERE …]` target (PostgreSQL and SQLite): then None, nothing stored."""
    db = _db()
    model = type(made)
    _refuse_receivers(model)
    fields, sql, returning = _insert_sql(model, db.vendor, made.pk is None)
    if conflict:
        sql += f" ON CONFLICT {conflict} DO NOTHING"
    if returning:
        sql += f' RETURNING "{model._meta.pk.column}"'
    with db.cursor() as cursor:
        cursor.execute(sql, _insert_params(made, fields, db))
        if returning:
            key = cursor.fetchone()
            if key is None:
                return None
            made.pk = key[0]
        elif conflict and cursor.rowcount == 0:
            return None
        elif made.pk is None:
            made.pk = cursor.lastrowid
    made._state.adding = False
    made._state.db = db.alias
    return made


def add_all(made: Sequence[models.Model]) -> None:
    """Store new, unsaved instances of one model, as `bulk_create` would: one statement per
    batch the database allows (SQLite's and PostgreSQL's limits on parameters), without
    setting generated keys (see `add`)."""
    db = _db()
    if not made:
        return
    model = type(made[0])
    _refuse_receivers(model)
    fields, sql, _ = _insert_sql(model, db.vendor, made[0].pk is None)
    head, _, values = sql.partition(" VALUES ")
    size = max(1, db.ops.bulk_batch_size(list(fields), made))
    with db.cursor() as cursor:
        for start in range(0, len(made), size):
            batch = made[start : start + size]
            params = [param for one in batch for param in _insert_params(one, fields, db)]
            cursor.execute(f"{head} VALUES {', '.join([values] * len(batch))}", params)
    for one in made:
        one._state.adding = False
        one._state.db = db.alias


def save(made: models.Model, fields: Sequence[str]) -> int:
    """Write these fields of a stored instance, as `save(update_fields=fields)` would (no
    signals, see `add`); returns how many rows changed (0: no such row any more)."""
    db = _db()
    model = type(made)
    _refuse_receivers(model)
    chosen, sql = _update_sql(model, tuple(fields))
    params = [field.get_db_prep_save(field.pre_save(made, False), db) for field in chosen]
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, made.pk])
        return int(cursor.rowcount)


@functools.cache
def _update_sql(
    model: type[models.Model], names: tuple[str, ...]
) -> tuple[tuple[models.Field[Any, Any], ...], str]:
    meta = model._meta
    chosen = tuple(meta.get_field(name) for name in names)
    sets = ", ".join(f'"{field.column}" = %s' for field in chosen)  # type: ignore[union-attr]
    sql = f'UPDATE "{meta.db_table}" SET {sets} WHERE "{meta.pk.column}" = %s'  # noqa: S608 - names from the model
    return chosen, sql  # type: ignore[return-value]


def update(model: type[models.Model], where: dict[str, Any], **values: Any) -> int:
    """`model.objects.filter(**where).update(**values)` for equality lookups and plain
    values, in a statement written once per model and set of columns; returns the count."""
    db = _db()
    meta = model._meta
    sets = [meta.get_field(name) for name in values]
    keys = [meta.get_field(name) for name in where]
    params = [
        *(f.get_db_prep_save(v, db) for f, v in zip(sets, values.values(), strict=True)),  # type: ignore[union-attr]
        *(f.get_db_prep_value(v, db) for f, v in zip(keys, where.values(), strict=True)),  # type: ignore[union-attr]
    ]
    with db.cursor() as cursor:
        cursor.execute(_set_sql(model, tuple(values), tuple(where)), params)
        return int(cursor.rowcount)


@functools.cache
def _set_sql(model: type[models.Model], names: tuple[str, ...], keys: tuple[str, ...]) -> str:
    meta = model._meta
    sets = ", ".join(f'"{meta.get_field(name).column}" = %s' for name in names)  # type: ignore[union-attr]
    where = " AND ".join(f'"{meta.get_field(name).column}" = %s' for name in keys)  # type: ignore[union-attr]
    return f'UPDATE "{meta.db_table}" SET {sets} WHERE {where}'  # noqa: S608 - names from the model


def _insert_params(
    made: models.Model, fields: Sequence[models.Field[Any, Any]], db: BaseDatabaseWrapper
) -> list[Any]:
    return [field.get_db_prep_save(field.pre_save(made, True), db) for field in fields]


def _refuse_receivers(model: type[models.Model]) -> None:
    if _has_receivers(model):
        raise ValueError(f"rows: {model._meta.label} has save receivers, which would be skipped")


def _has_receivers(model: type[models.Model]) -> bool:
    signals = models.signals
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


@functools.cache
def _insert_sql(
    model: type[models.Model], vendor: str, generated_key: bool
) -> tuple[tuple[models.Field[Any, Any], ...], str, bool]:
    """The fields written, the statement and whether it may return the generated key."""
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not (generated_key and f.primary_key))
    names = ", ".join(f'"{field.column}"' for field in fields)
    placeholders = marks(len(fields))
    sql = f'INSERT INTO "{meta.db_table}" ({names}) VALUES ({placeholders})'  # noqa: S608 - names from the model
    returning = generated_key and _db().features.can_return_columns_from_insert
    return fields, sql, returning


BATCH = 20_000


def write_many(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Many new rows of `model` (values by attribute name, the others from the fields'
    defaults; no signals): PostgreSQL's COPY, else `bulk_create` by batches. A year of
    first-contact judgements (3 million rows) took minutes through `bulk_create` on PostgreSQL
    (bench.quality_report). No other statement may run on the connection while rows come."""
    db = _db()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname == "id")]
    written = 0
    if db.vendor != "postgresql":
        batch: list[models.Model] = []
        for values in rows:
            batch.append(model(**values))
            if len(batch) >= BATCH:
                model._default_manager.bulk_create(batch)
                written, batch = written + len(batch), []
        model._default_manager.bulk_create(batch)
        return written + len(batch)
    defaults = {f.attname: f.get_default() for f in fields}
    names = ", ".join(f'"{f.column}"' for f in fields)
    jsons = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    with (
        db.cursor() as cursor,
        cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy,
    ):
        for values in rows:
            record = []
            for f in fields:
                value = values.get(f.attname, defaults[f.attname])
                record.append(json.dumps(value) if f.attname in jsons else value)
            copy.write_row(record)
            written += 1
    return written
