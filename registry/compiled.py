"""Queries compiled once per process and database, for the few hot paths that run one query shape with other
values on every request (issue 17, ADR 0020). Django compiles a queryset's SQL each time it runs it, which costs
more than PostgreSQL takes to answer a lookup by primary key.

`CompiledQuery(model, build, *sentinels)`: `build(*sentinels)` is called once per database with sentinel values
(each must appear exactly once among the statement's parameters, which is checked); `instances(*values)` and
`values(*values)` run that statement with the real values in their places and build what the queryset would
(model instances with their select_related objects, or dicts) through Django's own compiler, converters and
`from_db`. What the statement selects, joins and locks is written once, in `build`, as a queryset.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import connections, models, router
from django.db.models.query import get_related_populators

# Values no row or request has, to find the parameters' places in the compiled statement.
SENTINEL_ID = -7_654_321
SENTINEL_OTHER_ID = -7_654_322
SENTINEL_YEAR = 32_001  # within a small integer column's range (Django refuses an out-of-range value)
SENTINEL_UUID = uuid.UUID("00000000-0000-4000-8000-00000000dead")


def _as_compiled(sentinel: Any, param: Any) -> Callable[[Any], Any] | None:
    """How a real value is written where `sentinel` was compiled as `param` (the backend's own form of it: a UUID
    is a UUID for psycopg2, 32 hex digits on SQLite), or None when `param` is not that sentinel."""
    if param is None:
        return None
    if isinstance(sentinel, uuid.UUID):
        if param == sentinel:
            return lambda value: value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        if param == sentinel.hex:
            return lambda value: uuid.UUID(str(value)).hex
        return None
    return (lambda value: value) if type(param) is type(sentinel) and param == sentinel else None


class CompiledQuery:
    def __init__(
        self,
        model: type[models.Model],
        build: Callable[..., models.QuerySet[Any]],
        *sentinels: Any,
        write: bool = False,
    ) -> None:
        self.model = model
        self.build = build
        self.sentinels = sentinels
        self.write = write  # a locking read (select_for_update) goes where writes go
        self._compiled: dict[str, tuple[Any, ...]] = {}

    def _compile(self) -> tuple[Any, ...]:
        alias = router.db_for_write(self.model) if self.write else router.db_for_read(self.model)
        alias = alias or "default"
        found = self._compiled.get(alias)
        if found is None:
            queryset = self.build(*self.sentinels).using(alias)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            params = tuple(params)
            positions = []
            for sentinel in self.sentinels:
                at = [(i, as_compiled) for i, p in enumerate(params) if (as_compiled := _as_compiled(sentinel, p))]
                if len(at) != 1:
                    raise ValueError(f"sentinel {sentinel!r} appears {len(at)} times in the query's parameters")
                positions.append(at[0])
            select, klass_info = compiler.select, compiler.klass_info
            populators = None
            if klass_info is not None:
                start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
                names = [column[0].target.attname for column in select[start:end]]
                populators = (klass_info["model"], start, end, names, get_related_populators(klass_info, select, alias))
            query = queryset.query
            keys = [*query.extra_select, *query.values_select, *query.annotation_select]
            found = self._compiled[alias] = (alias, compiler, sql, params, positions, populators, keys)
        return found

    def _rows(self, values: tuple[Any, ...]) -> tuple[str, Any, Any, Any]:
        alias, compiler, sql, params, positions, populators, keys = self._compile()
        bound = list(params)
        for (position, as_compiled), value in zip(positions, values, strict=True):
            bound[position] = as_compiled(value)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        return alias, compiler.results_iter([fetched]), populators, keys

    def instances(self, *values: Any) -> list[Any]:
        """The model instances the queryset would give, with its select_related objects (as Django's
        ModelIterable builds them)."""
        alias, rows, populators, _keys = self._rows(values)
        model, start, end, names, related = populators
        found = []
        for row in rows:
            obj = model.from_db(alias, names, row[start:end])
            for populator in related:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def values(self, *values: Any) -> list[dict[str, Any]]:
        """The dicts the .values() queryset would give."""
        _alias, rows, _populators, keys = self._rows(values)
        return [dict(zip(keys, row, strict=True)) for row in rows]
