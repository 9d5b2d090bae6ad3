"""Enterprise claims: internship base and interns (五), start-up loan eligibility (三), in-job training (六) and the
financing-guarantee referral (二).

Each claim is a Case (subsidies.cases does the states, audit and notices). This module adds what is particular to
each kind: the facts the enterprise gives, the cross-checks against the registry (shown to the applicant before it
submits and to the caseworker beside the case, each passed or failed with its reason and clause) and the
calculator's result stored on the case when it is submitted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import audit_record
from registry.identifiers import parse_id_number
from registry.models import Enterprise, InsuranceYear, Person, SizeClass
from registry.refusals import Refused
from registry.services import person_find_by_id_number, person_register
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import PLAN, InputErrors, clause
from subsidies.cases import (
    ON_TRANSITION,
    calculation_date,
    case_draft_new,
    case_draft_save,
    case_draft_start,
    case_submit,
    hardship_list_includes,
)
from subsidies.models import (
    Case,
    CaseKind,
    CaseState,
    GuaranteeReferral,
    InternCategory,
    InternshipPlacement,
    ReferralState,
)
from subsidies.parameters import value_in_force

S = CaseState
EDITABLE = (S.DRAFT, S.RETURNED)
SMALL_OR_MICRO = (SizeClass.SMALL, SizeClass.MICRO)
# Clause (六) is limited to 2019 by the plan itself (not a local sample value).
IN_JOB_TRAINING_YEAR = 2019
# The government financing-guarantee company of the prefecture (clause (二)); synthetic name.
GUARANTEE_COMPANY = "塔城地区政府性融资担保有限公司"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Check:
    """One cross-check against the registry or the rules: passed or failed, and why, with its clause."""

    code: str
    label: Any
    passed: bool
    reason: Any
    clause: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": force_str(self.label),
            "passed": self.passed,
            "reason": force_str(self.reason),
            "clause": self.clause,
        }


def _failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


def _refuse_failed(checks: list[Check]) -> None:
    failed = _failed(checks)
    if failed:
        raise Refused(" ".join(force_str(c.reason) for c in failed))


def _size_check(enterprise: Enterprise, code_clause: str) -> Check:
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


def _store_calculation(case: Case, calculation: dict[str, Any], checks: list[Check]) -> None:
    calculation = {**calculation, "checks": [c.as_dict() for c in checks]}
    case.calculation = calculation
    case.calculated_amount = Decimal(calculation["amount"]) if calculation.get("amount") is not None else None
    case.save(update_fields=["calculation", "calculated_amount", "updated_at"])


def claim_submit(*, case: Case, token: uuid.UUID, actor: Any) -> Case:
    """Submit (or resubmit) an enterprise claim: checks it, stores the calculator's result, then case_submit.

    A failed cross-check refuses the submission with its reason (nothing changes). Idempotent like case_submit.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state not in EDITABLE:
            raise Refused(_("This application has been submitted and can no longer be changed."))
        checks, calculation = evaluate(case)
        _refuse_failed(checks)
        if calculation is not None:
            _store_calculation(case, calculation, checks)
        else:
            case.calculation = None
            case.save(update_fields=["calculation", "updated_at"])
        return case_submit(case=case, token=token, actor=actor)


