"""（五） Internship subsidy 就业见习: the internship base the county approves, and the claim for each intern."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.identifiers import parse_id_number
from registry.models import Enterprise, Person
from registry.services import person_find_by_id_number, person_register
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors, clause
from subsidies.cases.checks import Check
from subsidies.cases.states import EDITABLE, S
from subsidies.cases.workflow import case_draft_new, case_draft_save, case_draft_start
from subsidies.models import (
    Case,
    CaseKind,
    InternCategory,
    InternshipPlacement,
)

FIVE = clause("（五）")


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
        year=timezone.localdate().year,
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
    if placement.hired_after_months is not None:
        # The hire ends the internship whatever the contract; only a qualifying one moves the rest to the host.
        inputs["hired_after_months"] = placement.hired_after_months
        inputs["hire_qualifies"] = early_hire
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
        if early and placement.category == InternCategory.GRADUATE:
            said = _("The remaining months go to the host.")
        elif early:
            said = _(
                "The remaining months go to the host only for a graduate intern (见习毕业生); the intern is paid the "
                "months before the hire."
            )
        else:
            said = _(
                "Without a contract of 2 years or more and social insurance the remaining months are not paid; the "
                "intern is paid the months before the hire."
            )
        checks.append(
            Check(
                "early_hire",
                gettext_lazy("Early hire: contract of 2 years or more with social insurance"),
                True,
                said,
                FIVE,
            )
        )
    return checks, calculation


def internship_base_evaluate(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    return internship_base_checks(enterprise=case.enterprise), None


def internship_evaluate_case(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    return internship_evaluate(case=case)
