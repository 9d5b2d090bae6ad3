"""（七） Training for the unemployed: the training subsidy (by type, level, hours and cost, capped) and the living
allowance of the employment-difficult during training (2019-01-01..2020-12-31, once a year, not beside UI benefit).

> 对培训合格的失业人员……给予职业培训补贴，最高不超过 1800 元/人。2019 年 1 月 1 日至 2020 年 12 月 31 日，对其中登记失业
> 的低保家庭人员、残疾人、去产能企业职工等就业困难人员和零就业家庭人员，在培训期间，再给予每人每天 50 元的生活费补贴
> (塔行发〔2019〕16号（七）)

失业人员 is read as registered unemployed (（九）) on the course's first day: a claim without that registration is
refused. The allowance pays the training days inside the window, at either end (docs/interpretations.md).
"""

from __future__ import annotations

import uuid
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
    Person,
)
from registry.refusals import Refused
from registry.services import recognition_in_force, registration_covering
from subsidies.calculators.base import clause
from subsidies.calculators.training import allowance_rules_day, days_inside
from subsidies.cases.checks import Check, failed_reasons
from subsidies.cases.claims import as_day, calculation_store, calculator_result, month_of, person_lock
from subsidies.cases.evidence import certificate_attach
from subsidies.cases.states import GRANTED, LIVE
from subsidies.cases.workflow import case_draft_new, case_draft_save, case_submit
from subsidies.models import Case, CaseKind
from subsidies.parameters import ParameterNotInForce, value_in_force

SEVEN = clause("（七）")
NINE = clause("（九）")

TRAINING_TYPES = {
    "employment_skills": gettext_lazy("Employment skills training"),
    "entrepreneurship": gettext_lazy("Entrepreneurship training"),
}


# Employment-difficult categories (clause （九）) as the living-allowance calculator names them (clause （七）).
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


def difficulty_grounds(person: Person, day: date) -> tuple[list[str], list[str]]:
    """(calculator categories, words for the reason): recognition on `day` and the person's registry flags."""
    categories: list[str] = []
    words: list[str] = []
    recognition = recognition_in_force(person, day)
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
    """An unemployment-insurance benefit period with a month in common with the training days (clause （十）)."""
    return (
        BenefitPeriod.objects.filter(person=person, start_month__lte=month_of(end))
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=month_of(start)))
        .first()
    )


def allowance_granted(person: Person, year: int, *, exclude: int | None = None, live: bool = False) -> Case | None:
    """Another living allowance of the person for `year` that was approved (or is final); with `live`, also one
    submitted and not yet decided (a second claim is refused when it is made, not only when it is approved)."""
    states = LIVE if live else GRANTED
    cases = Case.objects.filter(kind=CaseKind.LIVING_ALLOWANCE, person=person, year=year, state__in=states)
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.order_by("decided_at", "id").first()


def living_allowance_checks(
    *, person: Person, start: date, end: date, exclude: int | None = None
) -> tuple[list[Check], dict[str, Any]]:
    """The living allowance's cross-checks (clause （七）) and the calculator's inputs they give."""
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
            SEVEN,
        )
    )

    rules_day = allowance_rules_day(start, end)
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
            NINE,
        )
    )

    # Once a year: the year of the first paid day (a course from 2018-12-20 is paid, and counted, in 2019).
    year = rules_day.year
    granted = allowance_granted(person, year, exclude=exclude)
    pending = None if granted is not None else allowance_granted(person, year, exclude=exclude, live=True)
    if granted is not None:
        reason = _(
            "The living allowance for %(year)s was already granted (%(reference)s); it is paid once per person per "
            "year."
        ) % {"year": year, "reference": granted.reference}
    elif pending is not None:
        reason = _(
            "A living allowance for %(year)s is already claimed (%(reference)s) and being dealt with; it is paid "
            "once per person per year."
        ) % {"year": year, "reference": pending.reference}
        granted = pending
    else:
        reason = _("No living allowance granted for %(year)s yet.") % {"year": year}
    checks.append(
        Check(
            "once_per_year",
            gettext_lazy("Not yet received this calendar year"),
            granted is None,
            reason,
            SEVEN,
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
            SEVEN,
        )
    )

    try:
        window = value_in_force("living_allowance.window", on=rules_day)
    except ParameterNotInForce:
        window = None
    inside = days_inside(start, end, window) if window is not None else 0
    if window is None:
        reason = _("The plan has no living-allowance window in force on %(day)s.") % {"day": start}
    elif inside:
        reason = _("%(inside)s of the training days %(start)s to %(end)s lie inside %(first)s to %(last)s.") % {
            "inside": inside,
            "start": start,
            "end": end,
            "first": window[0],
            "last": window[1],
        }
    else:
        reason = _("The training days %(start)s to %(end)s lie outside %(first)s to %(last)s.") % {
            "start": start,
            "end": end,
            "first": window[0],
            "last": window[1],
        }
    checks.append(
        Check("window", gettext_lazy("Training days in the window of the allowance"), inside > 0, reason, SEVEN)
    )

    days = (end - start).days + 1
    try:
        max_days = int(value_in_force("living_allowance.max_days", on=rules_day))
    except ParameterNotInForce:
        max_days = 0
    paid = min(inside, max_days)
    reason = _("%(days)s training days; %(paid)s are paid (at most %(max)s).") % {
        "days": days,
        "paid": paid,
        "max": max_days,
    }
    checks.append(Check("days_paid", gettext_lazy("Days paid"), True, reason, SEVEN))

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
    cases = Case.objects.filter(kind=kind, state__in=LIVE, answers__certificate_number=number)
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.first()