def evaluate(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """The cross-checks and the calculation of a claim, from its facts as they are now."""
    if case.kind == CaseKind.INTERNSHIP_BASE:
        return internship_base_checks(enterprise=case.enterprise), None
    if case.kind == CaseKind.INTERNSHIP:
        return internship_evaluate(case=case)
    if case.kind == CaseKind.STARTUP_LOAN:
        return startup_loan_enterprise_evaluate(case=case)
    if case.kind == CaseKind.IN_JOB_TRAINING:
        return in_job_training_evaluate(case=case)
    if case.kind == CaseKind.GUARANTEE_REFERRAL:
        return guarantee_referral_checks(enterprise=case.enterprise), None
    raise ValueError(f"not an enterprise claim: {case.kind}")


# --- Internship base and interns (五) ------------------------------------------------------------------------

FIVE = clause("五")


def internship_base_approved(*, enterprise: Enterprise) -> Case | None:
    """The enterprise's final internship-base registration, if any."""
    return (
        Case.objects.filter(kind=CaseKind.INTERNSHIP_BASE, enterprise=enterprise, state=S.FINAL)
        .order_by("-finalised_at", "-id")
        .first()
    )


def internship_base_checks(*, enterprise: Enterprise) -> list[Check]:
    return []


def internship_base_start(*, enterprise: Enterprise, answers: dict[str, Any], actor: Any) -> Case:
    """The host's registration as an internship base (one live per year), saved as a draft with its answers."""
    case = case_draft_start(
        kind=CaseKind.INTERNSHIP_BASE,
        enterprise=enterprise,
        year=calculation_date(timezone.localdate().year).year,
        actor=actor,
    )
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def intern_find_or_register(*, id_number: str, name: str, county: Any, actor: Any) -> Person:
    """The intern in the registry, found by the blind index of the ID number, or added (the number is validated)."""
    parsed = parse_id_number(id_number)
    person = person_find_by_id_number(parsed.number)
    if person is not None:
        return person
    return person_register(id_number=parsed.number, name=name, residence_county=county, actor=actor)


def internship_claim_save(
    *,
    enterprise: Enterprise,
    actor: Any,
    id_number: str,
    intern_name: str,
    category: str,
    start_date: date,
    months: int,
    host_monthly_pay: Decimal,
    accident_policy_number: str,
    hired_after_months: int | None = None,
    contract_years: int | None = None,
    social_insurance: bool = False,
    case: Case | None = None,
) -> Case:
    """Start (case None) or change an internship claim for one intern; the facts go to its InternshipPlacement.

    The host applies (case.enterprise), and the case also names the intern (case.person), so the claim appears in
    the intern's real-name file with its amount (issue 7). It is not the intern's own application: the resident's
    pages list only cases without an enterprise.
    """
    with transaction.atomic():
        intern = intern_find_or_register(id_number=id_number, name=intern_name, county=enterprise.county, actor=actor)
        facts = {
            "intern": intern,
            "category": category,
            "start_date": start_date,
            "months": months,
            "host_monthly_pay": host_monthly_pay,
            "accident_policy_number": accident_policy_number.strip(),
            "hired_after_months": hired_after_months,
            "contract_years": contract_years,
            "social_insurance": social_insurance,
        }
        # Answers hold masked values only: what the applicant and the caseworker read back.
        answers = {
            "intern_name": intern.name,
            "intern_id_number": intern.id_number_masked,
            "category": category,
            "start_date": start_date.isoformat(),
            "months": months,
            "host_monthly_pay": f"{host_monthly_pay:.2f}",
            "accident_policy_number": facts["accident_policy_number"],
            "hired_after_months": hired_after_months,
            "contract_years": contract_years,
            "social_insurance": social_insurance,
        }
        if case is None:
            case = case_draft_new(
                kind=CaseKind.INTERNSHIP,
                year=start_date.year,
                county=enterprise.county,
                enterprise=enterprise,
                person=intern,
                answers=answers,
                actor=actor,
            )
            InternshipPlacement.objects.create(case=case, **facts)
        else:
            case = case_draft_save(case=case, answers=answers, actor=actor)
            InternshipPlacement.objects.update_or_create(case=case, defaults=facts)
            Case.objects.filter(pk=case.pk).update(year=start_date.year, person=intern)
            case.refresh_from_db()
    return case


def internship_inputs(placement: InternshipPlacement, county_code: str) -> dict[str, Any]:
    early_hire = (
        placement.hired_after_months is not None and (placement.contract_years or 0) >= 2 and placement.social_insurance
    )
    inputs: dict[str, Any] = {
        "start_date": placement.start_date.isoformat(),
        "birth_date": placement.intern.birth_date.isoformat(),
        "unemployed_graduate": placement.category == InternCategory.GRADUATE,
        "unemployed_youth": placement.category == InternCategory.YOUTH,
        "months": placement.months,
        "county_code": county_code,
        "host_monthly_pay": f"{placement.host_monthly_pay:.2f}",
    }
    if early_hire:
        inputs["hired_after_months"] = placement.hired_after_months
    return inputs


def internship_evaluate(*, case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """Base approved, the intern's category and age, months, host pay and early hire, through the calculator."""
    placement = InternshipPlacement.objects.select_related("intern").get(case=case)
    enterprise = case.enterprise
    base = internship_base_approved(enterprise=enterprise)
    checks = [
        Check(
            "base_approved",
            gettext_lazy("Registered internship base"),
            base is not None,
            _("Registered as an internship base (%(ref)s).") % {"ref": base.reference}
            if base
            else _("The enterprise is not yet an approved internship base: register as a base first."),
            FIVE,
        )
    ]
    try:
        result = run(POLICIES["internship"], internship_inputs(placement, case.county.code))
    except InputErrors as exc:
        checks.append(Check("inputs", gettext_lazy("Facts of the internship"), False, str(exc), FIVE))
        return checks, None
    calculation = result.as_dict()
    reasons = {r.code: r for r in result.reasons}
    age = calculation.get("age")
    group = reasons.get("not_in_target_group")
    checks.append(
        Check(
            "target_group",
            gettext_lazy("Intern's category and age"),
            group is None,
            force_str(group.failed)
            if group
            else _("%(category)s, aged %(age)s on the start date.")
            % {"category": InternCategory(placement.category).label, "age": age},
            FIVE,
        )
    )
    months = reasons.get("months_out_of_range")
    checks.append(
        Check(
            "months",
            gettext_lazy("Length of the internship"),
            months is None,
            force_str(months.failed) if months else _("%(n)s months.") % {"n": placement.months},
            FIVE,
        )
    )
    pay = reasons.get("host_pay_too_low")
    checks.append(
        Check(
            "host_pay",
            gettext_lazy("Host pays at least half the county's minimum wage"),
            pay is None,
            force_str(pay.failed)
            if pay
            else _("The host pays %(pay)s a month.") % {"pay": f"{placement.host_monthly_pay:.2f}"},
            FIVE,
        )
    )
    checks.append(
        Check(
            "accident_insurance",
            gettext_lazy("Accident insurance bought by the host"),
            bool(placement.accident_policy_number),
            _("Policy %(number)s.") % {"number": placement.accident_policy_number}
            if placement.accident_policy_number
            else _("Enter the accident-insurance policy number."),
            FIVE,
        )
    )
    if placement.hired_after_months is not None:
        early = (placement.contract_years or 0) >= 2 and placement.social_insurance
        checks.append(
            Check(
                "early_hire",
                gettext_lazy("Early hire: contract of 2 years or more with social insurance"),
                True,
                _("The remaining months go to the host.")
                if early
                else _(
                    "Without a contract of 2 years or more and social insurance the remaining months are not paid "
                    "to the host; the intern's months count as given."
                ),
                FIVE,
            )
        )
    return checks, calculation


# --- Start-up loan eligibility of a small or micro enterprise (三) ------------------------------------------

THREE = clause("三")


def current_staff_from_registry(enterprise: Enterprise) -> int | None:
    row = InsuranceYear.objects.filter(enterprise=enterprise).order_by("-year").first()
    return row.insured_at_end if row else None


def startup_loan_enterprise_start(*, enterprise: Enterprise, year: int, answers: dict[str, Any], actor: Any) -> Case:
    case = case_draft_start(kind=CaseKind.STARTUP_LOAN, enterprise=enterprise, year=year, actor=actor)
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def startup_loan_enterprise_evaluate(*, case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """Small or micro (registry), hiring ratio and contracts (calculator), for the amount requested."""
    answers = case.answers
    on = calculation_date(case.year)
    checks = [_size_check(case.enterprise, THREE)]
    inputs = {
        "application_date": on.isoformat(),
        "applicant": "enterprise",
        "requested_amount": answers.get("requested_amount"),
        "annual_interest_rate": str(value_in_force("startup_loan.interest_rate_cap", on=on)),
        "current_staff": answers.get("current_staff"),
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


# --- In-job training support for hardship enterprises (六) -------------------------------------------------

SIX = clause("六")


def in_job_training_start(*, enterprise: Enterprise, answers: dict[str, Any], actor: Any) -> Case:
    case = case_draft_start(
        kind=CaseKind.IN_JOB_TRAINING, enterprise=enterprise, year=IN_JOB_TRAINING_YEAR, actor=actor
    )
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def in_job_training_evaluate(*, case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """Hardship list of 2019; shortfall = training costs - employee education fund (never below 0)."""
    answers = case.answers
    listed = hardship_list_includes(enterprise=case.enterprise, year=IN_JOB_TRAINING_YEAR)
    checks = [
        Check(
            "hardship_list",
            gettext_lazy("Recognised hardship enterprise (final hardship list of 2019)"),
            listed,
            _("On the final hardship list of 2019.")
            if listed
            else _(
                "The enterprise is not on a final hardship list of 2019: only recognised hardship enterprises qualify."
            ),
            SIX,
        ),
        Check(
            "window",
            gettext_lazy("Training in 2019"),
            case.year == IN_JOB_TRAINING_YEAR,
            _("In-job training support covers 2019 only."),
            SIX,
        ),
    ]
    try:
        costs = Decimal(str(answers.get("training_costs")))
        fund = Decimal(str(answers.get("education_fund")))
    except ArithmeticError:
        checks.append(Check("inputs", gettext_lazy("Figures"), False, _("Enter the costs and the fund."), SIX))
        return checks, None
    shortfall = max(Decimal(0), costs - fund)
    eligible = all(c.passed for c in checks) and shortfall > 0
    reasons = []
    if shortfall <= 0:
        failed = _("The employee education fund covers the training costs: there is no shortfall.")
        checks.append(Check("shortfall", gettext_lazy("Shortfall"), False, failed, SIX))
        reasons.append({"code": "no_shortfall", "failed": failed, "fix": "", "clause": SIX})
    amount = shortfall.quantize(CENT, rounding=ROUND_HALF_UP) if eligible else Decimal("0.00")
    calculation = {
        "policy": "in-job-training",
        "as_of": date(IN_JOB_TRAINING_YEAR, 12, 31).isoformat(),
        "eligible": eligible,
        "amount": f"{amount:.2f}",
        "currency": "CNY",
        "breakdown": [
            {"label": _("Training costs (yuan)"), "value": f"{costs:.2f}", "parameter": None, "clause": None},
            {"label": _("Employee education fund (yuan)"), "value": f"{fund:.2f}", "parameter": None, "clause": None},
            {"label": _("Shortfall (yuan)"), "value": f"{amount:.2f}", "parameter": None, "clause": SIX},
        ],
        "reasons": reasons,
        "citations": [SIX],
        "parameters": [],
    }
    return checks, calculation


# --- Financing-guarantee referral (二) ----------------------------------------------------------------------

TWO = clause("二")


def guarantee_referral_checks(*, enterprise: Enterprise) -> list[Check]:
    listed = enterprise.on_quality_list
    return [
        Check(
            "quality_list",
            gettext_lazy("On the quality-enterprise list (名优企业名录)"),
            listed,
            _("On the quality-enterprise list.")
            if listed
            else _("The enterprise is not on the quality-enterprise list, so it cannot be referred."),
            TWO,
        ),
        _size_check(enterprise, TWO),
    ]


def guarantee_referral_start(*, enterprise: Enterprise, answers: dict[str, Any], actor: Any) -> Case:
    case = case_draft_start(
        kind=CaseKind.GUARANTEE_REFERRAL, enterprise=enterprise, year=timezone.localdate().year, actor=actor
    )
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def referral_on_transition(case: Case, name: str) -> None:
    """ON_TRANSITION hook: an approved (final) referral request is recorded as referred to the guarantee company."""
    if case.kind != CaseKind.GUARANTEE_REFERRAL or name != "finalise":
        return
    referral, created = GuaranteeReferral.objects.get_or_create(
        case=case, defaults={"guarantee_company": GUARANTEE_COMPANY, "referred_on": timezone.localdate()}
    )
    if created:
        audit_record(
            actor=None,
            action="referral_create",
            target=referral,
            after={"state": referral.state, "case": case.pk, "guarantee_company": referral.guarantee_company},
        )


def referral_respond(*, referral: GuaranteeReferral, accepted: bool, responded_on: date, note: str, actor: Any) -> Any:
    """The guarantee company's answer, recorded by the county or an officer: accepted or declined, date, note."""
    from subsidies.cases import DECIDE_PERMISSION, VIEW_ALL_PERMISSION

    if not actor.has_perm(DECIDE_PERMISSION):
        raise Refused(_("Your role cannot record the guarantee company's answer."))
    with transaction.atomic():
        referral = GuaranteeReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        if not actor.has_perm(VIEW_ALL_PERMISSION) and actor.county_id != referral.case.county_id:
            raise Refused(_("This case belongs to another county's queue."))
        if referral.state != ReferralState.REFERRED:
            raise Refused(_("The guarantee company's answer is already recorded."))
        if responded_on < referral.referred_on:
            raise Refused(_("The answer cannot come before the referral."), field="responded_on")
        if responded_on > timezone.localdate():
            raise Refused(_("The date cannot be in the future."), field="responded_on")
        before = referral.state
        referral.state = ReferralState.ACCEPTED if accepted else ReferralState.DECLINED
        referral.responded_on = responded_on
        referral.note = note.strip()
        referral.save()
        audit_record(
            actor=actor,
            action="referral_respond",
            target=referral,
            before={"state": before},
            after={"state": referral.state, "responded_on": responded_on.isoformat()},
            reason=referral.note,
        )
    return referral


def register_hooks() -> None:
    if referral_on_transition not in ON_TRANSITION:
        ON_TRANSITION.append(referral_on_transition)


register_hooks()

__all__ = ["IN_JOB_TRAINING_YEAR", "PLAN", "Check", "claim_submit", "evaluate"]
