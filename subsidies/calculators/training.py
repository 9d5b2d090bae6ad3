"""（七） Training subsidy and training living allowance for the unemployed.

> 对培训合格的失业人员根据培训类型、培训层次、培训课时和培训成本等给予职业培训补贴，最高不超过 1800 元/人。2019 年 1 月
> 1 日至 2020 年 12 月 31 日，对其中登记失业的低保家庭人员、残疾人、去产能企业职工等就业困难人员和零就业家庭人员，在培训
> 期间，再给予每人每天 50 元的生活费补贴……每人每年只享受一次，最长不超过 30 天，且不可同时领取失业保险金。
> (塔行发〔2019〕16号（七）)

The subsidy is for 失业人员: the trainee must be registered unemployed on the first day of the course. The living
allowance is paid "在培训期间" for the training days inside 2019-01-01..2020-12-31: a course that starts before the
window or ends after it is paid for its days inside, alike at both ends (docs/interpretations.md, （七）).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from subsidies.calculators.base import Calc, Day, Inputs, Money, Result, clause, money
from subsidies.parameters import ParameterNotInForce, value_in_force

SUBSIDY_POLICY = "training-subsidy"
ALLOWANCE_POLICY = "training-living-allowance"
CLAUSE = clause("（七）")

Category = Literal[
    "low_income_family", "disabled", "de_capacity_worker", "zero_employment_family", "other_employment_difficult"
]


class TrainingSubsidyInputs(Inputs):
    application_date: Day
    training_type: Literal["employment_skills", "entrepreneurship"]
    hours: Annotated[int, Field(ge=0, le=10_000)]
    cost: Money
    passed: bool
    # （七） "失业人员": registered unemployed on the course's first day.
    registered_unemployed: bool


class TrainingLivingAllowanceInputs(Inputs):
    training_start: Day
    training_days: Annotated[int, Field(ge=1, le=3660)]
    registered_unemployed: bool
    categories: Annotated[list[Category], Field(max_length=5)] = []
    receiving_ui_benefit: bool = False
    received_this_year: bool = False


def calculate_subsidy(inputs: TrainingSubsidyInputs, on: date | None = None) -> Result:
    calc = Calc(SUBSIDY_POLICY, on or inputs.application_date)
    calc.cite(CLAUSE)
    cap = calc.param("training_subsidy.cap")
    if not inputs.passed:
        calc.fail(
            "not_passed",
            _("The trainee did not pass the training."),
            _("The subsidy is paid for those who pass; apply once you have passed."),
            clause=CLAUSE,
        )
    if not inputs.registered_unemployed:
        calc.fail(
            "not_unemployed",
            _("The trainee was not registered as unemployed when the course started."),
            _(
                "The training subsidy is for unemployed people: register unemployment where you live before the "
                "course starts."
            ),
            clause=CLAUSE,
        )
    if inputs.hours <= 0:
        calc.fail("no_hours", _("No training hours were given."), _("Enter the hours of the course."), clause=CLAUSE)
    calc.line(_("Training hours"), inputs.hours)
    calc.line(_("Cost of the training"), f"{inputs.cost:.2f}", money=True)
    calc.line(_("Cap per person"), cap, parameter="training_subsidy.cap", money=True)
    if inputs.cost <= 0 and not calc.reasons:
        calc.fail(
            "no_cost", _("The training cost nothing."), _("The subsidy covers the cost of the training."), clause=CLAUSE
        )
    amount = min(inputs.cost, cap)
    calc.line(_("Subsidy (the lower of cost and cap)"), f"{money(amount):.2f}", clause=CLAUSE, money=True)
    return calc.result(amount, training_type=inputs.training_type)


def training_last_day(start: date, days: int) -> date:
    return start + timedelta(days=days - 1)


def allowance_rules_day(start: date, end: date) -> date:
    """The day whose rules a living allowance follows: the course's first day, or, for a course that starts before
    the window, the first day of the window in force on its last day (so both ends are treated alike)."""
    try:
        value_in_force("living_allowance.window", on=start)
    except ParameterNotInForce:
        try:
            window = value_in_force("living_allowance.window", on=end)
        except ParameterNotInForce:
            return start
        return max(start, window[0])
    return start


def days_inside(start: date, end: date, window: tuple[date, date]) -> int:
    """Training days from start to end (inclusive) that lie inside the window (inclusive)."""
    first, last = max(start, window[0]), min(end, window[1])
    return max(0, (last - first).days + 1)


def calculate_allowance(inputs: TrainingLivingAllowanceInputs, on: date | None = None) -> Result:
    start = inputs.training_start
    end = training_last_day(start, inputs.training_days)
    calc = Calc(ALLOWANCE_POLICY, on or allowance_rules_day(start, end))
    calc.cite(CLAUSE)
    window = calc.param("living_allowance.window")
    per_day = calc.param("living_allowance.per_day")
    max_days = calc.param("living_allowance.max_days")
    inside = days_inside(start, end, window)
    calc.line(_("Window of the living allowance"), f"{window[0]} .. {window[1]}", parameter="living_allowance.window")
    calc.line(_("Training days"), f"{start} .. {end}")
    if inside == 0:
        calc.fail(
            "outside_window",
            _("No training day from %(first)s to %(last)s lies inside %(start)s to %(end)s.")
            % {"first": start, "last": end, "start": window[0], "end": window[1]},
            _("The living allowance is for training that takes place from %(start)s to %(end)s.")
            % {"start": window[0], "end": window[1]},
            clause=CLAUSE,
        )
    if not inputs.registered_unemployed:
        calc.fail(
            "not_registered_unemployed",
            _("The trainee is not registered as unemployed."),
            _("Register unemployment at the public employment service where you live, then apply."),
            clause=clause("（七）"),
        )
    if not inputs.categories:
        calc.fail(
            "not_employment_difficult",
            _("The trainee is neither an employment-difficult person nor from a zero-employment family."),
            _("Ask to be recognised as an employment-difficult person where you live."),
            clause=clause("（九）"),
        )
    if inputs.receiving_ui_benefit:
        calc.fail(
            "receiving_ui_benefit",
            _("The trainee receives unemployment-insurance benefit in this period."),
            _("The allowance cannot be paid while unemployment-insurance benefit is received."),
            clause=CLAUSE,
        )
    if inputs.received_this_year:
        calc.fail(
            "already_received",
            _("The allowance was already received this year."),
            _("It is paid once per person per year; apply again next year."),
            clause=CLAUSE,
        )
    # Only training days inside the window count (at either end), and at most max_days of them.
    days = min(inside, max_days)
    calc.line(_("Number of training days"), inputs.training_days)
    calc.line(_("Training days inside the window"), inside, parameter="living_allowance.window")
    calc.line(_("Most days paid"), max_days, parameter="living_allowance.max_days")
    calc.line(_("Days paid"), days, clause=CLAUSE)
    calc.line(_("Allowance per day"), per_day, parameter="living_allowance.per_day", money=True)
    amount = per_day * Decimal(days)
    calc.line(_("Living allowance"), f"{money(amount):.2f}", clause=CLAUSE, money=True)
    return calc.result(amount, days_paid=days)
