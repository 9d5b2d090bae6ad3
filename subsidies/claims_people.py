"""Residents' claims: training subsidy and living allowance (七), skill-upgrade subsidy (八), and the eligibility of
an individual for a guaranteed start-up loan (三).

Each claim is a Case (subsidies.cases) submitted in one step by a signed-in resident. The portal checks what the
registry knows (unemployment registration, employment-difficult recognition, benefit periods, insurance months,
earlier claims) and shows each cross-check as passed or failed with its reason and clause; amounts always come from
the calculators (subsidies.calculators). The once-only rules are enforced twice: at submission (the claim is refused
with the reason) and again when a caseworker approves (an ON_TRANSITION hook, under a lock on the person), because
another claim may have been approved in between.

The loan actually granted, its interest-subsidy schedule and payments are recorded on the certified `startup_loan`
case by the enterprise-claims module (loan recording); this module ends with that certified case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import (
    BenefitPeriod,
    DifficultyCategory,
    DifficultyRecognition,
    Education,
    Person,
    RegistrationStatus,
    UnemploymentRegistration,
)
from registry.refusals import Refused
from subsidies import cases as case_services
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors, clause
from subsidies.cases import NEXT_STEP, case_draft_new, case_draft_save, case_submit
from subsidies.models import Case, CaseKind, CaseState
from subsidies.parameters import ParameterNotInForce, value_in_force
from subsidies.residents import evidence_add

S = CaseState
K = CaseKind
CLAUSE_3 = clause("三")
CLAUSE_7 = clause("七")
CLAUSE_8 = clause("八")
CLAUSE_9 = clause("九")

RESIDENT_KINDS = (K.TRAINING_SUBSIDY, K.LIVING_ALLOWANCE, K.SKILL_UPGRADE, K.STARTUP_LOAN)
# A claim counts as made (for once-only rules) from submission on, unless it was rejected.
LIVE_STATES = (S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED, S.APPROVED, S.ON_NOTICE, S.FINAL)
GRANTED_STATES = (S.APPROVED, S.ON_NOTICE, S.FINAL)

TRAINING_TYPES = {
    "employment_skills": gettext_lazy("Employment skills training"),
    "entrepreneurship": gettext_lazy("Entrepreneurship training"),
}
CERTIFICATE_LEVELS = {
    "junior": gettext_lazy("Junior (初级, level 5)"),
    "intermediate": gettext_lazy("Intermediate (中级, level 4)"),
    "senior": gettext_lazy("Senior (高级, level 3)"),
}
LOAN_CATEGORIES = {
    "registered_unemployed": gettext_lazy("Registered unemployed person"),
    "graduate": gettext_lazy("College graduate"),
    "other": gettext_lazy("Other qualifying person (veteran, returning migrant worker, disabled person, ...)"),
}
GRADUATE_EDUCATION = {Education.VOCATIONAL, Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE}
# Employment-difficult categories (clause (九)) as the living-allowance calculator names them (clause (七)).
CALCULATOR_CATEGORY = {
    DifficultyCategory.ZERO_EMPLOYMENT_FAMILY: "zero_employment_family",
    DifficultyCategory.LOW_INCOME_UNEMPLOYED: "low_income_family",
    DifficultyCategory.DISABLED_UNEMPLOYED: "disabled",
}
PERSON_FLAGS = (
    ("zero_employment_family", "zero_employment_family", gettext_lazy("zero-employment family")),
    ("low_income_family", "low_income_family", gettext_lazy("minimum-living-allowance (低保) family")),
    ("is_disabled", "disabled", gettext_lazy("disabled person")),
    ("de_capacity_worker", "de_capacity_worker", gettext_lazy("worker from a de-capacity enterprise")),
)


@dataclass(frozen=True)
class Check:
    """One cross-check against the registry: passed (True), failed (False) or for the caseworker to verify (None)."""

    code: str
    label: Any
    passed: bool | None
    reason: str
    clause: str

    @property
    def failed(self) -> bool:
        return self.passed is False


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _month(day: date) -> date:
    return day.replace(day=1)


def _failed_reasons(checks: list[Check]) -> str:
    return " ".join(c.reason for c in checks if c.failed)


# Evidence.purpose of the certificate a resident uploads with a training or skill-upgrade claim.
CERTIFICATE = "certificate"
CERTIFICATE_KINDS = (K.TRAINING_SUBSIDY, K.SKILL_UPGRADE)


def certificate_attach(*, case: Case, upload: Any, actor: Any) -> None:
    """Keep the uploaded certificate with the claim (the resident journey's evidence: PDF, JPEG or PNG by content,
    at most 5 MB). Called inside the claim's transaction, before it is submitted: a refused file refuses the claim,
    with the reason next to the upload field, and nothing is kept."""
    if upload is None:
        return
    try:
        evidence_add(case=case, purpose=CERTIFICATE, upload=upload, actor=actor)
    except Refused as refused:
        raise Refused(str(refused), field="certificate_file") from None


def _result(policy: str, data: dict[str, Any], *, on: date) -> dict[str, Any]:
    try:
        return run(POLICIES[policy], data, on=on).as_dict()
    except InputErrors as exc:
        raise Refused(_("The amount cannot be worked out: %(errors)s") % {"errors": str(exc)}) from None


def _store_calculation(case: Case, calculation: dict[str, Any]) -> None:
    case.calculation = calculation
    case.calculated_amount = Decimal(calculation["amount"])
    case.save(update_fields=["calculation", "calculated_amount", "updated_at"])


def _lock_person(person: Person) -> None:
    Person.objects.select_for_update().filter(pk=person.pk).first()


# --- Registry facts -------------------------------------------------------------------------------------------


def registration_covering(person: Person, start: date, end: date) -> UnemploymentRegistration | None:
    """The unemployment registration that covers every day from start to end (clause (九))."""
    return (
        UnemploymentRegistration.objects.filter(person=person, registered_on__lte=start)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=end))
        .select_related("residence_county")
        .first()
    )


def recognition_on(person: Person, day: date) -> DifficultyRecognition | None:
    """The employment-difficult recognition in force on `day`."""
    return (
        DifficultyRecognition.objects.filter(person=person, recognised_on__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .first()
    )


def difficulty_grounds(person: Person, day: date) -> tuple[list[str], list[str]]:
    """(calculator categories, words for the reason): recognition on `day` and the person's registry flags."""
    categories: list[str] = []
    words: list[str] = []
    recognition = recognition_on(person, day)
    if recognition is not None:
        for value in recognition.categories:
            categories.append(CALCULATOR_CATEGORY.get(value, "other_employment_difficult"))
        labels = [str(DifficultyCategory(v).label) for v in recognition.categories if v in DifficultyCategory.values]
        words.append(
            _("recognised as employment-difficult on %(day)s (%(categories)s)")
            % {"day": recognition.recognised_on.isoformat(), "categories": "; ".join(labels) or "—"}
        )
        if not recognition.categories:
            categories.append("other_employment_difficult")
    for attribute, category, label in PERSON_FLAGS:
        if getattr(person, attribute):
            categories.append(category)
            words.append(str(label))
    return sorted(set(categories))[:5], words


