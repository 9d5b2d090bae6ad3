"""Where queries go: everything to `default`, except the reads of the pages that may lag a replica by a moment.

When DATABASE_REPLICA_URL is set, settings add a `replica` alias (portal/settings/base.py). Code that only reads
and can live with a replica a few seconds behind (the prefecture dashboard, its export, statistics) runs inside
`replica_reads()`; every read there goes to `replica`, and every write anywhere goes to `default`. Without the
alias, or outside the block, nothing changes. Why a block rather than `.using()` on each query: the dashboard reads
through several modules (statistics, early warnings, incubators, the access rules) that also serve pages that must
read their own writes; the block says once, at the page, that this page may read from the copy
(docs/adr/0010-dashboard-from-summaries.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """The alias reads go to here and now: `replica` inside `replica_reads()` when one is configured."""
    return REPLICA if _replica_reads.get() and replica_configured() else DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may go to the replica (writes never do)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view that only reads, and may read a replica a moment behind."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads inside `replica_reads()` to the replica, all writes to default."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _replica_reads.get() and replica_configured() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database and its copy: the same rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary; it is never migrated itself
