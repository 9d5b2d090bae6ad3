"""Guaranteed start-up loans after certification (clause (三)): the loan granted, its interest-subsidy schedule,
the subsidy payments, and the 1% reward per county and year to the handling institutions.

A loan is recorded against a final (certified) startup_loan case, of a person or of an enterprise. No bank role
exists in the portal, so a prefecture officer records what the handling bank reports (LOAN_PERMISSION).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.models import County
from registry.refusals import Refused
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors, Result
from subsidies.cases import VIEW_ALL_PERMISSION
from subsidies.models import Case, CaseKind, CaseState, InterestSubsidyPayment, Loan

# Officers record loans and payments (the bank's reports); there is no bank role (see the module docstring).
LOAN_PERMISSION = "portal.manage_parameters"


def _anniversary(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class ScheduleYear:
    year: int
    starts_on: date
    ends_on: date
    subsidy: Decimal
    paid: Decimal

    @property
    def open(self) -> Decimal:
        return max(Decimal("0.00"), self.subsidy - self.paid)


def loans_visible_to(user: Any) -> QuerySet[Loan]:
    """Back-office scoping, as cases: caseworkers their county's loans, officers and auditors all."""
    loans = Loan.objects.select_related("case", "county", "case__enterprise", "case__person", "recorded_by")
    if user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION):
        return loans
    return loans.filter(county_id=user.county_id) if user.county_id else loans.none()


def certified_cases_visible_to(user: Any) -> QuerySet[Case]:
    """Final startup_loan cases (eligibility certified) the user may see, with or without a recorded loan."""
    from subsidies.cases import cases_visible_to

    return cases_visible_to(user).filter(kind=CaseKind.STARTUP_LOAN, state=CaseState.FINAL)


def certified_amount(case: Case) -> Decimal | None:
    return case.approved_amount if case.approved_amount is not None else case.calculated_amount


