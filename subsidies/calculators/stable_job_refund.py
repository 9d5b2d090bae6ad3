"""（一） Stable-job refund 稳岗返还: standard track and the 2019 hardship track."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _

from subsidies.calculators.base import Calc, Day, Headcount, InputErrors, Inputs, Money, Months, Result, clause, money

POLICY = "stable-job-refund"
CLAUSE = clause("（一）")

STANDARD_FIELDS = ("ui_premiums_paid_last_year", "ui_months_paid_in_full", "insured_at_start", "insured_at_end")
HARDSHIP_FIELDS = ("on_hardship_list", "insured_employees", "monthly_social_insurance_due")


class StableJobRefundInputs(Inputs):
    application_date: Day
    track: Literal["standard", "hardship"] = "standard"
    # Standard track.
    ui_premiums_paid_last_year: Money | None = None
    ui_months_paid_in_full: Months | None = None
    insured_at_start: Headcount | None = None
    insured_at_end: Headcount | None = None
    retired_or_deceased: Headcount = 0
    # Hardship track.
    on_hardship_list: bool | None = None
    insured_employees: Headcount | None = None
    monthly_social_insurance_due: Money | None = None
    method: Literal["ui_benefit", "contribution"] | None = None


def layoff_rate(*, insured_at_start: int, insured_at_end: int, retired_or_deceased: int) -> Decimal:
    """Net-reduction rate (POLICY.md): max(0, start - end - retired or deceased) / start; 0 when nobody was insured."""
    if insured_at_start <= 0:
        return Decimal(0)
    return Decimal(max(0, insured_at_start - insured_at_end - retired_or_deceased)) / Decimal(insured_at_start)


def calculate(inputs: StableJobRefundInputs, on: date | None = None) -> Result:
    fields = STANDARD_FIELDS if inputs.track == "standard" else HARDSHIP_FIELDS
    missing = [
        (name, _("This field is required for the %(track)s track.") % {"track": inputs.track})
        for name in fields
        if getattr(inputs, name) is None
    ]
    if missing:
        raise InputErrors(missing)
    calc = Calc(POLICY, on or inputs.application_date)
    calc.cite(CLAUSE)
    if inputs.track == "standard":
        return _standard(calc, inputs)
    return _hardship(calc, inputs)


def _standard(calc: Calc, inputs: StableJobRefundInputs) -> Result:
    ratio = calc.param("stable_job_refund.ratio")
    min_months = calc.param("stable_job_refund.min_ui_months")
    unemployment_rate = calc.param("unemployment_rate.registered_urban")
    calc.cite(calc.source("stable_job_refund.min_ui_months"))

    months = inputs.ui_months_paid_in_full
    calc.line(_("Months of UI premiums paid in full"), months)
    calc.line(_("Months required"), min_months, parameter="stable_job_refund.min_ui_months")
    if months < min_months:
        calc.fail(
            "ui_months_short",
            _("UI premiums were paid in full for %(months)s months; at least %(min)s are required.")
            % {"months": months, "min": min_months},
            _("Apply once premiums have been paid in full for %(min)s months.") % {"min": min_months},
            clause=calc.source("stable_job_refund.min_ui_months"),
        )

    start, end, gone = inputs.insured_at_start, inputs.insured_at_end, inputs.retired_or_deceased
    layoffs = max(0, start - end - gone)
    rate = layoff_rate(insured_at_start=start, insured_at_end=end, retired_or_deceased=gone)
    calc.line(_("Layoffs last year (insured at start - at end - retired or deceased)"), layoffs, clause=CLAUSE)
    calc.line(_("Layoff rate"), f"{rate:.4f}", clause=CLAUSE)
    calc.line(
        _("Registered urban unemployment rate"), unemployment_rate, parameter="unemployment_rate.registered_urban"
    )
    # "No layoffs, or a layoff rate below the registered urban unemployment rate": below is strict.
    if layoffs > 0 and not rate < unemployment_rate:
        fewer = _max_layoffs_below(start, unemployment_rate)
        calc.fail(
            "layoff_rate_not_below",
            _("The layoff rate %(rate)s is not below the registered urban unemployment rate %(limit)s.")
            % {"rate": f"{rate:.4f}", "limit": unemployment_rate},
            _(
                "Enterprises qualify with no layoffs, or at most %(n)s net layoffs out of %(start)s insured at the "
                "start of the year."
            )
            % {"n": fewer, "start": start},
            clause=CLAUSE,
        )

    premiums = inputs.ui_premiums_paid_last_year
    calc.line(_("UI premiums paid last year by the enterprise and its employees"), f"{premiums:.2f}", money=True)
    calc.line(_("Refund ratio"), ratio, parameter="stable_job_refund.ratio")
    if premiums <= 0:
        calc.fail(
            "no_premiums",
            _("No UI premiums were paid last year."),
            _("The refund is a share of the premiums paid last year; enterprises that paid none get no refund."),
            clause=CLAUSE,
        )
    amount = premiums * ratio
    calc.line(_("Refund"), f"{money(amount):.2f}", clause=CLAUSE, money=True)
    return calc.result(amount, track="standard", layoff_rate=f"{rate:.4f}", layoffs=layoffs)


def _max_layoffs_below(start: int, limit: Decimal) -> int:
    """The most net layoffs whose rate is still strictly below the limit."""
    if start <= 0:
        return 0
    n = int(Decimal(start) * limit)
    while n > 0 and not Decimal(n) / Decimal(start) < limit:
        n -= 1
    return n


def _hardship(calc: Calc, inputs: StableJobRefundInputs) -> Result:
    window = calc.param("hardship.window")
    months = calc.param("hardship.months")
    method_in_force = calc.param("hardship.method")
    ui_benefit = calc.param("ui_benefit.monthly_amount")
    share = calc.param("hardship.contribution_ratio")
    method = inputs.method or method_in_force

    day = inputs.application_date
    calc.line(_("Application window of the hardship track"), f"{window[0]} .. {window[1]}", parameter="hardship.window")
    if not window[0] <= day <= window[1]:
        calc.fail(
            "outside_hardship_window",
            _("The hardship track takes applications dated %(start)s to %(end)s only.")
            % {"start": window[0], "end": window[1]},
            _("Apply under the standard track instead."),
            clause=CLAUSE,
        )
    if not inputs.on_hardship_list:
        calc.fail(
            "not_on_hardship_list",
            _("The enterprise is not on the published hardship list."),
            _(
                "Ask the county HR bureau to consider the enterprise for the list; it is published for public notice "
                "before it takes effect."
            ),
            clause=CLAUSE,
        )
    by_benefit = Decimal(months) * ui_benefit * Decimal(inputs.insured_employees)
    by_contribution = Decimal(months) * share * inputs.monthly_social_insurance_due
    calc.line(_("Months"), months, parameter="hardship.months")
    calc.line(_("Monthly per-capita UI benefit"), ui_benefit, parameter="ui_benefit.monthly_amount", money=True)
    calc.line(_("Insured employees"), inputs.insured_employees)
    calc.line(
        _("By UI benefit: months x benefit x insured employees"), f"{money(by_benefit):.2f}", clause=CLAUSE, money=True
    )
    calc.line(_("Share of contributions"), share, parameter="hardship.contribution_ratio")
    calc.line(_("Monthly social-insurance contributions due"), f"{inputs.monthly_social_insurance_due:.2f}", money=True)
    calc.line(
        _("By contributions: months x share x monthly contributions"),
        f"{money(by_contribution):.2f}",
        clause=CLAUSE,
        money=True,
    )
    calc.line(_("Method in force"), method_in_force, parameter="hardship.method")
    amount = by_benefit if method == "ui_benefit" else by_contribution
    if amount <= 0 and not calc.reasons:
        calc.fail(
            "nothing_to_refund",
            _("The refund under this method is zero."),
            _("Check the insured employees and the contributions due."),
            clause=CLAUSE,
        )
    alternatives = [
        {"method": "ui_benefit", "amount": money(by_benefit)},
        {"method": "contribution", "amount": money(by_contribution)},
    ]
    return calc.result(amount, track="hardship", method=method, alternatives=alternatives)
