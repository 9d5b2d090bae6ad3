"""（十） Unemployment-insurance benefit 失业保险金, with the medical-insurance premiums paid for the same months.

> 对符合条件的失业人员，由失业保险基金发放失业保险金，其个人应缴纳的基本医疗保险费从失业保险基金中列支。失业保险经办机构
> 为失业人员缴纳职工基本医疗保险费的期限与领取失业保险金的期限一致。 (塔行发〔2019〕16号（十）)

The monthly benefit and the medical premium are dated parameters per county (the benefit is set below the county's
minimum wage): `ui_benefit.monthly_amount.<county>` and `ui_benefit.medical_premium.<county>`. Without a county the
prefecture's sample `ui_benefit.monthly_amount` is used and no premium amount is shown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from subsidies.calculators.base import Calc, Day, InputErrors, Inputs, Result, Years, clause, money
from subsidies.parameters import DEFINITIONS

POLICY = "ui-benefit"
CLAUSE = clause("（十）")


class UiBenefitInputs(Inputs):
    registration_date: Day
    contribution_years: Years
    reemployment_date: Day | None = None
    county_code: Annotated[str, Field(pattern=r"^6542[0-9]{2}$")] | None = None


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
    county = inputs.county_code
    monthly_key = f"ui_benefit.monthly_amount.{county}" if county else "ui_benefit.monthly_amount"
    if monthly_key not in DEFINITIONS:
        # A well-formed code of no county of the prefecture: say so next to the field, never a server error.
        raise InputErrors([("county_code", _("This is not the code of a county of Tacheng Prefecture."))])
    monthly = calc.param(monthly_key)
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
    calc.line(_("Benefit per month"), monthly, parameter=monthly_key)
    amount = monthly * Decimal(paid)
    calc.line(_("Benefit"), f"{money(amount):.2f}", clause=CLAUSE)
    calc.line(_("Months of basic medical insurance premiums paid by the fund"), paid, clause=CLAUSE)
    medical: dict[str, Any] = {}
    if county:
        premium_key = f"ui_benefit.medical_premium.{county}"
        premium = calc.param(premium_key)
        medical_total = premium * Decimal(paid)
        calc.line(_("Basic medical insurance premium paid by the fund per month"), premium, parameter=premium_key)
        calc.line(
            _("Basic medical insurance premiums paid by the fund (not paid to you)"),
            f"{money(medical_total):.2f}",
            clause=CLAUSE,
        )
        medical = {"medical_premium_monthly": money(premium), "medical_premiums_paid_by_fund": money(medical_total)}
    return calc.result(
        amount,
        months_entitled=entitled,
        months_paid=paid,
        monthly_amount=money(monthly),
        last_paid_month=_month_label(start + paid - 1) if paid else None,
        medical_insurance_months=paid,
        **medical,
    )
