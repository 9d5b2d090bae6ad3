"""The dashboard's summaries (clauses （十二）, （十三）): case tallies kept in the transaction of every transition.

A case that has been submitted counts in a few rows of `CaseTally`, one per basis, each keyed by county, kind,
state and period (docs/adr/0010-dashboard-from-summaries.md):
- received: the month of its first submission (submitted_at);
- decided: the month of its last decision (decided_at), with its approved amount;
- final: the month it became final (finalised_at), with its approved amount;
- waiting: the day of its submission, while it waits for a caseworker (submitted, in review, resubmitted);
- decision_time: the month of its last decision, and the whole days from submission to decision (`days`), in
  every state (state ""): a histogram from which subsidies.statistics finds which few cases hold the median and
  the 90th percentile, whose exact durations it then reads (percentiles do not add up).
Months and days are those of Asia/Shanghai (settings.TIME_ZONE), as subsidies.statistics counts them.

`case_tally(case)` runs in `subsidies.cases.workflow.transition()` just before the case is saved: it reads the facts
stored for the case (the row is locked by the transition), takes their rows away and adds the new ones, in one
statement that adds to the counts (INSERT ... ON CONFLICT DO UPDATE SET cases = cases + n), so two transitions in
parallel never lose a count. `rebuild()` recomputes every row from the cases (a data migration, the bench, the
`case_tallies_rebuild` command after cases were written behind the workflow's back).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate, TruncMonth

from subsidies.cases.states import AWAITING_CASEWORKER
from subsidies.models import Case, CaseState, CaseTally

B = CaseTally.Basis
# The facts of a case that its tally rows depend on; a change of any other field never moves a count.
FACTS = ("county_id", "kind", "state", "submitted_at", "decided_at", "finalised_at", "approved_amount")

Key = tuple[str, date, int, str, str, int]  # basis, period, county_id, kind, state, days: CaseTally's unique key

# Whole days from submission to decision, as PostgreSQL computes them (exact: the epoch of an interval is numeric).
DECISION_DAYS_SQL = "FLOOR(EXTRACT(EPOCH FROM (decided_at - submitted_at)) / 86400)"
# The cases of one (county, kind, days) bucket, read in order of their exact duration (subsidies.statistics);
# created by migration 0020 on PostgreSQL. The INCLUDE columns let the read stay in the index.
DECISION_DAYS_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS case_decision_days_idx ON subsidies_case (county_id, kind, ({DECISION_DAYS_SQL})) "
    "INCLUDE (decided_at, submitted_at, state) WHERE decided_at IS NOT NULL AND submitted_at IS NOT NULL"
)


class DecisionDays(models.Func):
    """DECISION_DAYS_SQL as an expression over a case's fields."""

    template = "FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)"
    arg_joiner = " - "
    output_field = models.IntegerField()

    def __init__(self, **extra: Any) -> None:
        super().__init__(F("decided_at"), F("submitted_at"), **extra)


def decision_days(decided_at: datetime, submitted_at: datetime) -> int:
    """Whole days from submission to decision, rounded down (exact, like DECISION_DAYS_SQL)."""
    return (decided_at - submitted_at) // timedelta(days=1)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(_tz()).date()


def contributions(facts: dict[str, Any]) -> list[tuple[Key, Decimal]]:
    """The tally rows a case with these facts counts in (one case each), with the amount it adds to each."""
    state = facts["state"]
    if state == CaseState.DRAFT:
        return []
    county_id, kind = facts["county_id"], facts["kind"]
    amount = facts["approved_amount"] or Decimal("0.00")
    rows: list[tuple[Key, Decimal]] = []
    for basis, moment in (
        (B.RECEIVED, facts["submitted_at"]),
        (B.DECIDED, facts["decided_at"]),
        (B.FINAL, facts["finalised_at"]),
    ):
        if moment is not None:
            rows.append(((basis, _local_day(moment).replace(day=1), county_id, kind, state, 0), amount))
    submitted_at, decided_at = facts["submitted_at"], facts["decided_at"]
    if state in AWAITING_CASEWORKER and submitted_at is not None:
        rows.append(((B.WAITING, _local_day(submitted_at), county_id, kind, state, 0), amount))
    if decided_at is not None and submitted_at is not None:
        month = _local_day(decided_at).replace(day=1)
        rows.append(((B.DECISION_TIME, month, county_id, kind, "", decision_days(decided_at, submitted_at)), amount))
    return rows


def _upsert_sql(alias: str, n_rows: int) -> str:
    ops = connections[alias].ops
    table = ops.quote_name(CaseTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * n_rows)
    return (
        f"INSERT INTO {table} (basis, period, county_id, kind, state, days, cases, amount) VALUES {values} "  # noqa: S608 - _meta name
        f"ON CONFLICT (basis, period, county_id, kind, state, days) DO UPDATE "
        f"SET cases = {table}.cases + excluded.cases, amount = {table}.amount + excluded.amount"
    )


