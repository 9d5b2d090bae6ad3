"""Statistics for the prefecture dashboard (clauses （十二）, （十三）, （十四）): pure aggregation in the database.

Every figure is one grouped query, never a Python loop over cases. The counts and amounts of cases are read
from the case tallies (subsidies.summaries, kept in every transition's transaction), so the page reads a few
hundred rows whatever the number of cases; the time to decision (percentiles, which do not add up) and the
registrations are counted from their own rows. Functions take a
`Scope` (period, counties, kinds) and return plain rows, so the dashboard page, its Excel export and the daily
digest read the same numbers.

Definitions (what a figure counts):
- received: cases whose submitted_at falls in the month (a resubmission is not a new case);
- approved / rejected: cases decided in the month (decided_at) that are now approved, on notice or final /
  rejected. A case submitted and decided in the same month counts in both;
- amount approved: the approved amounts of the cases approved in the month;
- amount paid: the approved amounts of the cases that became final in the month (finalised_at): a final
  decision is what the fund pays out;
- time to decision: calendar days from submission to decision of the cases decided in the period;
- waiting past the service target: open cases (submitted, in review, resubmitted) older than the parameter
  service.decision_working_days, in working days (subsidies.workdays). Returned cases wait for the applicant
  and are not counted.
"""

from __future__ import annotations

import math
import statistics as pystats
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import County, DifficultyRecognition, UnemploymentRegistration
from subsidies import summaries
from subsidies.cases.rules import Fund, rules_for
from subsidies.cases.states import AWAITING_CASEWORKER, GRANTED
from subsidies.models import CalendarDay, Case, CaseKind, CaseState, CaseTally
from subsidies.parameters import value_in_force
from subsidies.workdays import is_working_day

S = CaseState


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Scope:
    """What the dashboard looks at: months [start, end] (first days), counties (None: all), kinds (None: all)."""

    start: date
    end: date
    county_ids: tuple[int, ...] | None = None
    kinds: tuple[str, ...] | None = None

    @property
    def months(self) -> list[date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=_tz())

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive)."""
        return datetime.combine(next_month(self.end), time.min, tzinfo=_tz())

    def cases(self) -> models.QuerySet[Case]:
        qs = Case.objects.exclude(state=S.DRAFT)
        if self.county_ids is not None:
            qs = qs.filter(county_id__in=self.county_ids)
        if self.kinds is not None:
            qs = qs.filter(kind__in=self.kinds)
        return qs


def _month(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass
class Table:
    """One table of the dashboard: column headings and rows of plain values (also what the export writes)."""

    key: str
    title: Any
    columns: list[Any]
    rows: list[list[Any]] = field(default_factory=list)


# --- Registrations and recognitions (clause （九）) ----------------------------------------------------------------


def registrations_by_county_month(scope: Scope) -> dict[tuple[int, date], dict[str, int]]:
    """{(county_id, month): {"opened": n, "ended": n, "recognitions": n}} — three grouped queries in one statement
    (UNION ALL), each reading only the period's rows."""
    out: dict[tuple[int, date], dict[str, int]] = {}
    regs = UnemploymentRegistration.objects.all()
    recs = DifficultyRecognition.objects.all()
    if scope.county_ids is not None:
        regs = regs.filter(residence_county_id__in=scope.county_ids)
        recs = recs.filter(person__residence_county_id__in=scope.county_ids)
    last = next_month(scope.end) - timedelta(days=1)

    def grouped(qs: models.QuerySet[Any], county: str, day: str, name: str) -> models.QuerySet[Any]:
        return (
            qs.filter(**{f"{day}__range": (scope.start, last)})
            .annotate(m=TruncMonth(day), figure=models.Value(name, output_field=models.CharField()))
            .values_list("figure", county, "m")
            .annotate(n=Count("id"))
            .order_by()
        )

    rows = grouped(regs, "residence_county_id", "registered_on", "opened").union(
        grouped(regs, "residence_county_id", "ended_on", "ended"),
        grouped(recs, "person__residence_county_id", "recognised_on", "recognitions"),
        all=True,
    )
    for name, county_id, month, n in rows:
        out.setdefault((county_id, _month(month)), {"opened": 0, "ended": 0, "recognitions": 0})[name] = n
    return out


# --- Cases by kind ----------------------------------------------------------------------------------------------


def _tallies(scope: Scope, *bases: str) -> models.QuerySet[CaseTally]:
    """The tally rows of the scope's counties and kinds for these bases; rows counting no case are left out."""
    qs = CaseTally.objects.filter(basis__in=bases).exclude(cases=0)
    if scope.county_ids is not None:
        qs = qs.filter(county_id__in=scope.county_ids)
    if scope.kinds is not None:
        qs = qs.filter(kind__in=scope.kinds)
    return qs


