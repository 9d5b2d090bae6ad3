"""The claim sequence every measure shares: cross-check, calculate, store the result, submit; a returned claim
corrected and resubmitted; the cross-checks shown beside a case; an applicant's next step.

What is particular to a kind (its checks, its calculator, its answers) is asked of the kind's rules.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import (
    Person,
)
from registry.refusals import Refused
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors
from subsidies.cases.checks import Check, refuse_failed
from subsidies.cases.evidence import certificate_attach
from subsidies.cases.rules import kinds_where, rules_for
from subsidies.cases.states import EDITABLE, NEXT_STEP, S
from subsidies.cases.workflow import case_draft_save, case_submit
from subsidies.models import (
    Case,
    CaseState,
)


def as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def month_of(day: date) -> date:
    return day.replace(day=1)


def calculator_result(policy: str, data: dict[str, Any], *, on: date) -> dict[str, Any]:
    """The calculator's result as stored on a case; inputs it refuses refuse the claim."""
    try:
        return run(POLICIES[policy], data, on=on).as_dict()
    except InputErrors as exc:
        raise Refused(_("The amount cannot be worked out: %(errors)s") % {"errors": str(exc)}) from None


def calculation_store(case: Case, calculation: dict[str, Any] | None, checks: list[Check] | None = None) -> None:
    """Keep the calculator's result (and the cross-checks it was made with) on the case."""
    if calculation is not None and checks is not None:
        calculation = {**calculation, "checks": [c.as_dict() for c in checks]}
    case.calculation = calculation
    amount = calculation.get("amount") if calculation is not None else None
    case.calculated_amount = Decimal(amount) if amount is not None else None
    case.save(update_fields=["calculation", "calculated_amount", "updated_at"])


def person_lock(person: Person) -> Person:
    """Serialise the claims and registrations of one person, so two once-only checks never pass side by side."""
    return Person.objects.select_for_update().get(pk=person.pk)


def claim_submit(*, case: Case, token: uuid.UUID, actor: Any) -> Case:
    """Submit (or resubmit) an enterprise claim: its kind's cross-checks and calculation, then case_submit.

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
        refuse_failed(checks)
        calculation_store(case, calculation, checks)
        return case_submit(case=case, token=token, actor=actor)


def evaluate(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """The cross-checks and the calculation of an enterprise claim, from its facts as they are now."""
    rules = rules_for(case.kind)
    if rules.evaluate is None:
        return [], None
    return rules.evaluate(case)


def claim_resubmit(
    *, case: Case, data: dict[str, Any], bank_account: str, token: uuid.UUID, actor: Any, certificate: Any = None
) -> Case:
    """Resubmit a claim the caseworker returned: the corrected answers, the same cross-checks (this claim excepted)
    and a new calculation, as the kind's rules say. An empty bank account keeps the one on file; a certificate
    uploaded now is added to the files already kept. Idempotent like case_submit."""
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    if case.state != S.RETURNED:
        raise Refused(_("Only a claim returned for correction can be corrected."))
    rules = rules_for(case.kind)
    if rules.resubmit is None or case.person_id is None:
        raise Refused(_("This is not a resident's claim."))
    with transaction.atomic():
        person_lock(case.person)
        answers, calculation = rules.resubmit(case, data)
        case = case_draft_save(case=case, answers=answers, bank_account=bank_account or None, actor=actor)
        if rules.takes_certificate:
            certificate_attach(case=case, upload=certificate, actor=actor)
        calculation_store(case, calculation)
        return case_submit(case=case, token=token, actor=actor)


def claim_checks(case: Case) -> list[Check]:
    """The case's cross-checks, computed now from the registry (a later decision elsewhere shows up here)."""
    rules = rules_for(case.kind)
    if rules.checks is None or case.person_id is None or not case.answers:
        return []
    try:
        return rules.checks(case)
    except (KeyError, ValueError, Refused):
        return []


def next_step(case: Case) -> Any:
    final_step = rules_for(case.kind).final_step
    if case.state == S.FINAL and final_step is not None:
        return final_step
    if case.state == S.RETURNED and rules_for(case.kind).resubmit is not None:
        return gettext_lazy("Correct your claim as the caseworker asks, then resubmit it.")
    return NEXT_STEP[CaseState(case.state)]


def resident_claim_kinds() -> list[str]:
    """The kinds a resident claims in one step and may correct when returned (training, skill upgrade, loan)."""
    return kinds_where(lambda rules: rules.resubmit is not None)


def resident_claims(person: Person) -> list[Case]:
    """The person's submitted claims, newest first, each with `next_step` for the page."""
    cases = list(
        Case.objects.filter(person=person, enterprise__isnull=True, kind__in=resident_claim_kinds())
        .exclude(state=S.DRAFT)
        .select_related("county")
        .order_by("-submitted_at", "-id")
    )
    for case in cases:
        case.next_step = next_step(case)  # type: ignore[attr-defined]
    return cases


def person_cases(person: Person) -> list[Case]:
    """Every submitted case of the person (all policies), for the real-name file: the history of help.

    Includes the cases an enterprise made for the person (an internship claim names the intern)."""
    return list(
        Case.objects.filter(person=person)
        .exclude(state=S.DRAFT)
        .select_related("county", "enterprise")
        .order_by("-submitted_at")
    )
