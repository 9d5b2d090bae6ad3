"""（三） Guaranteed start-up loans 创业担保贷款: eligibility of an individual and of a small or micro enterprise, the
loan the bank granted, its interest subsidy by year, and the 1% reward to the handling institutions.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import county_scope
from registry.audit import audit_record
from registry.models import (
    County,
    Education,
    Enterprise,
    InsuranceYear,
    Person,
    RegistrationStatus,
    SizeClass,
)
from registry.permissions import MANAGE_PARAMETERS
from registry.refusals import Refused
from registry.services import registration_covering
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors, Result, clause
from subsidies.cases.checks import Check
from subsidies.cases.claims import calculation_store, calculator_result, person_lock
from subsidies.cases.queue import cases_visible_to
from subsidies.cases.states import EDITABLE, LIVE
from subsidies.cases.workflow import case_draft_new, case_draft_save, case_draft_start, case_submit
from subsidies.measures.m01_stable_job_refund import within_year
from subsidies.models import Case, CaseKind, CaseState, InterestSubsidyPayment, Loan
from subsidies.parameters import ParameterNotInForce, value_in_force

THREE = clause("（三）")

LOAN_CATEGORIES = {
    "registered_unemployed": gettext_lazy("Registered unemployed person"),
    "graduate": gettext_lazy("College graduate"),
    "other": gettext_lazy("Other qualifying person (veteran, returning migrant worker, disabled person, ...)"),
}


GRADUATE_EDUCATION = {Education.VOCATIONAL, Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE}


SMALL_OR_MICRO = (SizeClass.SMALL, SizeClass.MICRO)


def size_check(enterprise: Enterprise, code_clause: str) -> Check:
    ok = enterprise.size_class in SMALL_OR_MICRO
    return Check(
        "small_or_micro",
        gettext_lazy("Small or micro enterprise"),
        ok,
        _("The registry classes the enterprise as %(size)s.") % {"size": enterprise.get_size_class_display()}
        if ok
        else _("The registry classes the enterprise as %(size)s; only small and micro enterprises qualify.")
        % {"size": enterprise.get_size_class_display()},
        code_clause,
    )


def startup_loan_live(person: Person, *, exclude: int | None = None) -> Case | None:
    """The person's other eligibility case that is not rejected (one at a time)."""
    cases = Case.objects.filter(kind=CaseKind.STARTUP_LOAN, person=person, state__in=LIVE)
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.first()


def startup_loan_checks(*, person: Person, answers: dict[str, Any], exclude: int | None = None) -> list[Check]:
    """Is this individual a qualifying person (clause （三）)? What the registry says about the declared category."""
    category = answers["category"]
    today = timezone.localdate()
    if category == "registered_unemployed":
        registration = registration_covering(person, today, today)
        active = registration is not None and registration.status == RegistrationStatus.ACTIVE
        passed: bool | None = active
        reason = (
            _("Registered unemployed in %(county)s since %(day)s.")
            % {"county": registration.residence_county.display_name, "day": registration.registered_on.isoformat()}
            if active
            else _("No active unemployment registration: register where you live, or choose another category.")
        )
    elif category == "graduate":
        graduated = person.graduation_date is not None and person.education in GRADUATE_EDUCATION
        passed = True if graduated else None
        reason = (
            _("Graduated on %(day)s (%(education)s), as the registry records.")
            % {"day": person.graduation_date.isoformat(), "education": person.get_education_display()}
            if graduated
            else _("The registry does not record the graduation: check the diploma.")
        )
    else:
        passed = None
        reason = _("Declared: %(details)s. Check the documents.") % {"details": answers.get("category_details", "")}
    checks = [Check("qualifying_person", gettext_lazy("Qualifying person"), passed, reason, THREE)]
    other = startup_loan_live(person, exclude=exclude)
    checks.append(
        Check(
            "one_at_a_time",
            gettext_lazy("No other start-up loan request"),
            other is None,
            _("Another start-up loan request is open or certified (%(reference)s).") % {"reference": other.reference}
            if other
            else _("No other start-up loan request."),
            THREE,
        )
    )
    return checks


