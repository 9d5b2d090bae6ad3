"""Dated policy parameters: their definitions, and "the value in force on date D".

The keys and their types live here; the values live in the database (subsidies.Parameter), seeded by migration
0002 from POLICY.md's "Parameters" table and edited by prefecture officers in the back office.

Reads go through `value_in_force(key, on=day)`. Inside `parameter_snapshot()` (a calculation, a page, a batch)
every parameter is answered from memory.

The rows are kept per process and read again only when the table's version changed. The version lives in the
database: a fingerprint of the table (its row count, its highest id and the newest row version's transaction id,
PostgreSQL's `xmin`), read by the one statement each snapshot runs, which returns the rows too only when the
version differs from the copy's. An officer's change (subsidies.services.parameter_add: a new row, the previous one
closed) changes the version in its own transaction, and so does any row edited by hand: every process (web, worker,
beat) sees the change on its next snapshot after the commit, and a change rolled back never shows. Nothing has to
remember to bump a key, and a Redis outage cannot leave a process on old values. On another database (the embedded
SQLite of `make run`) every row is read every time, as before.
"""

from __future__ import annotations

import contextvars
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connections
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from subsidies.models import Parameter

DECIMAL = "decimal"
INTEGER = "integer"
CHOICE = "choice"
PERIOD = "period"  # {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}, both days included
DECIMAL_LIST = "decimal_list"


@dataclass(frozen=True)
class Definition:
    key: str
    kind: str
    label: Any
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = Decimal(0)
    maximum: Decimal | None = None


def _d(key: str, kind: str, label: Any, **kw: Any) -> Definition:
    return Definition(key, kind, label, **kw)