def tally_add(deltas: dict[Key, list[Any]], *, using: str) -> None:
    """Add {key: [cases, amount]} to the tallies in one statement (rows in key order, so that transactions lock
    them in the same order)."""
    rows = sorted((key, v) for key, v in deltas.items() if v[0] != 0 or v[1] != 0)
    if not rows:
        return
    params: list[Any] = []
    for key, (n, amount) in rows:
        params += [*key, n, amount]
    with connections[using].cursor() as cursor:
        cursor.execute(_upsert_sql(using, len(rows)), params)


def case_tally(case: Case, *, stored_state: str) -> None:
    """Before a transition saves `case`: move its counts from the facts stored for it to its facts now.

    Runs inside the transition's transaction, on the row it locked: the stored facts cannot change under it.
    `stored_state` is the state the case was loaded in; a draft counts nowhere, so submitting one needs no read.
    """
    using = router.db_for_write(Case, instance=case)
    stored = None
    if stored_state != CaseState.DRAFT:
        stored = Case.objects.using(using).filter(pk=case.pk).values(*FACTS).first()
    deltas: dict[Key, list[Any]] = defaultdict(lambda: [0, Decimal("0.00")])
    for key, amount in contributions(stored) if stored else []:
        deltas[key][0] -= 1
        deltas[key][1] -= amount
    for key, amount in contributions({name: getattr(case, name) for name in FACTS}):
        deltas[key][0] += 1
        deltas[key][1] += amount
    tally_add(deltas, using=using)


def rebuild(*, case_model: Any = Case, tally_model: Any = CaseTally, using: str = "default") -> int:
    """Recompute every tally from the cases, in five grouped queries; returns the number of rows written.

    On PostgreSQL the cases are locked against writes (SHARE) for the few seconds it takes, so no transition
    slips between the counting and the writing. `case_model`/`tally_model` let a data migration pass its own.
    """
    tz = _tz()
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    cases = case_model.objects.using(using).exclude(state=CaseState.DRAFT)
    zero_days = models.Value(0, output_field=models.IntegerField())
    specs: list[tuple[str, Any, Any, Any]] = [
        (B.RECEIVED, cases.filter(submitted_at__isnull=False), TruncMonth("submitted_at", tzinfo=tz), zero_days),
        (B.DECIDED, cases.filter(decided_at__isnull=False), TruncMonth("decided_at", tzinfo=tz), zero_days),
        (B.FINAL, cases.filter(finalised_at__isnull=False), TruncMonth("finalised_at", tzinfo=tz), zero_days),
        (
            B.WAITING,
            cases.filter(state__in=AWAITING_CASEWORKER, submitted_at__isnull=False),
            TruncDate("submitted_at", tzinfo=tz),
            zero_days,
        ),
    ]
    decided = cases.filter(decided_at__isnull=False, submitted_at__isnull=False)
    if postgres:
        specs.append((B.DECISION_TIME, decided, TruncMonth("decided_at", tzinfo=tz), DecisionDays()))
    written = 0
    with transaction.atomic(using=using):
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(case_model._meta.db_table)} IN SHARE MODE")
        tally_model.objects.using(using).all().delete()
        for basis, qs, period, days in specs:
            # The decision-time rows count every state together (state "").
            state = models.Value("") if basis == B.DECISION_TIME else F("state")
            grouped = (
                qs.annotate(p=period, s=state, d=days)
                .values_list("p", "county_id", "kind", "s", "d")
                .annotate(n=Count("id"), amount=Sum("approved_amount"))
                .order_by()
            )
            batch = [
                tally_model(
                    basis=basis,
                    period=p.date() if isinstance(p, datetime) else p,
                    county_id=county_id,
                    kind=kind,
                    state=s,
                    days=int(d),
                    cases=n,
                    amount=amount or Decimal("0.00"),
                )
                for p, county_id, kind, s, d, n, amount in grouped
            ]
            tally_model.objects.using(using).bulk_create(batch, batch_size=5000)
            written += len(batch)
        if not postgres:
            # No EXTRACT(EPOCH ...) here (SQLite): the same rows from each decided case, as the transitions count.
            histogram: dict[Key, list[Any]] = defaultdict(lambda: [0, Decimal("0.00")])
            for facts in decided.values(*FACTS):
                for key, amount in contributions(facts):
                    if key[0] == B.DECISION_TIME:
                        histogram[key][0] += 1
                        histogram[key][1] += amount
            tally_add(histogram, using=using)
            written += len(histogram)
    return written