def cases_by_county_month_kind(scope: Scope) -> dict[tuple[int, date, str], dict[str, Any]]:
    """{(county_id, month, kind): {received, approved, rejected, amount_approved, amount_paid}} in one query over
    the case tallies (subsidies.summaries), a few hundred rows whatever the number of cases."""
    zero = Decimal("0.00")
    out: dict[tuple[int, date, str], dict[str, Any]] = {}

    def row(county_id: int, month: date, kind: str) -> dict[str, Any]:
        return out.setdefault(
            (county_id, month, kind),
            {"received": 0, "approved": 0, "rejected": 0, "amount_approved": zero, "amount_paid": zero},
        )

    tallies = _tallies(scope, CaseTally.Basis.RECEIVED, CaseTally.Basis.DECIDED, CaseTally.Basis.FINAL).filter(
        period__range=(scope.start, scope.end)
    )
    for basis, month, county_id, kind, state, n, amount in tallies.values_list(
        "basis", "period", "county_id", "kind", "state", "cases", "amount"
    ).order_by():
        if basis == CaseTally.Basis.RECEIVED:
            row(county_id, month, kind)["received"] += n
        elif basis == CaseTally.Basis.DECIDED:
            # Every case decided in the month has its row, even one now back in review after an objection.
            r = row(county_id, month, kind)
            if state in GRANTED:
                r["approved"] += n
                r["amount_approved"] += amount
            elif state == S.REJECTED:
                r["rejected"] += n
        elif state == S.FINAL:
            row(county_id, month, kind)["amount_paid"] += amount
    return out


# --- Time to decision -------------------------------------------------------------------------------------------


class PercentileCont(models.Aggregate):
    """PostgreSQL percentile_cont(f) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def _percentile(values: list[float], fraction: float) -> float:
    """percentile_cont's linear interpolation, for databases without it (SQLite)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percentile_cont(value_at: Any, n: int, fraction: float) -> float:
    """PostgreSQL's percentile_cont(fraction) over n ordered values, value_at(i) giving the i-th (from 0), with the
    same double arithmetic (orderedsetaggs.c: floor and ceil of fraction x (n - 1), then lo + p x (hi - lo))."""
    position = fraction * (n - 1)
    first, second = math.floor(position), math.ceil(position)
    low = value_at(first)
    if second == first:
        return low
    return low + (position - first) * (value_at(second) - low)


def _decision_times_from_tallies(scope: Scope) -> dict[tuple[int, str], dict[str, Any]]:
    """PostgreSQL: the decision-time tallies say how many cases each (county, kind) decided in the period, per whole
    day to decision; so the cases at the median and 90th percentile ranks lie in known day buckets, and one query
    reads just those few cases' exact durations, in order (index case_decision_days_idx). Same figures as
    percentile_cont over every case of the period, without reading them."""
    histogram: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for county_id, kind, days, n in (
        _tallies(scope, CaseTally.Basis.DECISION_TIME)
        .filter(period__range=(scope.start, scope.end))
        .values_list("county_id", "kind", "days")
        .annotate(n=Sum("cases"))
        .order_by("county_id", "kind", "days")
    ):
        if n:
            histogram.setdefault((county_id, kind), []).append((days, n))
    # For each group, the ranks needed and where they lie: {(group, days): (first offset, last offset)}.
    wanted: dict[tuple[tuple[int, str], int], list[int]] = {}
    located: dict[tuple[tuple[int, str], int], tuple[int, int]] = {}
    totals = {group: sum(n for _days, n in buckets) for group, buckets in histogram.items()}
    for group, buckets in histogram.items():
        total = totals[group]
        ranks = set()
        for fraction in (0.5, 0.9):
            position = fraction * (total - 1)
            ranks |= {math.floor(position), math.ceil(position)}
        below = 0
        for days, n in buckets:
            for rank in sorted(r for r in ranks if below <= r < below + n):
                span = wanted.setdefault((group, days), [rank - below, rank - below])
                span[0], span[1] = min(span[0], rank - below), max(span[1], rank - below)
                located[(group, rank)] = (days, below)
            below += n
    if not histogram:
        return {}
    keys = list(wanted)
    rows, params = [], []
    for q, ((county_id, kind), days) in enumerate(keys):
        first, last = wanted[((county_id, kind), days)]
        rows.append("(%s::int, %s::bigint, %s::varchar, %s::numeric, %s::int, %s::int)")
        params += [q, county_id, kind, days, first, last - first + 1]
    # One statement, planned once: for each bucket, its cases of the period in order of duration, from the offset.
    # Only placeholders, constants and the table's name are spliced in; every value is a parameter.
    values = ", ".join(rows)
    sql = (
        f"SELECT v.q, x.s FROM (VALUES {values}) AS v (q, county_id, kind, days, skip, take) "  # noqa: S608
        "CROSS JOIN LATERAL ("
        f"SELECT EXTRACT(EPOCH FROM (decided_at - submitted_at))::float8 AS s FROM {Case._meta.db_table} "
        f"WHERE county_id = v.county_id AND kind = v.kind AND {summaries.DECISION_DAYS_SQL} = v.days "
        "AND decided_at >= %s AND decided_at < %s AND submitted_at IS NOT NULL AND decided_at IS NOT NULL "
        "AND state <> 'draft' ORDER BY 1 OFFSET v.skip LIMIT v.take) AS x"
    )
    params += [scope.start_at, scope.end_at]
    found: dict[int, list[float]] = {}
    with connections[router.db_for_read(Case)].cursor() as cursor:
        cursor.execute(sql, params)
        for q, seconds in cursor.fetchall():
            found.setdefault(q, []).append(seconds)
    index = {key: q for q, key in enumerate(keys)}
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for group, total in totals.items():

        def value_at(rank: int, group: tuple[int, str] = group) -> float:
            days, below = located[(group, rank)]
            first = wanted[(group, days)][0]
            return sorted(found[index[(group, days)]])[rank - below - first]

        out[group] = {
            "decided": total,
            "median_days": _days(percentile_cont(value_at, total, 0.5)),
            "p90_days": _days(percentile_cont(value_at, total, 0.9)),
        }
    return out