# The counties and county-level cities (POLICY.md "Places"), for the per-county parameters.
COUNTY_CODES = ("654201", "654202", "654203", "654221", "654223", "654224", "654225", "654226")


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in [
        _d(
            "stable_job_refund.ratio",
            DECIMAL,
            _("Stable-job refund: share of last year's UI premiums"),
            maximum=Decimal(1),
        ),
        _d(
            "stable_job_refund.min_ui_months",
            INTEGER,
            _("Stable-job refund: minimum months of UI premiums paid in full"),
        ),
        _d(
            "unemployment_rate.registered_urban",
            DECIMAL,
            _("Registered urban unemployment rate of the prefecture, previous year"),
            maximum=Decimal(1),
        ),
        _d("hardship.months", INTEGER, _("Hardship refund: months")),
        _d(
            "hardship.contribution_ratio",
            DECIMAL,
            _("Hardship refund: share of monthly social-insurance contributions"),
            maximum=Decimal(1),
        ),
        _d("hardship.window", PERIOD, _("Hardship refund: application window")),
        _d("hardship.method", CHOICE, _("Hardship refund: method in force"), choices=("ui_benefit", "contribution")),
        _d("ui_benefit.monthly_amount", DECIMAL, _("Unemployment-insurance benefit per person per month (yuan)")),
        # （十） Per county: the benefit is set below the county's minimum wage; the fund also pays the person's
        # basic medical insurance premium for the same months.
        *(
            _d(
                f"ui_benefit.monthly_amount.{code}",
                DECIMAL,
                format_lazy(_("Unemployment-insurance benefit per month, county {code} (yuan)"), code=code),
            )
            for code in COUNTY_CODES
        ),
        *(
            _d(
                f"ui_benefit.medical_premium.{code}",
                DECIMAL,
                format_lazy(
                    _("Basic medical insurance premium paid by the fund per month, county {code} (yuan)"), code=code
                ),
            )
            for code in COUNTY_CODES
        ),
        # （六） In-job training of hardship enterprises: the window of the courses and the ceiling of the support.
        _d("in_job_training.window", PERIOD, _("In-job training support: window of the courses")),
        _d(
            "in_job_training.support_share_cap",
            DECIMAL,
            _("In-job training support: most that may be approved, as a share of the shortfall"),
            maximum=Decimal(1),
        ),
        # Rejection notices: where a county bureau's decision may be taken for administrative reconsideration.
        _d(
            "reconsideration.authority",
            CHOICE,
            _("Administrative reconsideration of a decision: to whom"),
            choices=("same_level_government_or_higher_department", "same_level_government"),
        ),
        # （一） The hardship list: the unemployment-insurance fund's capacity, one factor the prefecture weighs.
        _d("ui_fund.months_payable", DECIMAL, _("Unemployment-insurance fund: months of payments its balance covers")),
        _d("minimum_wage.tier_1", DECIMAL, _("Minimum wage per month, tier 1 (yuan)")),
        _d("minimum_wage.tier_2", DECIMAL, _("Minimum wage per month, tier 2 (yuan)")),
        _d("minimum_wage.tier_3", DECIMAL, _("Minimum wage per month, tier 3 (yuan)")),
        _d("minimum_wage.tier_4", DECIMAL, _("Minimum wage per month, tier 4 (yuan)")),
        _d("startup_loan.cap_individual", DECIMAL, _("Start-up loan cap, individual (yuan)")),
        _d("startup_loan.cap_enterprise", DECIMAL, _("Start-up loan cap, small or micro enterprise (yuan)")),
        _d(
            "startup_loan.hiring_ratio",
            DECIMAL,
            _("Start-up loan: new qualifying hires as a share of current staff"),
            maximum=Decimal(1),
        ),
        _d(
            "startup_loan.hiring_ratio_large",
            DECIMAL,
            _("Start-up loan: hiring share where current staff exceed the threshold"),
            maximum=Decimal(1),
        ),
        _d(
            "startup_loan.large_staff_threshold", INTEGER, _("Start-up loan: staff above which the lower share applies")
        ),
        _d("startup_loan.min_contract_years", INTEGER, _("Start-up loan: minimum contract of the new hires (years)")),
        _d("startup_loan.interest_full_years", INTEGER, _("Start-up loan: years of full interest subsidy")),
        _d(
            "startup_loan.interest_year3_ratio",
            DECIMAL,
            _("Start-up loan: share of interest subsidised in year 3"),
            maximum=Decimal(1),
        ),
        _d(
            "startup_loan.interest_rate_cap",
            DECIMAL,
            _("Start-up loan: cap on the subsidised interest rate"),
            maximum=Decimal(1),
        ),
        _d(
            "loan_reward.ratio",
            DECIMAL,
            _("Loan reward: share of the county's new guaranteed loans"),
            maximum=Decimal(1),
        ),
        _d("internship.min_months", INTEGER, _("Internship: shortest (months)")),
        _d("internship.max_months", INTEGER, _("Internship: longest (months)")),
        _d("internship.min_age", INTEGER, _("Internship: youngest age of unemployed youth")),
        _d("internship.max_age", INTEGER, _("Internship: oldest age of unemployed youth")),
        _d(
            "internship.host_share",
            DECIMAL,
            _("Internship: host's least pay as a share of the minimum wage"),
            maximum=Decimal(1),
        ),
        _d("training_subsidy.cap", DECIMAL, _("Training subsidy cap per person (yuan)")),
        _d("living_allowance.per_day", DECIMAL, _("Training living allowance per day (yuan)")),
        _d("living_allowance.max_days", INTEGER, _("Training living allowance: most days per year")),
        _d("living_allowance.window", PERIOD, _("Training living allowance: window")),
        _d("skill_upgrade.insured_months_relaxed", INTEGER, _("Skill-upgrade subsidy: insured months (relaxed)")),
        _d("skill_upgrade.insured_months_normal", INTEGER, _("Skill-upgrade subsidy: insured months (normal)")),
        _d("skill_upgrade.relaxed_window", PERIOD, _("Skill-upgrade subsidy: window of the relaxed condition")),
        _d("skill_upgrade.amount_junior", DECIMAL, _("Skill-upgrade subsidy, junior certificate (yuan)")),
        _d("skill_upgrade.amount_intermediate", DECIMAL, _("Skill-upgrade subsidy, intermediate certificate (yuan)")),
        _d("skill_upgrade.amount_senior", DECIMAL, _("Skill-upgrade subsidy, senior certificate (yuan)")),
        _d("ui_benefit.months_1_to_5_years", INTEGER, _("UI benefit months, 1 to under 5 contribution years")),
        _d("ui_benefit.months_5_to_10_years", INTEGER, _("UI benefit months, 5 to under 10 contribution years")),
        _d("ui_benefit.months_10_plus_years", INTEGER, _("UI benefit months, 10 or more contribution years")),
        _d("public_notice.working_days", INTEGER, _("Public notice period (working days)")),
        _d("registration.min_age", INTEGER, _("Unemployment registration: youngest working age")),
        _d("registration.max_age_men", INTEGER, _("Unemployment registration: working age ends (men)")),
        _d("registration.max_age_women", INTEGER, _("Unemployment registration: working age ends (women)")),
        _d("service.decision_working_days", INTEGER, _("Service target from submission to decision (working days)")),
        _d("rating.follow_up_working_days", INTEGER, _("Bad rating: working days to follow it up")),
        _d("layoff_warning.grades", DECIMAL_LIST, _("Layoff early-warning grades (fall in insured headcount)")),
        _d(
            "registration_warning.rise",
            DECIMAL,
            _("Registration early warning: rise of a county's new registrations above its trailing average"),
        ),
        _d("registration_warning.trailing_months", INTEGER, _("Registration early warning: months of the average")),
        _d(
            "parameter_change.confirmation_threshold_yuan",
            DECIMAL,
            _("Parameter change: money moved (yuan) above which a second officer must confirm"),
        ),
        _d(
            "amount_override.margin_yuan",
            DECIMAL,
            _("Approved amount: how far above the calculated amount (yuan) it may go without a second officer"),
        ),
        *(
            _d(f"amount_ceiling.{kind}", DECIMAL, label)
            for kind, label in [
                ("stable_job_refund", _("Approved amount above which a second officer confirms: stable-job refund")),
                ("training_subsidy", _("Approved amount above which a second officer confirms: training subsidy")),
                ("living_allowance", _("Approved amount above which a second officer confirms: living allowance")),
                ("skill_upgrade", _("Approved amount above which a second officer confirms: skill upgrade")),
                ("internship", _("Approved amount above which a second officer confirms: internship subsidy")),
                ("startup_loan", _("Approved amount above which a second officer confirms: start-up loan")),
                ("in_job_training", _("Approved amount above which a second officer confirms: in-job training")),
            ]
        ),
        # 告知承诺制 (subsidies.commitments): the post-check sample, the ban after a false commitment, the deadline.
        _d(
            "commitment.sample_rate",
            DECIMAL,
            _("Commitments: share of decided cases whose commitments are checked afterwards"),
            maximum=Decimal(1),
        ),
        _d("commitment.ban_months", INTEGER, _("Commitments: months without commitments after a false one")),
        _d("commitment.check_working_days", INTEGER, _("Commitments: working days to complete a post-check")),
        _d(
            "parameter_change.confirmation_threshold_eligibility",
            INTEGER,
            _("Parameter change: eligibility changes above which a second officer must confirm"),
        ),
    ]
}


