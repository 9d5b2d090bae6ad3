"""（十） Unemployment-insurance benefit 失业保险金, with the medical-insurance premiums paid for the same months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from subsidies.calculators.base import Calc, Day, InputErrors, Inputs, Result, Years, clause, money

POLICY = "ui-benefit"
CLAUSE = clause("（十）")


class UiBenefitInputs(Inputs):
    registration_date: Day
    contribution_years: Years
    reemployment_date: Day | None = None


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def calculate(inputs: UiBenefitInputs, on: date | None = None) -> Result:
    if inputs.reemployment_date is not None and inputs.reemployment_date < inputs.registration_date:
        raise InputErrors([("reemployment_date", _("Re-employment cannot be before the registration date."))])
    calc = Calc(POLICY, on or inputs.registration_date)
    calc.cite(CLAUSE)
    years = inputs.contribution_years
    monthly = calc.param("ui_benefit.monthly_amount")
    if years >= 10:
        key = "ui_benefit.months_10_plus_years"
    elif years >= 5:
        key = "ui_benefit.months_5_to_10_years"
    else:
        key = "ui_benefit.months_1_to_5_years"
    entitled = calc.param(key)
    calc.cite(calc.source(key))
    calc.line(_("Contribution years"), years)
    if years < 1:
        entitled = 0
        calc.fail(
            "contribution_short",
            _("Premiums were paid for less than 1 year."),
            _("The benefit needs at least 1 year of unemployment-insurance contributions."),
            clause=calc.source(key),
        )
    calc.line(_("Months entitled"), entitled, parameter=key)
    paid = entitled
    start = _month_index(inputs.registration_date)
    if inputs.reemployment_date is not None:
        # Benefit stops from the month after re-employment: paid through the month of re-employment.
        paid = min(entitled, _month_index(inputs.reemployment_date) - start + 1)
        calc.line(
            _("Months from registration through the month of re-employment"),
            _month_index(inputs.reemployment_date) - start + 1,
            clause=CLAUSE,
        )
    calc.line(_("Months paid"), paid, clause=CLAUSE)
    calc.line(_("Benefit per month"), monthly, parameter="ui_benefit.monthly_amount")
    amount = monthly * Decimal(paid)
    calc.line(_("Benefit"), f"{money(amount):.2f}", clause=CLAUSE)
    calc.line(_("Months of basic medical insurance premiums paid by the fund"), paid, clause=CLAUSE)
    return calc.result(
        amount,
        months_entitled=entitled,
        months_paid=paid,
        monthly_amount=money(monthly),
        last_paid_month=_month_label(start + paid - 1) if paid else None,
        medical_insurance_months=paid,
    )