def benefit_overlapping(person: Person, start: date, end: date) -> BenefitPeriod | None:
    """An unemployment-insurance benefit period with a month in common with the training days (clause (十))."""
    return (
        BenefitPeriod.objects.filter(person=person, start_month__lte=_month(end))
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=_month(start)))
        .first()
    )


def allowance_granted(person: Person, year: int, *, exclude: int | None = None) -> Case | None:
    """Another living allowance of the person for `year` that was approved (or is final)."""
    cases = Case.objects.filter(kind=K.LIVING_ALLOWANCE, person=person, year=year, state__in=GRANTED_STATES)
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.order_by("decided_at", "id").first()


# --- (七) Training subsidy and living allowance -------------------------------------------------------------


def living_allowance_checks(
    *, person: Person, start: date, end: date, exclude: int | None = None
) -> tuple[list[Check], dict[str, Any]]:
    """The living allowance's cross-checks (clause (七)) and the calculator's inputs they give."""
    checks: list[Check] = []
    registration = registration_covering(person, start, end)
    if registration is not None:
        reason = _("Registered unemployed in %(county)s since %(day)s, covering every training day.") % {
            "county": registration.residence_county.display_name,
            "day": registration.registered_on.isoformat(),
        }
    else:
        reason = _(
            "No unemployment registration covers the training days %(start)s to %(end)s: register where you live "
            "before the training starts."
        ) % {"start": start.isoformat(), "end": end.isoformat()}
    checks.append(
        Check(
            "registered_unemployed",
            gettext_lazy("Registered unemployed during the training"),
            registration is not None,
            reason,
            CLAUSE_7,
        )
    )

    categories, words = difficulty_grounds(person, start)
    if categories:
        reason = _("Qualifies as: %(grounds)s.") % {"grounds": "; ".join(words)}
    else:
        reason = _(
            "Not recognised as an employment-difficult person on %(day)s and not from a zero-employment family: "
            "ask to be recognised where you live."
        ) % {"day": start.isoformat()}
    checks.append(
        Check(
            "employment_difficult",
            gettext_lazy("Employment-difficult person or zero-employment family"),
            bool(categories),
            reason,
            CLAUSE_9,
        )
    )

    granted = allowance_granted(person, start.year, exclude=exclude)
    if granted is not None:
        reason = _(
            "The living allowance for %(year)s was already granted (%(reference)s); it is paid once per person per "
            "year."
        ) % {"year": start.year, "reference": granted.reference}
    else:
        reason = _("No living allowance granted for %(year)s yet.") % {"year": start.year}
    checks.append(
        Check(
            "once_per_year",
            gettext_lazy("Not yet received this calendar year"),
            granted is None,
            reason,
            CLAUSE_7,
        )
    )

    period = benefit_overlapping(person, start, end)
    if period is not None:
        until = period.end_month.strftime("%Y-%m") if period.end_month else _("now")
        reason = _(
            "Unemployment-insurance benefit is paid from %(first)s to %(last)s, overlapping the training days "
            "%(start)s to %(end)s; the allowance is not paid while benefit is received."
        ) % {"first": period.start_month.strftime("%Y-%m"), "last": until, "start": start, "end": end}
    else:
        reason = _("No unemployment-insurance benefit in the months of the training.")
    checks.append(
        Check(
            "no_ui_benefit",
            gettext_lazy("No unemployment-insurance benefit during the training"),
            period is None,
            reason,
            CLAUSE_7,
        )
    )

    try:
        window = value_in_force("living_allowance.window", on=start)
    except ParameterNotInForce:
        window = None
    in_window = window is not None and window[0] <= start <= window[1]
    if window is None:
        reason = _("The plan has no living-allowance window in force on %(day)s.") % {"day": start}
    elif in_window:
        reason = _("The training starts on %(day)s, inside %(first)s to %(last)s.") % {
            "day": start,
            "first": window[0],
            "last": window[1],
        }
    else:
        reason = _("The training starts on %(day)s, outside %(first)s to %(last)s.") % {
            "day": start,
            "first": window[0],
            "last": window[1],
        }
    checks.append(
        Check("window", gettext_lazy("Training starts in the window of the allowance"), in_window, reason, CLAUSE_7)
    )

    days = (end - start).days + 1
    try:
        max_days = int(value_in_force("living_allowance.max_days", on=start))
    except ParameterNotInForce:
        max_days = 0
    paid = min(days, max_days)
    reason = _("%(days)s training days; %(paid)s are paid (at most %(max)s).") % {
        "days": days,
        "paid": paid,
        "max": max_days,
    }
    checks.append(Check("days_paid", gettext_lazy("Days paid"), True, reason, CLAUSE_7))

    inputs = {
        "training_start": start.isoformat(),
        "training_days": days,
        "registered_unemployed": registration is not None,
        "categories": categories,
        "receiving_ui_benefit": period is not None,
        "received_this_year": granted is not None,
    }
    return checks, inputs


