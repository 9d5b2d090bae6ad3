"""（五） Internship subsidy 就业见习.

> 见习期间从就业补助资金中按当地最低工资标准给予生活费补助……对见习期未滿即与见习毕业生签订2年以上期限劳动合同并缴纳
> 社会保险费的，可将剩余期限的见习补贴补发给见习单位。 (塔行发〔2019〕16号（五）)

The allowance is paid "见习期间", during the internship: a hire ends the internship, so the intern is paid for the
months before it, whatever the contract. The remaining months go to the host only for a 见习毕业生 (an unemployed
graduate) hired on a contract of 2 years or more with social insurance (`hire_qualifies`); otherwise nobody is paid
for them (docs/interpretations.md, （五）).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from registry.models import County
from subsidies.calculators.base import Calc, Day, InputErrors, Inputs, Money, Result, clause, money

POLICY = "internship"
CLAUSE = clause("（五）")


class InternshipInputs(Inputs):
    start_date: Day
    birth_date: Day
    unemployed_graduate: bool = False
    unemployed_youth: bool = False
    months: Annotated[int, Field(ge=1, le=120)]
    county_code: Annotated[str, Field(pattern=r"^6542[0-9]{2}$")]
    host_monthly_pay: Money
    hired_after_months: Annotated[int, Field(ge=1, le=120)] | None = None
    # The hire was on a contract of 2 years or more with social insurance paid (（五）).
    hire_qualifies: bool = True


def age_on(birth_date: date, day: date) -> int:
    """Whole years on `day` (POLICY.md: ages on the date that matters)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def calculate(inputs: InternshipInputs, on: date | None = None) -> Result:
    errors = []
    if inputs.birth_date > inputs.start_date:
        errors.append(("birth_date", _("The birth date must be before the start date.")))
    county = County.objects.filter(code=inputs.county_code).first()
    if county is None:
        errors.append(("county_code", _("This is not a county of Tacheng Prefecture.")))
    if errors:
        raise InputErrors(errors)
    calc = Calc(POLICY, on or inputs.start_date)
    calc.cite(CLAUSE)
    min_months = calc.param("internship.min_months")
    max_months = calc.param("internship.max_months")
    min_age = calc.param("internship.min_age")
    max_age = calc.param("internship.max_age")
    host_share = calc.param("internship.host_share")
    wage_key = f"minimum_wage.tier_{county.wage_tier}"
    minimum_wage = calc.param(wage_key)

    age = age_on(inputs.birth_date, inputs.start_date)
    youth_ok = inputs.unemployed_youth and min_age <= age <= max_age
    calc.line(_("Age on the start date"), age)
    calc.line(_("Ages of unemployed youth"), f"{min_age}-{max_age}", parameter="internship.max_age")
    if not (inputs.unemployed_graduate or youth_ok):
        if inputs.unemployed_youth:
            failed = _("At %(age)s the intern is outside the ages %(min)s-%(max)s of unemployed youth.") % {
                "age": age,
                "min": min_age,
                "max": max_age,
            }
        else:
            failed = _("The intern is neither an unemployed graduate nor unemployed youth.")
        calc.fail(
            "not_in_target_group",
            failed,
            _("Internships are for graduates who left school unemployed and for unemployed youth aged %(min)s-%(max)s.")
            % {"min": min_age, "max": max_age},
            clause=CLAUSE,
        )
    months = inputs.months
    calc.line(_("Internship months"), months)
    calc.line(_("Internship length allowed (months)"), f"{min_months}-{max_months}", parameter="internship.max_months")
    if not min_months <= months <= max_months:
        calc.fail(
            "months_out_of_range",
            _("An internship of %(months)s months is outside %(min)s-%(max)s months.")
            % {"months": months, "min": min_months, "max": max_months},
            _("Plan an internship of %(min)s to %(max)s months.") % {"min": min_months, "max": max_months},
            clause=CLAUSE,
        )
    calc.line(_("County"), f"{county.display_name} ({county.code})")
    calc.line(_("Minimum wage of the county's tier per month"), minimum_wage, parameter=wage_key, money=True)
    least_pay = money(minimum_wage * host_share)
    calc.line(_("Host's least pay per month"), f"{least_pay:.2f}", parameter="internship.host_share", money=True)
    if inputs.host_monthly_pay < least_pay:
        calc.fail(
            "host_pay_too_low",
            _("The host pays %(pay)s a month, less than %(least)s.")
            % {"pay": inputs.host_monthly_pay, "least": least_pay},
            _("The host must pay at least %(least)s a month and buy accident insurance.") % {"least": least_pay},
            clause=CLAUSE,
        )
    allowance = minimum_wage
    hired = inputs.hired_after_months
    intern_months = months
    host_months = 0
    if hired is not None and hired < months:
        # "见习期间": the hire ends the internship, so the intern's allowance stops there.
        intern_months = hired
        if inputs.hire_qualifies and inputs.unemployed_graduate:
            host_months = months - hired
        else:
            calc.line(
                _(
                    "Remaining months not paid (hire without a contract of 2 years or more with social insurance, or "
                    "the intern is not a graduate)"
                ),
                months - hired,
                clause=CLAUSE,
            )
    to_intern = allowance * Decimal(intern_months)
    to_host = allowance * Decimal(host_months)
    calc.line(_("Living allowance per month (the minimum wage)"), allowance, parameter=wage_key, money=True)
    calc.line(_("Months paid to the intern"), intern_months, clause=CLAUSE)
    if host_months:
        calc.line(
            _("Remaining months paid to the host, which signed a contract of 2 years or more"),
            host_months,
            clause=CLAUSE,
        )
    eligible = not calc.reasons
    zero = Decimal("0.00")
    return calc.result(
        to_intern + to_host,
        monthly_allowance=money(allowance),
        to_intern=money(to_intern) if eligible else zero,
        to_host=money(to_host) if eligible else zero,
        age=age,
    )