def training_checks(*, person: Person, answers: dict[str, Any], exclude: int | None = None) -> list[Check]:
    """The training subsidy's cross-checks (clause （七）)."""
    start = as_day(answers["training_start"])
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
            SEVEN,
        )
    )
    # （七） 失业人员: registered unemployed on the course's first day (finding work during the course keeps it).
    registration = registration_covering(person, start, start)
    checks.append(
        Check(
            "registered_unemployed",
            gettext_lazy("Registered unemployed when the course started"),
            registration is not None,
            _("Registered unemployed since %(day)s.") % {"day": registration.registered_on.isoformat()}
            if registration
            else _(
                "No unemployment registration on %(day)s, the course's first day: the training subsidy is for "
                "unemployed people."
            )
            % {"day": start.isoformat()},
            SEVEN,
        )
    )
    other = certificate_claimed(
        kind=CaseKind.TRAINING_SUBSIDY, number=answers.get("certificate_number", ""), exclude=exclude
    )
    checks.append(
        Check(
            "certificate_once",
            gettext_lazy("Certificate not claimed before"),
            other is None,
            _("The certificate %(number)s was already claimed (%(reference)s).")
            % {"number": answers.get("certificate_number", ""), "reference": other.reference}
            if other
            else _("No other claim for this certificate."),
            SEVEN,
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
        "training_start": as_day(data["training_start"]).isoformat(),
        "training_end": as_day(data["training_end"]).isoformat(),
        "bank_name": data.get("bank_name", "").strip(),
    }


def training_calculate(answers: dict[str, Any], *, person: Person, on: date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate()
    start = as_day(answers["training_start"])
    return calculator_result(
        "training-subsidy",
        {
            "application_date": on.isoformat(),
            "training_type": answers["training_type"],
            "hours": answers["hours"],
            "cost": answers["cost"],
            "passed": answers["result"] == "passed",
            "registered_unemployed": registration_covering(person, start, start) is not None,
        },
        on=on,
    )


def refuse_unless_unemployed(checks: list[Check]) -> None:
    """（七） The training subsidy is for 失业人员: refused, with the reason, without a registration."""
    unemployed = next(c for c in checks if c.code == "registered_unemployed")
    if unemployed.failed:
        raise Refused(unemployed.reason, field="training_start")


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
    """Submit a training subsidy claim and, when asked, a living-allowance claim for the same training （七）.

    Refused with the reasons (nothing is created) when the certificate was claimed before or when a living
    allowance is asked for and a cross-check fails. Idempotent: the same token returns the cases it submitted.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return [already, *Case.objects.filter(submission_token=_allowance_token(token))]
    answers = _training_answers(data)
    start, end = as_day(answers["training_start"]), as_day(answers["training_end"])
    if end < start:
        raise Refused(_("The training cannot end before it starts."), field="training_end")
    with transaction.atomic():
        person_lock(person)
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
                    % {"reasons": failed_reasons(allowance_checks)},
                    field="living_allowance",
                )
        refuse_unless_unemployed(checks)
        subsidy = case_draft_new(
            kind=CaseKind.TRAINING_SUBSIDY,
            year=start.year,
            county=person.residence_county,
            person=person,
            answers=answers,
            actor=actor,
        )
        subsidy = case_draft_save(case=subsidy, answers={}, bank_account=bank_account, actor=actor)
        certificate_attach(case=subsidy, upload=certificate, actor=actor)
        calculation_store(subsidy, training_calculate(answers, person=person))
        subsidy = case_submit(case=subsidy, token=token, actor=actor)
        made = [subsidy]
        if allowance_inputs is not None:
            allowance = case_draft_new(
                kind=CaseKind.LIVING_ALLOWANCE,
                year=allowance_rules_day(start, end).year,
                county=person.residence_county,
                person=person,
                answers={**answers, "training_case": subsidy.pk, "training_reference": subsidy.reference},
                actor=actor,
            )
            allowance = case_draft_save(case=allowance, answers={}, bank_account=bank_account, actor=actor)
            calculation_store(
                allowance,
                calculator_result("training-living-allowance", allowance_inputs, on=allowance_rules_day(start, end)),
            )
            allowance = case_submit(case=allowance, token=_allowance_token(token), actor=actor)
            made.append(allowance)
    return made


# --- What the workflow asks of this measure (subsidies.kinds) ------------------------------------------------------


def _training_days(answers: dict[str, Any]) -> tuple[date, date]:
    start, end = as_day(answers["training_start"]), as_day(answers["training_end"])
    if end < start:
        raise Refused(_("The training cannot end before it starts."), field="training_end")
    return start, end


def training_resubmit(case: Case, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A returned training-subsidy claim, corrected: the certificate is still claimed once, a new calculation."""
    answers = _training_answers(data)
    _training_days(answers)
    checks = training_checks(person=case.person, answers=answers, exclude=case.pk)
    duplicate = next(c for c in checks if c.code == "certificate_once")
    if duplicate.failed:
        raise Refused(duplicate.reason, field="certificate_number")
    refuse_unless_unemployed(checks)
    return answers, training_calculate(answers, person=case.person)


def living_allowance_resubmit(case: Case, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A returned living-allowance claim, corrected: the same checks (this claim excepted), a new calculation."""
    answers = _training_answers(data)
    start, end = _training_days(answers)
    checks, inputs = living_allowance_checks(person=case.person, start=start, end=end, exclude=case.pk)
    if any(c.failed for c in checks):
        raise Refused(_("The living allowance cannot be claimed: %(reasons)s") % {"reasons": failed_reasons(checks)})
    answers.update({k: case.answers[k] for k in ("training_case", "training_reference") if k in case.answers})
    return answers, calculator_result("training-living-allowance", inputs, on=allowance_rules_day(start, end))


def training_case_checks(case: Case) -> list[Check]:
    return training_checks(person=case.person, answers=case.answers, exclude=case.pk)


def living_allowance_case_checks(case: Case) -> list[Check]:
    checks, _inputs = living_allowance_checks(
        person=case.person,
        start=as_day(case.answers["training_start"]),
        end=as_day(case.answers["training_end"]),
        exclude=case.pk,
    )
    return checks


def living_allowance_on_approve(case: Case) -> None:
    """At approval, the once-a-year and no-UI-benefit rules again, under a lock on the person: another allowance
    may have been approved since this one was submitted."""
    person_lock(case.person)
    start, end = as_day(case.answers["training_start"]), as_day(case.answers["training_end"])
    checks, _inputs = living_allowance_checks(person=case.person, start=start, end=end, exclude=case.pk)
    blocking = [c for c in checks if c.failed and c.code in ("once_per_year", "no_ui_benefit")]
    if blocking:
        raise Refused(failed_reasons(blocking))


def training_recalculate(case: Case, on: date) -> dict[str, Any]:
    return training_calculate(case.answers, person=case.person, on=on)


TRAINING_FINAL_STEP = gettext_lazy("Approved. The subsidy is paid into your account; download your notice.")
ALLOWANCE_FINAL_STEP = gettext_lazy("Approved. The allowance is paid into your account; download your notice.")
