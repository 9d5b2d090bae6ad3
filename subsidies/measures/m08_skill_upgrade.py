"""（八） Skill-upgrade subsidy 技术技能提升补贴: insured employees who obtain a vocational qualification or skill-level
certificate, once per occupation and level.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import (
    Person,
)
from registry.refusals import Refused
from subsidies.calculators.base import clause
from subsidies.cases.checks import Check
from subsidies.cases.claims import as_day, calculation_store, calculator_result, person_lock
from subsidies.cases.evidence import certificate_attach
from subsidies.cases.states import GRANTED, LIVE
from subsidies.cases.workflow import case_draft_new, case_draft_save, case_submit
from subsidies.measures.m07_training import certificate_claimed
from subsidies.models import Case, CaseKind

EIGHT = clause("（八）")

CERTIFICATE_LEVELS = {
    "junior": gettext_lazy("Junior (初级, level 5)"),
    "intermediate": gettext_lazy("Intermediate (中级, level 4)"),
    "senior": gettext_lazy("Senior (高级, level 3)"),
}


def occupation_key(occupation: str) -> str:
    """The occupation as compared for 'once per occupation and level': spaces collapsed, case folded."""
    return " ".join(occupation.split()).casefold()


def skill_upgrade_claimed(*, person: Person, occupation: str, level: str, exclude: int | None = None) -> Case | None:
    cases = Case.objects.filter(
        kind=CaseKind.SKILL_UPGRADE,
        person=person,
        state__in=LIVE,
        answers__occupation_key=occupation_key(occupation),
        answers__certificate_level=level,
    )
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return cases.order_by("submitted_at", "id").first()


def insured_months_known(person: Person) -> int | None:
    """Months insured as the social-insurance system reports them, if it does (clause （八）)."""
    insurance = getattr(person, "insurance", None)
    return insurance.insured_months if insurance is not None else None


def skill_upgrade_calculate(answers: dict[str, Any], *, on: date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate()
    return calculator_result(
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
    """The skill-upgrade subsidy's cross-checks (clause （八）)."""
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
            EIGHT,
        )
    ]
    on = as_day(answers.get("application_date") or timezone.localdate())
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
            EIGHT,
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
        "certificate_date": as_day(data["certificate_date"]).isoformat(),
        "insured_months": known if known is not None else int(data["insured_months"]),
        "insured_months_source": "registry" if known is not None else "applicant",
        "application_date": timezone.localdate().isoformat(),
        "bank_name": data.get("bank_name", "").strip(),
    }


def skill_upgrade_claim_submit(
    *, person: Person, data: dict[str, Any], bank_account: str, token: uuid.UUID, actor: Any, certificate: Any = None
) -> Case:
    """Submit a skill-upgrade claim （八）. Refused with the reason when this occupation and level was claimed before.

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
        person_lock(person)
        once = skill_upgrade_checks(person=person, answers=answers)[0]
        if once.failed:
            raise Refused(once.reason, field="certificate_level")
        other = certificate_claimed(kind=CaseKind.SKILL_UPGRADE, number=answers["certificate_number"])
        if other is not None:
            raise Refused(
                _("The certificate %(number)s was already claimed (%(reference)s).")
                % {"number": answers["certificate_number"], "reference": other.reference},
                field="certificate_number",
            )
        calculation = skill_upgrade_calculate(answers, on=today)
        case = case_draft_new(
            kind=CaseKind.SKILL_UPGRADE,
            year=today.year,
            county=person.residence_county,
            person=person,
            answers=answers,
            actor=actor,
        )
        case = case_draft_save(case=case, answers={}, bank_account=bank_account, actor=actor)
        certificate_attach(case=case, upload=certificate, actor=actor)
        calculation_store(case, calculation)
        return case_submit(case=case, token=token, actor=actor)


# --- What the workflow asks of this measure (subsidies.kinds) ------------------------------------------------------


def skill_upgrade_resubmit(case: Case, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A returned claim, corrected: still once per occupation and level (this claim excepted), a new calculation."""
    answers = _skill_answers(case.person, data)
    once = skill_upgrade_checks(person=case.person, answers=answers, exclude=case.pk)[0]
    if once.failed:
        raise Refused(once.reason, field="certificate_level")
    return answers, skill_upgrade_calculate(answers)


def skill_upgrade_case_checks(case: Case) -> list[Check]:
    return skill_upgrade_checks(person=case.person, answers=case.answers, exclude=case.pk)


def skill_upgrade_on_approve(case: Case) -> None:
    """At approval, once per occupation and level again, under a lock on the person."""
    person_lock(case.person)
    granted = (
        Case.objects.filter(
            kind=CaseKind.SKILL_UPGRADE,
            person_id=case.person_id,
            state__in=GRANTED,
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


def skill_upgrade_recalculate(case: Case, on: date) -> dict[str, Any]:
    return skill_upgrade_calculate(case.answers, on=on)


SKILL_UPGRADE_FINAL_STEP = gettext_lazy("Approved. The subsidy is paid into your account; download your notice.")