def startup_loan_calculate(answers: dict[str, Any], *, on: date | None = None) -> dict[str, Any]:
    """The loan that can be guaranteed for an individual. The interest subsidy is estimated at the capped rate:
    the loan recording uses the rate the bank actually grants."""
    on = on or timezone.localdate()
    try:
        rate = value_in_force("startup_loan.interest_rate_cap", on=on)
    except ParameterNotInForce:
        rate = Decimal("0")
    return calculator_result(
        "startup-loan",
        {
            "application_date": on.isoformat(),
            "applicant": "individual",
            "requested_amount": answers["requested_amount"],
            "annual_interest_rate": str(rate),
        },
        on=on,
    )


def _loan_answers(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "applicant": "individual",
        "category": data["category"],
        "category_details": data.get("category_details", "").strip(),
        "business_name": data["business_name"].strip(),
        "business_activity": data["business_activity"].strip(),
        "requested_amount": f"{Decimal(data['requested_amount']):.2f}",
        "application_date": timezone.localdate().isoformat(),
    }


def startup_loan_claim_submit(*, person: Person, data: dict[str, Any], token: uuid.UUID, actor: Any) -> Case:
    """An individual asks to be certified for a guaranteed start-up loan （三）; the caseworker's approval certifies it.

    Refused with the reason when another request of the person is open or certified, or when a registered
    unemployed person has no active registration.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    today = timezone.localdate()
    answers = _loan_answers(data)
    with transaction.atomic():
        person_lock(person)
        checks = startup_loan_checks(person=person, answers=answers)
        for check in checks:
            if check.failed:
                raise Refused(check.reason, field="category" if check.code == "qualifying_person" else None)
        calculation = startup_loan_calculate(answers, on=today)
        case = case_draft_new(
            kind=CaseKind.STARTUP_LOAN,
            year=today.year,
            county=person.residence_county,
            person=person,
            answers=answers,
            actor=actor,
        )
        calculation_store(case, calculation)
        return case_submit(case=case, token=token, actor=actor)


def current_staff_from_registry(enterprise: Enterprise) -> tuple[int, int] | None:
    """(insured staff, year) at the end of the enterprise's latest insurance year in the registry, if any."""
    row = InsuranceYear.objects.filter(enterprise=enterprise).order_by("-year").first()
    return (row.insured_at_end, row.year) if row else None


def staff_for_ratio(declared: Any, enterprise: Enterprise) -> tuple[Any, Check | None]:
    """（三） "达到企业目前在职职工人数25%": the staff the hiring share is measured against.

    The larger of the declared staff and the insured staff the registry reports (an enterprise cannot reach the
    share by declaring fewer staff than it insures; it may have more now than at the end of last year). The check
    tells the caseworker which figure was used."""
    registry = current_staff_from_registry(enterprise)
    if registry is None:
        return declared, Check(
            "current_staff_registry",
            gettext_lazy("Current staff against the registry"),
            None,
            _("The registry has no insured headcount for the enterprise: check the staff declared against payroll."),
            THREE,
        )
    insured, year = registry
    try:
        declared_n = int(declared)
    except (TypeError, ValueError):
        return declared, None
    used = max(declared_n, insured)
    if declared_n >= insured:
        reason = _("Declared %(declared)s staff; the registry had %(insured)s insured at the end of %(year)s.") % {
            "declared": declared_n,
            "insured": insured,
            "year": year,
        }
        passed: bool | None = True
    else:
        reason = _(
            "Declared %(declared)s staff, fewer than the %(insured)s insured at the end of %(year)s in the registry: "
            "the hiring share is measured against %(used)s."
        ) % {"declared": declared_n, "insured": insured, "year": year, "used": used}
        passed = None
    return used, Check(
        "current_staff_registry", gettext_lazy("Current staff against the registry"), passed, reason, THREE
    )


