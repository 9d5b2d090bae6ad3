"""（三） Guaranteed start-up loans 创业担保贷款 and the reward to the handling institutions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from subsidies.calculators.base import Calc, Day, Headcount, InputErrors, Inputs, Money, Rate, Result, clause, money

POLICY = "startup-loan"
REWARD_POLICY = "loan-reward"
CLAUSE = clause("（三）")


class StartupLoanInputs(Inputs):
    application_date: Day
    applicant: Literal["individual", "enterprise"]
    requested_amount: Money
    annual_interest_rate: Rate
    current_staff: Headcount | None = None
    new_qualifying_hires: Headcount | None = None
    contract_years: Annotated[int, Field(ge=0, le=100)] | None = None


class LoanRewardInputs(Inputs):
    application_date: Day
    county_new_loans_total: Money


def calculate(inputs: StartupLoanInputs, on: date | None = None) -> Result:
    if inputs.applicant == "enterprise":
        missing = [
            (name, _("This field is required for an enterprise."))
            for name in ("current_staff", "new_qualifying_hires", "contract_years")
            if getattr(inputs, name) is None
        ]
        if missing:
            raise InputErrors(missing)
    calc = Calc(POLICY, on or inputs.application_date)
    calc.cite(CLAUSE)
    extra: dict[str, object] = {}
    if inputs.applicant == "individual":
        cap = calc.param("startup_loan.cap_individual")
        calc.line(_("Loan cap for an individual"), cap, parameter="startup_loan.cap_individual", money=True)
    else:
        cap = calc.param("startup_loan.cap_enterprise")
        calc.line(
            _("Loan cap for a small or micro enterprise"), cap, parameter="startup_loan.cap_enterprise", money=True
        )
        extra["hiring_ratio"] = _enterprise_conditions(calc, inputs)

    requested = inputs.requested_amount
    calc.line(_("Requested loan"), f"{requested:.2f}", money=True)
    if requested <= 0:
        calc.fail("nothing_requested", _("No loan amount was requested."), _("Enter the loan you need."), clause=CLAUSE)
    loan = min(requested, cap)
    calc.line(
        _("Loan that can be guaranteed (the lower of request and cap)"), f"{money(loan):.2f}", clause=CLAUSE, money=True
    )

    rate_cap = calc.param("startup_loan.interest_rate_cap")
    full_years = calc.param("startup_loan.interest_full_years")
    year3_ratio = calc.param("startup_loan.interest_year3_ratio")
    rate = min(inputs.annual_interest_rate, rate_cap)
    calc.line(_("Contract interest rate"), inputs.annual_interest_rate)
    calc.line(_("Cap on the subsidised rate"), rate_cap, parameter="startup_loan.interest_rate_cap")
    calc.line(_("Years of full interest subsidy"), full_years, parameter="startup_loan.interest_full_years")
    calc.line(_("Share of interest subsidised in year 3"), year3_ratio, parameter="startup_loan.interest_year3_ratio")
    eligible = not calc.reasons
    schedule = []
    for year in (1, 2, 3):
        share = Decimal(1) if year <= full_years else year3_ratio
        # Each year's subsidy is one payment: rounded once, at the end of its own computation.
        schedule.append({"year": year, "amount": money(loan * rate * share) if eligible else Decimal("0.00")})
    total = sum((item["amount"] for item in schedule), Decimal("0.00"))
    calc.line(_("Interest subsidy, years 1-3"), f"{total:.2f}", clause=CLAUSE, money=True)
    return calc.result(
        loan, applicant=inputs.applicant, interest_subsidy=schedule, interest_subsidy_total=total, **extra
    )


def _enterprise_conditions(calc: Calc, inputs: StartupLoanInputs) -> str:
    staff, hires, years = inputs.current_staff, inputs.new_qualifying_hires, inputs.contract_years
    threshold = calc.param("startup_loan.large_staff_threshold")
    key = "startup_loan.hiring_ratio_large" if staff > threshold else "startup_loan.hiring_ratio"
    required = calc.param(key)
    calc.param("startup_loan.large_staff_threshold")
    min_years = calc.param("startup_loan.min_contract_years")
    ratio = Decimal(hires) / Decimal(staff) if staff > 0 else Decimal(0)
    calc.line(_("New qualifying hires this year"), hires)
    calc.line(_("Current staff"), staff)
    calc.line(_("Staff above which the lower share applies"), threshold, parameter="startup_loan.large_staff_threshold")
    calc.line(_("Hiring ratio"), f"{ratio:.4f}")
    calc.line(_("Hiring ratio required"), required, parameter=key)
    # "Reach" is >=.
    if staff <= 0 or ratio < required:
        needed = _hires_needed(staff, required)
        calc.fail(
            "hiring_ratio_short",
            _("New qualifying hires are %(ratio)s of current staff; %(required)s is required.")
            % {"ratio": f"{ratio:.4f}", "required": required},
            _("Hire at least %(n)s qualifying persons this year on contracts of %(years)s year(s) or more.")
            % {"n": needed, "years": min_years},
            clause=CLAUSE,
        )
    calc.line(_("Shortest contract of those hires (years)"), years)
    calc.line(_("Shortest contract required (years)"), min_years, parameter="startup_loan.min_contract_years")
    if years < min_years:
        calc.fail(
            "contract_too_short",
            _("The shortest contract is %(years)s year(s); at least %(min)s is required.")
            % {"years": years, "min": min_years},
            _("Sign contracts of at least %(min)s year(s) with the new hires.") % {"min": min_years},
            clause=CLAUSE,
        )
    return f"{ratio:.4f}"


def _hires_needed(staff: int, required: Decimal) -> int:
    n = int(Decimal(max(staff, 1)) * required)
    while Decimal(n) / Decimal(max(staff, 1)) < required:
        n += 1
    return max(n, 1)


def calculate_reward(inputs: LoanRewardInputs, on: date | None = None) -> Result:
    calc = Calc(REWARD_POLICY, on or inputs.application_date)
    calc.cite(CLAUSE)
    ratio = calc.param("loan_reward.ratio")
    total = inputs.county_new_loans_total
    calc.line(_("New guaranteed loans of the county this year"), f"{total:.2f}", money=True)
    calc.line(_("Reward ratio"), ratio, parameter="loan_reward.ratio")
    if total <= 0:
        calc.fail(
            "no_new_loans",
            _("The county issued no new guaranteed loans."),
            _("The reward is a share of the new guaranteed loans of the year."),
            clause=CLAUSE,
        )
    amount = total * ratio
    calc.line(_("Reward"), f"{money(amount):.2f}", clause=CLAUSE, money=True)
    return calc.result(amount)
