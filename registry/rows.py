"""Single-row writes without the ORM compiling a statement on every call, for the submission's path (issue 17,
ADR 0020): `Model.save()` and `objects.create()` build and compile their INSERT or UPDATE each time, about a
millisecond of Python for a case's thirty columns, more than the database takes to write the row.

`row_insert(obj)` and `row_update(obj)` write what `save()` writes: every concrete field's `pre_save` (auto_now,
auto_now_add) and `get_db_prep_save` (encryption of ID numbers and bank accounts, JSON), with the statement's text
built once per model and database. What `save()` does besides is not done, so these are only for models that need
none of it: no signals (the project connects no receiver; tests/registry/test_rows.py fails the day one is
connected to a model written here), no `update_fields`, no multi-table inheritance.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import DatabaseError, connections, models, router


@functools.cache
def _insert_sql(model: type[models.Model], alias: str, suffix: str) -> tuple[str, tuple[models.Field, ...]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField)))
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - _meta names
    return " ".join(part for part in (sql, suffix, f"RETURNING {quote(meta.pk.column)}") if part), fields


@functools.cache
def _update_sql(model: type[models.Model], alias: str) -> tuple[str, tuple[models.Field, ...]]:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s", fields  # noqa: S608


def row_insert(obj: models.Model, *, on_conflict: str = "") -> bool:
    """INSERT `obj` as save() would and set its primary key. `on_conflict`: an ON CONFLICT … DO NOTHING clause
    (written in code, never from input); then False when the row was there already (obj left unsaved)."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    sql, fields = _insert_sql(model, alias, on_conflict)
    connection = connections[alias]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = alias
    return True


def row_update(obj: models.Model) -> None:
    """UPDATE every column of `obj`'s row as save() would (auto_now fields included)."""
    model = type(obj)
    alias = obj._state.db or router.db_for_write(model, instance=obj)
    sql, fields = _update_sql(model, alias)
    connection = connections[alias]
    values: list[Any] = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{model._meta.label} {obj.pk}: the row to update is not there")