def startup_loan_enterprise_start(*, enterprise: Enterprise, year: int, answers: dict[str, Any], actor: Any) -> Case:
    case = case_draft_start(kind=CaseKind.STARTUP_LOAN, enterprise=enterprise, year=year, actor=actor)
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def startup_loan_enterprise_evaluate(*, case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """Small or micro (registry), hiring ratio against the registry's headcount when larger, and contracts
    (calculator), for the amount requested (（三）)."""
    answers = case.answers
    on = within_year(timezone.localdate(), case.year)
    checks = [size_check(case.enterprise, THREE)]
    staff, staff_check = staff_for_ratio(answers.get("current_staff"), case.enterprise)
    if staff_check is not None:
        checks.append(staff_check)
    inputs = {
        "application_date": on.isoformat(),
        "applicant": "enterprise",
        "requested_amount": answers.get("requested_amount"),
        "annual_interest_rate": str(value_in_force("startup_loan.interest_rate_cap", on=on)),
        "current_staff": staff,
        "new_qualifying_hires": answers.get("new_qualifying_hires"),
        "contract_years": answers.get("contract_years"),
    }
    try:
        result = run(POLICIES["startup-loan"], inputs, on=on)
    except InputErrors as exc:
        checks.append(Check("inputs", gettext_lazy("Figures of the application"), False, str(exc), THREE))
        return checks, None
    calculation = result.as_dict()
    reasons = {r.code: r for r in result.reasons}
    ratio = reasons.get("hiring_ratio_short")
    checks.append(
        Check(
            "hiring_ratio",
            gettext_lazy("New qualifying hires reach the share of current staff"),
            ratio is None,
            force_str(ratio.failed) if ratio else _("Hiring ratio %(ratio)s.") % {"ratio": calculation["hiring_ratio"]},
            THREE,
        )
    )
    short = reasons.get("contract_too_short")
    checks.append(
        Check(
            "contracts",
            gettext_lazy("Contracts of the new hires"),
            short is None,
            force_str(short.failed)
            if short
            else _("Shortest contract %(years)s year(s).") % {"years": answers.get("contract_years")},
            THREE,
        )
    )
    nothing = reasons.get("nothing_requested")
    if nothing:
        checks.append(Check("requested", gettext_lazy("Loan requested"), False, force_str(nothing.failed), THREE))
    return checks, calculation


# Officers record loans and payments (the bank's reports); there is no bank role (see the module docstring).
LOAN_PERMISSION = MANAGE_PARAMETERS


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
    return county_scope(user, loans, "county")


def certified_cases_visible_to(user: Any) -> QuerySet[Case]:
    """Final startup_loan cases (eligibility certified) the user may see, with or without a recorded loan."""
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


# --- What the workflow asks of this measure (subsidies.kinds) ------------------------------------------------------


def startup_loan_evaluate(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """An enterprise's request: its cross-checks and calculation (an individual's is checked at submission)."""
    return startup_loan_enterprise_evaluate(case=case)


def startup_loan_resubmit(case: Case, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An individual's returned request, corrected: the same checks (this request excepted), a new calculation."""
    answers = _loan_answers(data)
    for check in startup_loan_checks(person=case.person, answers=answers, exclude=case.pk):
        if check.failed:
            raise Refused(check.reason, field="category" if check.code == "qualifying_person" else None)
    return answers, startup_loan_calculate(answers)


def startup_loan_case_checks(case: Case) -> list[Check]:
    if case.answers.get("applicant") != "individual":
        return []
    return startup_loan_checks(person=case.person, answers=case.answers, exclude=case.pk)


STARTUP_LOAN_FINAL_STEP = gettext_lazy(
    "Certified. Take the notice to the handling bank; the loan it grants is recorded here with its interest subsidy."
)
