"""What every calculator shares: input types, the Result, and the context that records what a result used."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.utils.encoding import force_str
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from subsidies.parameters import ParameterValue, parameter_in_force

PLAN = "塔行发〔2019〕16号"
CENT = Decimal("0.01")
MONEY_MAX = Decimal("1000000000000")  # 1e12 yuan: anything above is a typing error, not a firm.


def clause(cited: str) -> str:
    """The citation of a clause of the plan, e.g. clause("（一）") -> 塔行发〔2019〕16号（一）.

    A clause is written one way everywhere, "（一）" with full-width parentheses, so `grep （一）` finds every rule
    of it (tests/test_clause_spelling.py keeps it so)."""
    if not (cited.startswith("（") and cited.endswith("）")):
        raise ValueError(f"cite a clause as （一）, not {cited!r}")
    return f"{PLAN}{cited}"


def money(value: Decimal) -> Decimal:
    """Round once, at the end, to 0.01 half up (POLICY.md, "Money, dates, rounding")."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    return date.fromisoformat(value)  # ValueError for an impossible date such as 2019-02-30


Day = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
Money = Annotated[Decimal, Field(ge=0, le=MONEY_MAX, max_digits=15, decimal_places=2, allow_inf_nan=False)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=9, decimal_places=6, allow_inf_nan=False)]
Headcount = Annotated[int, Field(ge=0, le=10_000_000)]
Months = Annotated[int, Field(ge=0, le=1200)]
Years = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=2, allow_inf_nan=False)]


class Inputs(BaseModel):
    """Base of every calculator's inputs: unknown fields are refused, so a typo is reported, not ignored."""

    model_config = ConfigDict(extra="forbid")


class InputErrors(ValueError):
    """Inputs that are well-typed but do not make sense together; each error names its field."""

    def __init__(self, errors: list[tuple[str, Any]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{f}: {force_str(m)}" for f, m in errors))


@dataclass
class Line:
    label: Any
    value: str
    parameter: str | None = None
    clause: str | None = None
    # "yuan" when the value is an amount of money, so that every page and notice writes it one way (¥40,000.00).
    unit: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": force_str(self.label),
            "value": self.value,
            "parameter": self.parameter,
            "clause": self.clause,
            "unit": self.unit,
        }


@dataclass
class Reason:
    """Why someone does not qualify, and what would make them qualify."""

    code: str
    failed: Any
    fix: Any
    clause: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "failed": force_str(self.failed), "fix": force_str(self.fix), "clause": self.clause}


@dataclass
class Result:
    policy: str
    as_of: date
    eligible: bool
    amount: Decimal
    breakdown: list[Line]
    reasons: list[Reason]
    citations: list[str]
    parameters: list[ParameterValue]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of the API, the command and the offers: amounts as strings with 2 decimals."""
        data = {
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
            "eligible": self.eligible,
            "amount": f"{self.amount:.2f}",
            "currency": "CNY",
            "breakdown": [line.as_dict() for line in self.breakdown],
            "reasons": [reason.as_dict() for reason in self.reasons],
            "citations": list(self.citations),
            "parameters": [p.as_dict() for p in self.parameters],
        }
        data.update(_jsonable(self.extra))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value.as_tuple().exponent >= -2 else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class Calc:
    """Collects what a calculation read and said, so every result can be traced to its parameters and clauses."""

    def __init__(self, policy: str, on: date) -> None:
        self.policy = policy
        self.on = on
        self.used: dict[str, ParameterValue] = {}
        self.lines: list[Line] = []
        self.reasons: list[Reason] = []
        self.citations: list[str] = []

    def param(self, key: str, *, on: date | None = None) -> Any:
        found = parameter_in_force(key, on=on or self.on)
        self.used[key] = found
        return found.value

    def source(self, key: str) -> str:
        return self.used[key].source

    def line(
        self, label: Any, value: Any, *, parameter: str | None = None, clause: str | None = None, money: bool = False
    ) -> None:
        """One row of the breakdown; `money=True` marks an amount in yuan (written ¥40,000.00 wherever it is shown)."""
        if clause is None and parameter is not None:
            clause = self.used[parameter].source
        if money:
            value = f"{Decimal(str(value)):.2f}"
        self.lines.append(
            Line(label, value if isinstance(value, str) else str(value), parameter, clause, "yuan" if money else None)
        )

    def fail(self, code: str, failed: Any, fix: Any, *, clause: str | None = None) -> None:
        self.reasons.append(Reason(code, failed, fix, clause))

    def cite(self, *citations: str) -> None:
        for c in citations:
            if c not in self.citations:
                self.citations.append(c)

    def result(self, amount: Decimal, **extra: Any) -> Result:
        eligible = not self.reasons
        return Result(
            policy=self.policy,
            as_of=self.on,
            eligible=eligible,
            amount=money(amount) if eligible else Decimal("0.00"),
            breakdown=self.lines,
            reasons=self.reasons,
            citations=self.citations,
            parameters=sorted(self.used.values(), key=lambda p: p.key),
            extra=extra,
        )