def certificate_claimed(*, kind: str, number: str, exclude: int | None = None) -> Case | None:
    cases = Case.objects.filter(kind=kind, state__in=LIVE_STATES, answers__certificate_number=number)
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.first()


def training_checks(*, person: Person, answers: dict[str, Any], exclude: int | None = None) -> list[Check]:
    """The training subsidy's cross-checks (clause (七))."""
    start, end = _day(answers["training_start"]), _day(answers["training_end"])
    checks = []
    passed = answers.get("result") == "passed"
    checks.append(
        Check(
            "passed",
            gettext_lazy("Passed the training"),
            passed,
            _("Result: passed, certificate %(number)s.") % {"number": answers.get("certificate_number", "")}
            if passed
            else _("The subsidy is paid for those who pass."),
            CLAUSE_7,
        )
    )
    registration = registration_covering(person, start, end)
    checks.append(
        Check(
            "registered_unemployed",
            gettext_lazy("Registered unemployed during the training"),
            registration is not None,
            _("Registered unemployed since %(day)s.") % {"day": registration.registered_on.isoformat()}
            if registration
            else _("No unemployment registration covers the training days: check whether the trainee was unemployed."),
            CLAUSE_7,
        )
    )
    other = certificate_claimed(kind=K.TRAINING_SUBSIDY, number=answers.get("certificate_number", ""), exclude=exclude)
    checks.append(
        Check(
            "certificate_once",
            gettext_lazy("Certificate not claimed before"),
            other is None,
            _("The certificate %(number)s was already claimed (%(reference)s).")
            % {"number": answers.get("certificate_number", ""), "reference": other.reference}
            if other
            else _("No other claim for this certificate."),
            CLAUSE_7,
        )
    )
    return checks


