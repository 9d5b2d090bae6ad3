"""（七） Training subsidy and training living allowance for the unemployed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from subsidies.calculators.base import Calc, Day, Inputs, Money, Result, clause, money

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
    if inputs.hours <= 0:
        calc.fail("no_hours", _("No training hours were given."), _("Enter the hours of the course."), clause=CLAUSE)
    calc.line(_("Training hours"), inputs.hours)
    calc.line(_("Cost of the training"), f"{inputs.cost:.2f}")
    calc.line(_("Cap per person"), cap, parameter="training_subsidy.cap")
    if inputs.cost <= 0 and not calc.reasons:
        calc.fail(
            "no_cost", _("The training cost nothing."), _("The subsidy covers the cost of the training."), clause=CLAUSE
        )
    amount = min(inputs.cost, cap)
    calc.line(_("Subsidy (the lower of cost and cap)"), f"{money(amount):.2f}", clause=CLAUSE)
    return calc.result(amount, training_type=inputs.training_type)


def calculate_allowance(inputs: TrainingLivingAllowanceInputs, on: date | None = None) -> Result:
    calc = Calc(ALLOWANCE_POLICY, on or inputs.training_start)
    calc.cite(CLAUSE)
    window = calc.param("living_allowance.window")
    per_day = calc.param("living_allowance.per_day")
    max_days = calc.param("living_allowance.max_days")
    start = inputs.training_start
    calc.line(_("Window of the living allowance"), f"{window[0]} .. {window[1]}", parameter="living_allowance.window")
    if not window[0] <= start <= window[1]:
        calc.fail(
            "outside_window",
            _("The training starts on %(day)s, outside %(start)s to %(end)s.")
            % {"day": start, "start": window[0], "end": window[1]},
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
    # Only training days inside the window count, and at most max_days of them.
    days_in_window = max(0, min(inputs.training_days, (window[1] - start).days + 1)) if start <= window[1] else 0
    days = min(days_in_window, max_days)
    calc.line(_("Training days"), inputs.training_days)
    calc.line(_("Most days paid"), max_days, parameter="living_allowance.max_days")
    calc.line(_("Days paid"), days, clause=CLAUSE)
    calc.line(_("Allowance per day"), per_day, parameter="living_allowance.per_day")
    amount = per_day * Decimal(days)
    calc.line(_("Living allowance"), f"{money(amount):.2f}", clause=CLAUSE)
    return calc.result(amount, days_paid=days)