def loan_record(
    *,
    case: Case,
    lender: str,
    amount: Decimal,
    granted_on: date,
    annual_rate: Decimal,
    term_months: int,
    actor: Any,
) -> Loan:
    """Record the loan a bank granted on a certified case: once per case, not above the certified amount."""
    if not actor.has_perm(LOAN_PERMISSION):
        raise Refused(_("Only prefecture officers record loans."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.kind != CaseKind.STARTUP_LOAN or case.state != CaseState.FINAL:
            raise Refused(_("A loan can be recorded only on a certified start-up loan case."))
        if Loan.objects.filter(case=case).exists():
            raise Refused(_("The loan of this case is already recorded."))
        if not lender.strip():
            raise Refused(_("Enter the lending bank."), field="lender")
        if amount <= 0:
            raise Refused(_("Enter the amount granted."), field="amount")
        ceiling = certified_amount(case)
        if ceiling is not None and amount > ceiling:
            raise Refused(
                _("The amount is above the %(amount)s yuan certified for this case.") % {"amount": ceiling},
                field="amount",
            )
        if granted_on > timezone.localdate():
            raise Refused(_("The date cannot be in the future."), field="granted_on")
        if granted_on.year < case.year:
            raise Refused(_("The loan cannot be granted before the year certified."), field="granted_on")
        if not Decimal(0) <= annual_rate <= Decimal(1):
            raise Refused(_("Enter a rate between 0 and 100%."), field="annual_rate")
        if term_months < 1:
            raise Refused(_("Enter the term in months."), field="term_months")
        loan = Loan.objects.create(
            case=case,
            county=case.county,
            lender=lender.strip(),
            amount=amount,
            granted_on=granted_on,
            annual_rate=annual_rate,
            term_months=term_months,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="loan_record",
            target=loan,
            after={
                "case": case.pk,
                "lender": loan.lender,
                "amount": str(amount),
                "granted_on": granted_on.isoformat(),
                "annual_rate": str(annual_rate),
                "term_months": term_months,
            },
        )
    return loan


def loan_calculation(loan: Loan) -> Result:
    """The calculator on the loan actually granted: the subsidised rate and the subsidy of years 1 to 3."""
    case = loan.case
    inputs: dict[str, Any] = {
        "application_date": loan.granted_on.isoformat(),
        "applicant": "enterprise" if case.enterprise_id and not case.person_id else "individual",
        "requested_amount": f"{loan.amount:.2f}",
        "annual_interest_rate": str(loan.annual_rate),
    }
    if inputs["applicant"] == "enterprise":
        for key in ("current_staff", "new_qualifying_hires", "contract_years"):
            inputs[key] = case.answers.get(key)
    return run(POLICIES["startup-loan"], inputs, on=loan.granted_on)


def loan_schedule(loan: Loan) -> list[ScheduleYear]:
    """Years 1-3 of the loan (within its term): the subsidy the calculator gives and what was paid so far."""
    result = loan_calculation(loan)
    paid = {
        row["loan_year"]: row["total"]
        for row in loan.payments.values("loan_year").annotate(total=Sum("amount")).order_by()
    }
    years = min(3, -(-loan.term_months // 12))
    schedule = []
    for item in result.extra["interest_subsidy"][:years]:
        n = item["year"]
        start = _anniversary(loan.granted_on, n - 1)
        schedule.append(
            ScheduleYear(
                year=n,
                starts_on=start,
                ends_on=_anniversary(loan.granted_on, n) - timedelta(days=1),
                subsidy=item["amount"],
                paid=paid.get(n, Decimal("0.00")),
            )
        )
    return schedule


def interest_payment_record(
    *, loan: Loan, loan_year: int, period_from: date, period_to: date, amount: Decimal, paid_on: date, actor: Any
) -> InterestSubsidyPayment:
    """Record one interest-subsidy payment: inside a subsidised loan year, never above that year's subsidy."""
    if not actor.has_perm(LOAN_PERMISSION):
        raise Refused(_("Only prefecture officers record interest-subsidy payments."))
    with transaction.atomic():
        loan = Loan.objects.select_for_update().select_related("case").get(pk=loan.pk)
        schedule = {y.year: y for y in loan_schedule(loan)}
        year = schedule.get(loan_year)
        if year is None:
            raise Refused(_("The loan has no year %(n)s.") % {"n": loan_year}, field="loan_year")
        if year.subsidy <= 0:
            raise Refused(
                _("Year %(n)s of the loan is not subsidised (guarantee only).") % {"n": loan_year}, field="loan_year"
            )
        if period_to < period_from:
            raise Refused(_("The period ends before it starts."), field="period_to")
        if period_from < year.starts_on or period_to > year.ends_on:
            raise Refused(
                _("Year %(n)s of the loan runs from %(start)s to %(end)s: the period must lie within it.")
                % {"n": loan_year, "start": year.starts_on, "end": year.ends_on},
                field="period_from",
            )
        if amount <= 0:
            raise Refused(_("Enter the amount paid."), field="amount")
        if year.paid + amount > year.subsidy:
            raise Refused(
                _("That is more than the %(open)s yuan still open of year %(n)s's subsidy.")
                % {"open": year.open, "n": loan_year},
                field="amount",
            )
        if paid_on > timezone.localdate():
            raise Refused(_("The date cannot be in the future."), field="paid_on")
        payment = InterestSubsidyPayment.objects.create(
            loan=loan,
            loan_year=loan_year,
            period_from=period_from,
            period_to=period_to,
            amount=amount,
            paid_on=paid_on,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="interest_payment_record",
            target=loan,
            after={
                "payment": payment.pk,
                "loan_year": loan_year,
                "period": f"{period_from.isoformat()}..{period_to.isoformat()}",
                "amount": str(amount),
                "paid_on": paid_on.isoformat(),
            },
        )
    return payment


def county_new_loans_total(*, county: County, year: int) -> Decimal:
    total = Loan.objects.filter(county=county, granted_on__year=year).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def loan_reward(*, county: County, year: int) -> dict[str, Any]:
    """The reward to the handling institutions: 1% (parameter) of the county's recorded new loans of the year."""
    total = county_new_loans_total(county=county, year=year)
    on = date(year, 12, 31)
    try:
        result = run(
            POLICIES["loan-reward"], {"application_date": on.isoformat(), "county_new_loans_total": f"{total:.2f}"}
        )
    except InputErrors as exc:
        return {"county": county, "year": year, "total": total, "error": str(exc), "result": None}
    return {"county": county, "year": year, "total": total, "error": "", "result": result.as_dict()}


def loan_rewards(*, year: int, counties: QuerySet[County]) -> list[dict[str, Any]]:
    return [loan_reward(county=c, year=year) for c in counties.order_by("code")]