def _training_answers(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "institution": data["institution"].strip(),
        "course": data["course"].strip(),
        "training_type": data["training_type"],
        "hours": int(data["hours"]),
        "cost": f"{Decimal(data['cost']):.2f}",
        "result": data["result"],
        "certificate_number": data["certificate_number"].strip(),
        "training_start": _day(data["training_start"]).isoformat(),
        "training_end": _day(data["training_end"]).isoformat(),
        "bank_name": data.get("bank_name", "").strip(),
    }


def training_calculate(answers: dict[str, Any], *, on: date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate()
    return _result(
        "training-subsidy",
        {
            "application_date": on.isoformat(),
            "training_type": answers["training_type"],
            "hours": answers["hours"],
            "cost": answers["cost"],
            "passed": answers["result"] == "passed",
        },
        on=on,
    )


def _allowance_token(token: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(token, "living_allowance")


def training_claim_submit(
    *,
    person: Person,
    data: dict[str, Any],
    bank_account: str,
    living_allowance: bool,
    token: uuid.UUID,
    actor: Any,
    certificate: Any = None,
) -> list[Case]:
    """Submit a training subsidy claim and, when asked, a living-allowance claim for the same training (七).

    Refused with the reasons (nothing is created) when the certificate was claimed before or when a living
    allowance is asked for and a cross-check fails. Idempotent: the same token returns the cases it submitted.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return [already, *Case.objects.filter(submission_token=_allowance_token(token))]
    answers = _training_answers(data)
    start, end = _day(answers["training_start"]), _day(answers["training_end"])
    if end < start:
        raise Refused(_("The training cannot end before it starts."), field="training_end")
    with transaction.atomic():
        _lock_person(person)
        checks = training_checks(person=person, answers=answers)
        duplicate = next(c for c in checks if c.code == "certificate_once")
        if duplicate.failed:
            raise Refused(duplicate.reason, field="certificate_number")
        allowance_inputs = None
        if living_allowance:
            allowance_checks, allowance_inputs = living_allowance_checks(person=person, start=start, end=end)
            if any(c.failed for c in allowance_checks):
                raise Refused(
                    _("The living allowance cannot be claimed: %(reasons)s")
                    % {"reasons": _failed_reasons(allowance_checks)},
                    field="living_allowance",
                )
        subsidy = case_draft_new(
            kind=K.TRAINING_SUBSIDY,
            year=start.year,
            county=person.residence_county,
            person=person,
            answers=answers,
            actor=actor,
        )
        subsidy = case_draft_save(case=subsidy, answers={}, bank_account=bank_account, actor=actor)
        certificate_attach(case=subsidy, upload=certificate, actor=actor)
        _store_calculation(subsidy, training_calculate(answers))
        subsidy = case_submit(case=subsidy, token=token, actor=actor)
        made = [subsidy]
        if allowance_inputs is not None:
            allowance = case_draft_new(
                kind=K.LIVING_ALLOWANCE,
                year=start.year,
                county=person.residence_county,
                person=person,
                answers={**answers, "training_case": subsidy.pk, "training_reference": subsidy.reference},
                actor=actor,
            )
            allowance = case_draft_save(case=allowance, answers={}, bank_account=bank_account, actor=actor)
            _store_calculation(allowance, _result("training-living-allowance", allowance_inputs, on=start))
            allowance = case_submit(case=allowance, token=_allowance_token(token), actor=actor)
            made.append(allowance)
    return made


# --- (八) Skill-upgrade subsidy -------------------------------------------------------------------------------


def occupation_key(occupation: str) -> str:
    """The occupation as compared for 'once per occupation and level': spaces collapsed, case folded."""
    return " ".join(occupation.split()).casefold()


def skill_upgrade_claimed(*, person: Person, occupation: str, level: str, exclude: int | None = None) -> Case | None:
    cases = Case.objects.filter(
        kind=K.SKILL_UPGRADE,
        person=person,
        state__in=LIVE_STATES,
        answers__occupation_key=occupation_key(occupation),
        answers__certificate_level=level,
    )
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.order_by("submitted_at", "id").first()


def insured_months_known(person: Person) -> int | None:
    """Months insured as the social-insurance system reports them, if it does (clause (八))."""
    insurance = getattr(person, "insurance", None)
    return insurance.insured_months if insurance is not None else None


def skill_upgrade_calculate(answers: dict[str, Any], *, on: date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate()
    return _result(
        "skill-upgrade",
        {
            "application_date": on.isoformat(),
            "certificate_level": answers["certificate_level"],
            "certificate_date": answers["certificate_date"],
            "insured_months": answers["insured_months"],
        },
        on=on,
    )


def skill_upgrade_checks(*, person: Person, answers: dict[str, Any], exclude: int | None = None) -> list[Check]:
    """The skill-upgrade subsidy's cross-checks (clause (八))."""
    level = answers["certificate_level"]
    other = skill_upgrade_claimed(person=person, occupation=answers["occupation"], level=level, exclude=exclude)
    checks = [
        Check(
            "once_per_occupation_level",
            gettext_lazy("Once per occupation and level"),
            other is None,
            _(
                "The subsidy for %(occupation)s at the %(level)s level was already claimed (%(reference)s); it is "
                "paid once per occupation and level. A higher level can be claimed."
            )
            % {"occupation": answers["occupation"], "level": CERTIFICATE_LEVELS[level], "reference": other.reference}
            if other
            else _("No earlier claim for %(occupation)s at this level.") % {"occupation": answers["occupation"]},
            CLAUSE_8,
        )
    ]
    on = _day(answers.get("application_date") or timezone.localdate())
    calculation = skill_upgrade_calculate(answers, on=on)
    short = [r for r in calculation["reasons"] if r["code"] == "insured_months_short"]
    source = (
        _("from the social-insurance system")
        if answers.get("insured_months_source") == "registry"
        else _("entered by the applicant: check against the insurance record")
    )
    checks.append(
        Check(
            "insured_months",
            gettext_lazy("Months insured"),
            not short,
            f"{short[0]['failed']} ({source})"
            if short
            else _("%(months)s months insured (%(source)s).") % {"months": answers["insured_months"], "source": source},
            CLAUSE_8,
        )
    )
    return checks


def _skill_answers(person: Person, data: dict[str, Any]) -> dict[str, Any]:
    known = insured_months_known(person)
    if known is None and data.get("insured_months") in (None, ""):
        raise Refused(_("Enter how many months you have been insured."), field="insured_months")
    return {
        "occupation": " ".join(data["occupation"].split()),
        "occupation_key": occupation_key(data["occupation"]),
        "certificate_level": data["certificate_level"],
        "certificate_number": data["certificate_number"].strip(),
        "certificate_date": _day(data["certificate_date"]).isoformat(),
        "insured_months": known if known is not None else int(data["insured_months"]),
        "insured_months_source": "registry" if known is not None else "applicant",
        "application_date": timezone.localdate().isoformat(),
        "bank_name": data.get("bank_name", "").strip(),
    }


def skill_upgrade_claim_submit(
    *, person: Person, data: dict[str, Any], bank_account: str, token: uuid.UUID, actor: Any, certificate: Any = None
) -> Case:
    """Submit a skill-upgrade claim (八). Refused with the reason when this occupation and level was claimed before.

    Insured months come from the registry when it knows them; otherwise the applicant's figure, marked as such.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    known = insured_months_known(person)
    if known is None and data.get("insured_months") in (None, ""):
        raise Refused(_("Enter how many months you have been insured."), field="insured_months")
    today = timezone.localdate()
    answers = _skill_answers(person, data)
    with transaction.atomic():
        _lock_person(person)
        once = skill_upgrade_checks(person=person, answers=answers)[0]
        if once.failed:
            raise Refused(once.reason, field="certificate_level")
        other = certificate_claimed(kind=K.SKILL_UPGRADE, number=answers["certificate_number"])
        if other is not None:
            raise Refused(
                _("The certificate %(number)s was already claimed (%(reference)s).")
                % {"number": answers["certificate_number"], "reference": other.reference},
                field="certificate_number",
            )
        calculation = skill_upgrade_calculate(answers, on=today)
        case = case_draft_new(
            kind=K.SKILL_UPGRADE,
            year=today.year,
            county=person.residence_county,
            person=person,
            answers=answers,
            actor=actor,
        )
        case = case_draft_save(case=case, answers={}, bank_account=bank_account, actor=actor)
        certificate_attach(case=case, upload=certificate, actor=actor)
        _store_calculation(case, calculation)
        return case_submit(case=case, token=token, actor=actor)


# --- (三) Guaranteed start-up loan, individual: eligibility ---------------------------------------------------


def startup_loan_live(person: Person, *, exclude: int | None = None) -> Case | None:
    """The person's other eligibility case that is not rejected (one at a time)."""
    cases = Case.objects.filter(kind=K.STARTUP_LOAN, person=person, state__in=LIVE_STATES)
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.first()


def startup_loan_checks(*, person: Person, answers: dict[str, Any], exclude: int | None = None) -> list[Check]:
    """Is this individual a qualifying person (clause (三))? What the registry says about the declared category."""
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
    checks = [Check("qualifying_person", gettext_lazy("Qualifying person"), passed, reason, CLAUSE_3)]
    other = startup_loan_live(person, exclude=exclude)
    checks.append(
        Check(
            "one_at_a_time",
            gettext_lazy("No other start-up loan request"),
            other is None,
            _("Another start-up loan request is open or certified (%(reference)s).") % {"reference": other.reference}
            if other
            else _("No other start-up loan request."),
            CLAUSE_3,
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
    return _result(
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
    """An individual asks to be certified for a guaranteed start-up loan (三); the caseworker's approval certifies it.

    Refused with the reason when another request of the person is open or certified, or when a registered
    unemployed person has no active registration.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    today = timezone.localdate()
    answers = _loan_answers(data)
    with transaction.atomic():
        _lock_person(person)
        checks = startup_loan_checks(person=person, answers=answers)
        for check in checks:
            if check.failed:
                raise Refused(check.reason, field="category" if check.code == "qualifying_person" else None)
        calculation = startup_loan_calculate(answers, on=today)
        case = case_draft_new(
            kind=K.STARTUP_LOAN,
            year=today.year,
            county=person.residence_county,
            person=person,
            answers=answers,
            actor=actor,
        )
        _store_calculation(case, calculation)
        return case_submit(case=case, token=token, actor=actor)


# --- A returned claim, corrected ----------------------------------------------------------------------------


def claim_resubmit(
    *, case: Case, data: dict[str, Any], bank_account: str, token: uuid.UUID, actor: Any, certificate: Any = None
) -> Case:
    """Resubmit a claim the caseworker returned: the corrected answers, the same cross-checks (this claim excepted)
    and a new calculation. An empty bank account keeps the one on file; a certificate uploaded now is added to the
    files already kept. Idempotent like case_submit."""
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    if case.state != S.RETURNED:
        raise Refused(_("Only a claim returned for correction can be corrected."))
    person = case.person
    with transaction.atomic():
        _lock_person(person)
        if case.kind in (K.TRAINING_SUBSIDY, K.LIVING_ALLOWANCE):
            answers = _training_answers(data)
            start, end = _day(answers["training_start"]), _day(answers["training_end"])
            if end < start:
                raise Refused(_("The training cannot end before it starts."), field="training_end")
            if case.kind == K.TRAINING_SUBSIDY:
                duplicate = next(
                    c
                    for c in training_checks(person=person, answers=answers, exclude=case.pk)
                    if c.code == "certificate_once"
                )
                if duplicate.failed:
                    raise Refused(duplicate.reason, field="certificate_number")
                calculation = training_calculate(answers)
            else:
                checks, inputs = living_allowance_checks(person=person, start=start, end=end, exclude=case.pk)
                if any(c.failed for c in checks):
                    raise Refused(
                        _("The living allowance cannot be claimed: %(reasons)s") % {"reasons": _failed_reasons(checks)}
                    )
                answers.update(
                    {k: case.answers[k] for k in ("training_case", "training_reference") if k in case.answers}
                )
                calculation = _result("training-living-allowance", inputs, on=start)
        elif case.kind == K.SKILL_UPGRADE:
            answers = _skill_answers(person, data)
            once = skill_upgrade_checks(person=person, answers=answers, exclude=case.pk)[0]
            if once.failed:
                raise Refused(once.reason, field="certificate_level")
            calculation = skill_upgrade_calculate(answers)
        elif case.kind == K.STARTUP_LOAN:
            answers = _loan_answers(data)
            for check in startup_loan_checks(person=person, answers=answers, exclude=case.pk):
                if check.failed:
                    raise Refused(check.reason, field="category" if check.code == "qualifying_person" else None)
            calculation = startup_loan_calculate(answers)
        else:
            raise Refused(_("This is not a resident's claim."))
        case = case_draft_save(case=case, answers=answers, bank_account=bank_account or None, actor=actor)
        if case.kind in CERTIFICATE_KINDS:
            certificate_attach(case=case, upload=certificate, actor=actor)
        _store_calculation(case, calculation)
        return case_submit(case=case, token=token, actor=actor)


# --- For pages: cross-checks, rows, next steps -----------------------------------------------------------------


def claim_checks(case: Case) -> list[Check]:
    """The case's cross-checks, computed now from the registry (a later decision elsewhere shows up here)."""
    if case.person_id is None or not case.answers:
        return []
    answers = case.answers
    try:
        if case.kind == K.TRAINING_SUBSIDY:
            return training_checks(person=case.person, answers=answers, exclude=case.pk)
        if case.kind == K.LIVING_ALLOWANCE:
            checks, _inputs = living_allowance_checks(
                person=case.person,
                start=_day(answers["training_start"]),
                end=_day(answers["training_end"]),
                exclude=case.pk,
            )
            return checks
        if case.kind == K.SKILL_UPGRADE:
            return skill_upgrade_checks(person=case.person, answers=answers, exclude=case.pk)
        if case.kind == K.STARTUP_LOAN and answers.get("applicant") == "individual":
            return startup_loan_checks(person=case.person, answers=answers, exclude=case.pk)
    except (KeyError, ValueError, Refused):
        return []
    return []


FINAL_STEP = {
    K.TRAINING_SUBSIDY: gettext_lazy("Approved. The subsidy is paid into your account; download your notice."),
    K.LIVING_ALLOWANCE: gettext_lazy("Approved. The allowance is paid into your account; download your notice."),
    K.SKILL_UPGRADE: gettext_lazy("Approved. The subsidy is paid into your account; download your notice."),
    K.STARTUP_LOAN: gettext_lazy(
        "Certified. Take the notice to the handling bank; the loan it grants is recorded here with its interest "
        "subsidy."
    ),
}


def next_step(case: Case) -> Any:
    if case.state == S.FINAL and case.kind in FINAL_STEP:
        return FINAL_STEP[CaseKind(case.kind)]
    if case.state == S.RETURNED:
        return gettext_lazy("Correct your claim as the caseworker asks, then resubmit it.")
    return NEXT_STEP[CaseState(case.state)]


def resident_claims(person: Person) -> list[Case]:
    """The person's submitted claims, newest first, each with `next_step` for the page."""
    cases = list(
        Case.objects.filter(person=person, enterprise__isnull=True, kind__in=RESIDENT_KINDS)
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


# --- At approval: the once-only rules again ---------------------------------------------------------------------


def claims_guard_on_transition(case: Case, name: str) -> None:
    """ON_TRANSITION hook: refuse to approve a claim that another approval made a second one (clauses (七), (八))."""
    if name != "approve" or case.person_id is None:
        return
    if case.kind == K.LIVING_ALLOWANCE:
        _lock_person(case.person)
        start, end = _day(case.answers["training_start"]), _day(case.answers["training_end"])
        checks, _inputs = living_allowance_checks(person=case.person, start=start, end=end, exclude=case.pk)
        blocking = [c for c in checks if c.failed and c.code in ("once_per_year", "no_ui_benefit")]
        if blocking:
            raise Refused(_failed_reasons(blocking))
    elif case.kind == K.SKILL_UPGRADE:
        _lock_person(case.person)
        granted = (
            Case.objects.filter(
                kind=K.SKILL_UPGRADE,
                person_id=case.person_id,
                state__in=GRANTED_STATES,
                answers__occupation_key=case.answers.get("occupation_key"),
                answers__certificate_level=case.answers.get("certificate_level"),
            )
            .exclude(pk=case.pk)
            .first()
        )
        if granted is not None:
            raise Refused(
                _("The subsidy for this occupation and level was already granted (%(reference)s).")
                % {"reference": granted.reference}
            )


def register_hooks() -> None:
    if claims_guard_on_transition not in case_services.ON_TRANSITION:
        case_services.ON_TRANSITION.append(claims_guard_on_transition)