def decision_times(scope: Scope) -> dict[tuple[int, str], dict[str, Any]]:
    """{(county_id, kind): {"decided": n, "median_days": x, "p90_days": y}} for cases decided in the period.

    Days are calendar days from submission to decision, to one decimal. On PostgreSQL from the decision-time
    tallies and the few cases at the percentiles' ranks; elsewhere the durations of the period are read and
    interpolated the same way.
    """
    if connections[router.db_for_read(Case)].vendor == "postgresql":
        return _decision_times_from_tallies(scope)
    decided = scope.cases().filter(
        decided_at__gte=scope.start_at, decided_at__lt=scope.end_at, submitted_at__isnull=False
    )
    out: dict[tuple[int, str], dict[str, Any]] = {}
    groups: dict[tuple[int, str], list[float]] = {}
    for county_id, kind, submitted, decided_at in decided.values_list(
        "county_id", "kind", "submitted_at", "decided_at"
    ):
        groups.setdefault((county_id, kind), []).append((decided_at - submitted).total_seconds())
    for group, values in groups.items():
        out[group] = {
            "decided": len(values),
            "median_days": _days(pystats.median(values)),
            "p90_days": _days(_percentile(values, 0.9)),
        }
    return out


def _days(seconds: float | None) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(str(seconds)) / Decimal(86400)).quantize(Decimal("0.1"))


# --- Waiting past the service target ----------------------------------------------------------------------------


def service_target_cutoff(today: date, working_days: int) -> date:
    """The day D such that a case submitted before D has waited more than `working_days` working days by today.

    Age = working days after the submission day up to and including today (subsidies.workdays.working_days_between).
    Walking back from today, the (working_days + 1)-th working day met is D: submitted on D, the age is exactly
    `working_days`; submitted on any earlier day, it is more.
    """
    exceptions = dict(
        CalendarDay.objects.filter(day__range=(today - timedelta(days=working_days * 3 + 60), today)).values_list(
            "day", "kind"
        )
    )
    day, seen = today, 0
    while True:
        if is_working_day(day, exceptions):
            seen += 1
            if seen == working_days + 1:
                return day
        day -= timedelta(days=1)