class ParameterNotInForce(LookupError):
    """No value of this key is in force on that date (before the plan, or a gap in the history)."""

    def __init__(self, key: str, on: date) -> None:
        self.key = key
        self.on = on
        super().__init__(f"No value of parameter {key!r} is in force on {on.isoformat()}.")


class InvalidParameterValue(ValueError):
    pass


def parse_value(key: str, raw: Any) -> Any:
    """The typed value of a stored (JSON) or entered (text) value of `key`; InvalidParameterValue if it is not one."""
    definition = DEFINITIONS.get(key)
    if definition is None:
        raise InvalidParameterValue(_("Unknown parameter."))
    kind = definition.kind
    try:
        if kind == DECIMAL:
            value = _decimal(raw)
            _check_range(definition, value)
            return value
        if kind == INTEGER:
            if isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip().isdigit()):
                raise InvalidParameterValue(_("Enter a whole number."))
            value = int(raw)
            _check_range(definition, Decimal(value))
            return value
        if kind == CHOICE:
            if raw not in definition.choices:
                raise InvalidParameterValue(
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)}
                )
            return raw
        if kind == PERIOD:
            start, end = (raw["from"], raw["to"]) if isinstance(raw, dict) else [p.strip() for p in raw.split("..")]
            period = (date.fromisoformat(start), date.fromisoformat(end))
            if period[1] < period[0]:
                raise InvalidParameterValue(_("The end of the period is before its start."))
            return period
        if kind == DECIMAL_LIST:
            items = raw if isinstance(raw, list) else [p for p in raw.replace("/", ",").split(",") if p.strip()]
            values = [_decimal(item) for item in items]
            for v in values:
                _check_range(definition, v)
            if not values:
                raise InvalidParameterValue(_("Enter at least one value."))
            return values
    except InvalidParameterValue:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, InvalidOperation):
        pass
    raise InvalidParameterValue(_("This is not a valid value for this parameter."))


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InvalidParameterValue(_("Enter a number."))
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidParameterValue(_("Enter a number.")) from None
    if not value.is_finite() or value.as_tuple().exponent < -6 or abs(value) >= Decimal(10) ** 12:
        raise InvalidParameterValue(_("Enter a number."))
    return value