def waiting_past_target(scope: Scope, *, today: date | None = None) -> dict[tuple[int, str], int]:
    """{(county_id, kind): open cases past the service target today} — one grouped query over the tallies of the
    days of submission."""
    today = today or timezone.localdate()
    target = int(value_in_force("service.decision_working_days", on=today))
    cutoff = service_target_cutoff(today, target)
    rows = (
        _tallies(scope, CaseTally.Basis.WAITING)
        .filter(state__in=AWAITING_CASEWORKER, period__lt=cutoff)
        .values_list("county_id", "kind")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    return {(county_id, kind): n for county_id, kind, n in rows if n}


# --- The dashboard's tables ---------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    scope: Scope
    counties: list[County]
    tables: list[Table]
    totals: dict[str, Any]
    target_days: int


def _counties(scope: Scope) -> list[County]:
    counties = County.objects.order_by("code")
    if scope.county_ids is not None:
        counties = counties.filter(pk__in=scope.county_ids)
    return list(counties)


def build(scope: Scope, *, today: date | None = None) -> Dashboard:
    """Every table of the dashboard for the scope, from a handful of grouped queries."""
    today = today or timezone.localdate()
    counties = _counties(scope)
    names = {c.pk: c.display_name for c in counties}
    kinds = [k for k in CaseKind if scope.kinds is None or k.value in scope.kinds]
    kind_label = {k.value: k.label for k in CaseKind}
    zero = Decimal("0.00")

    regs = registrations_by_county_month(scope)
    registrations = Table(
        "registrations",
        _("Unemployment registrations and employment-difficult recognitions"),
        [_("County"), _("Month"), _("Registrations opened"), _("Registrations ended"), _("Recognitions")],
    )
    for county in counties:
        for month in scope.months:
            figures = regs.get((county.pk, month))
            if figures:
                registrations.rows.append(
                    [
                        county.display_name,
                        month.strftime("%Y-%m"),
                        figures["opened"],
                        figures["ended"],
                        figures["recognitions"],
                    ]
                )

    by_kind = cases_by_county_month_kind(scope)
    cases = Table(
        "cases",
        _("Cases received, approved and rejected"),
        [
            _("County"),
            _("Month"),
            _("Policy"),
            _("Received"),
            _("Approved"),
            _("Rejected"),
            _("Amount approved (yuan)"),
            _("Amount paid (yuan)"),
        ],
    )
    for (county_id, month, kind), r in sorted(by_kind.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])):
        if county_id not in names:
            continue
        cases.rows.append(
            [
                names[county_id],
                month.strftime("%Y-%m"),
                kind_label.get(kind, kind),
                r["received"],
                r["approved"],
                r["rejected"],
                r["amount_approved"],
                r["amount_paid"],
            ]
        )

    funds: dict[tuple[str, str], list[Decimal]] = {}
    per_month: dict[date, dict[str, Any]] = {m: {"received": 0, "approved": 0, "rejected": 0} for m in scope.months}
    for (_county_id, month, kind), r in by_kind.items():
        acc = funds.setdefault((rules_for(kind).fund, kind), [zero, zero])
        acc[0] += r["amount_approved"]
        acc[1] += r["amount_paid"]
        if month in per_month:
            for name in ("received", "approved", "rejected"):
                per_month[month][name] += r[name]
    fund_table = Table(
        "funds",
        _("Amounts by fund and policy"),
        [_("Fund"), _("Policy"), _("Amount approved (yuan)"), _("Amount paid (yuan)")],
    )
    fund_label = dict(Fund.choices)
    for (fund, kind), (approved, paid) in sorted(funds.items()):
        fund_table.rows.append([fund_label[fund], kind_label.get(kind, kind), approved, paid])

    times = decision_times(scope)
    waiting = waiting_past_target(scope, today=today)
    target_days = int(value_in_force("service.decision_working_days", on=today))
    service = Table(
        "service",
        _("Time from submission to decision, and cases waiting past the service target"),
        [
            _("County"),
            _("Policy"),
            _("Decided"),
            _("Median (days)"),
            _("90th percentile (days)"),
            _("Waiting past the target today"),
        ],
    )
    for county in counties:
        for kind in kinds:
            t = times.get((county.pk, kind.value))
            w = waiting.get((county.pk, kind.value), 0)
            if t or w:
                service.rows.append(
                    [
                        county.display_name,
                        kind.label,
                        t["decided"] if t else 0,
                        t["median_days"] if t else None,
                        t["p90_days"] if t else None,
                        w,
                    ]
                )

    monthly = Table(
        "monthly",
        _("Cases per month"),
        [_("Month"), _("Received"), _("Approved"), _("Rejected")],
        [[m.strftime("%Y-%m"), v["received"], v["approved"], v["rejected"]] for m, v in per_month.items()],
    )
    totals = {
        "received": sum(r["received"] for r in by_kind.values()),
        "approved": sum(r["approved"] for r in by_kind.values()),
        "rejected": sum(r["rejected"] for r in by_kind.values()),
        "amount_approved": sum((r["amount_approved"] for r in by_kind.values()), zero),
        "amount_paid": sum((r["amount_paid"] for r in by_kind.values()), zero),
        "waiting": sum(waiting.values()),
        "registrations_opened": sum(r["opened"] for r in regs.values()),
    }
    return Dashboard(
        scope=scope,
        counties=counties,
        tables=[monthly, registrations, cases, fund_table, service],
        totals=totals,
        target_days=target_days,
    )