def _check_range(definition: Definition, value: Decimal) -> None:
    if definition.minimum is not None and value < definition.minimum:
        raise InvalidParameterValue(_("The value cannot be below %(min)s.") % {"min": definition.minimum})
    if definition.maximum is not None and value > definition.maximum:
        raise InvalidParameterValue(_("The value cannot be above %(max)s.") % {"max": definition.maximum})


def to_json(key: str, value: Any) -> Any:
    """The stored (JSON) form of a typed value."""
    kind = DEFINITIONS[key].kind
    if kind == DECIMAL:
        return str(value)
    if kind == PERIOD:
        return {"from": value[0].isoformat(), "to": value[1].isoformat()}
    if kind == DECIMAL_LIST:
        return [str(v) for v in value]
    return value


def display(key: str, value: Any) -> str:
    """A short text of a typed value, for pages and breakdowns."""
    kind = DEFINITIONS[key].kind if key in DEFINITIONS else None
    if kind == PERIOD:
        return f"{value[0].isoformat()} .. {value[1].isoformat()}"
    if kind == DECIMAL_LIST:
        return " / ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ParameterValue:
    """A value in force, with where it came from: what a result cites."""

    key: str
    value: Any
    valid_from: date
    valid_to: date | None
    source: str
    is_sample: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": to_json(self.key, self.value),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "is_sample": self.is_sample,
        }


def _from_row(row: Parameter) -> ParameterValue:
    return ParameterValue(
        key=row.key,
        value=parse_value(row.key, row.value),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=row.source,
        is_sample=row.is_sample,
    )


def _read_rows() -> dict[str, list[ParameterValue]]:
    """Every parameter row, typed, by key in date order: one query."""
    rows: dict[str, list[ParameterValue]] = {}
    # Plain tuples, not model instances: building ~60 Parameter objects cost more than the query itself.
    fields = ("key", "value", "valid_from", "valid_to", "source", "is_sample")
    for key, value, valid_from, valid_to, source, is_sample in Parameter.objects.order_by(
        "key", "valid_from"
    ).values_list(*fields):
        rows.setdefault(key, []).append(
            ParameterValue(key, parse_value(key, value), valid_from, valid_to, source, is_sample)
        )
    return rows


# One statement whatever this process holds: the table's version (see the module's docstring) and, only when it
# differs from the version given (this process's copy's; -1s when it has none), every row. Unchanged, the answer is
# one row of NULLs beside the version. Version and rows come from the same statement, so they always agree.
_ROWS_IF_CHANGED_SQL = """
WITH version AS (
    SELECT COUNT(*) AS n, MAX(id) AS last, MAX(xmin::text::bigint) AS written FROM subsidies_parameter
)
SELECT version.n, version.last, version.written,
       p.key, p.value::text, p.valid_from, p.valid_to, p.source, p.is_sample
FROM version LEFT JOIN subsidies_parameter p
    ON (version.n, version.last, version.written) IS DISTINCT FROM (%s, %s, %s)
ORDER BY p.key, p.valid_from
"""
_NO_VERSION = (-1, -1, -1)

# This process's copy of the rows and the version they were read at, swapped whole under a lock (threads of gthread
# or runserver share it).
_cache_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], dict[str, list[ParameterValue]]] | None = None


def _rows_now() -> dict[str, list[ParameterValue]]:
    """The rows as the database has them now: this process's copy when the version is unchanged, else read again.
    One statement either way (PostgreSQL); elsewhere every row is read, as before the copy existed."""
    global _cached
    connection = connections[Parameter.objects.db]
    if connection.vendor != "postgresql":
        return _read_rows()  # SQLite may hand out a rolled-back id again: no fingerprint is safe there
    cached = _cached
    with connection.cursor() as cursor:
        cursor.execute(_ROWS_IF_CHANGED_SQL, cached[0] if cached is not None else _NO_VERSION)
        answer = cursor.fetchall()
    version = tuple(answer[0][:3])
    if cached is not None and answer[0][3] is None and cached[0] == version:
        return cached[1]
    rows: dict[str, list[ParameterValue]] = {}
    for _n, _last, _written, key, value, valid_from, valid_to, source, is_sample in answer:
        if key is not None:
            rows.setdefault(key, []).append(
                ParameterValue(key, parse_value(key, json.loads(value)), valid_from, valid_to, source, is_sample)
            )
    with _cache_lock:
        _cached = (version, rows)
    return rows


class Snapshot:
    """Every parameter row (this process's copy, checked against the database's version: one statement); answers
    "in force on D" from memory."""

    def __init__(self) -> None:
        # A dict of its own: an overlay (below) replaces one key's list in it, never the shared copy's.
        self._rows: dict[str, list[ParameterValue]] = dict(_rows_now())

    def in_force(self, key: str, on: date) -> ParameterValue:
        for candidate in reversed(self._rows.get(key, [])):
            if candidate.valid_from <= on and (candidate.valid_to is None or on <= candidate.valid_to):
                return candidate
        raise ParameterNotInForce(key, on)


_snapshot: contextvars.ContextVar[Snapshot | None] = contextvars.ContextVar("parameter_snapshot", default=None)


@contextmanager
def parameter_snapshot() -> Iterator[Snapshot]:
    """Read all parameters once for the block (a request, a batch); nested blocks reuse the outer snapshot."""
    current = _snapshot.get()
    if current is not None:
        yield current
        return
    token = _snapshot.set(Snapshot())
    try:
        yield _snapshot.get()  # type: ignore[misc]
    finally:
        _snapshot.reset(token)


class OverlaySnapshot(Snapshot):
    """The snapshot as it would be after parameter_add(key, value, valid_from, valid_to): nothing is written.

    The impact preview of a parameter change (subsidies.impact) recalculates under it.
    """

    def __init__(self, *, key: str, value: Any, valid_from: date, valid_to: date | None, source: str) -> None:
        super().__init__()
        rows = list(self._rows.get(key, []))
        if rows and (rows[-1].valid_to is None or rows[-1].valid_to >= valid_from):
            last = rows[-1]
            rows[-1] = ParameterValue(
                last.key, last.value, last.valid_from, valid_from - timedelta(days=1), last.source, last.is_sample
            )
        rows.append(ParameterValue(key, parse_value(key, value), valid_from, valid_to, source, False))
        self._rows[key] = rows


@contextmanager
def parameter_overlay(*, key: str, value: Any, valid_from: date, valid_to: date | None = None) -> Iterator[Snapshot]:
    """Calculate inside the block as if the proposed value were saved (replaces any outer snapshot)."""
    token = _snapshot.set(OverlaySnapshot(key=key, value=value, valid_from=valid_from, valid_to=valid_to, source=""))
    try:
        yield _snapshot.get()  # type: ignore[misc]
    finally:
        _snapshot.reset(token)


def parameter_in_force(key: str, *, on: date) -> ParameterValue:
    """The value of `key` in force on `on`, with its source and dates. Raises ParameterNotInForce."""
    if key not in DEFINITIONS:
        raise KeyError(f"Unknown parameter key {key!r}.")
    snapshot = _snapshot.get()
    if snapshot is not None:
        return snapshot.in_force(key, on)
    row = Parameter.objects.filter(key=key, valid_from__lte=on).exclude(valid_to__lt=on).order_by("-valid_from").first()
    if row is None:
        raise ParameterNotInForce(key, on)
    return _from_row(row)


def value_in_force(key: str, *, on: date) -> Any:
    """The typed value of `key` in force on `on` (Decimal, int, str, (from, to) or list). Raises ParameterNotInForce."""
    return parameter_in_force(key, on=on).value
