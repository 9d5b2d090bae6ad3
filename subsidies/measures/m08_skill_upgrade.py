"""（八） Skill-upgrade subsidy 技术技能提升补贴: insured employees who obtain a vocational qualification or skill-level
certificate, once per occupation and level.

> 2019 年 1 月 1 日至 2020 年 12 月 31 日，将技术技能提升补贴申领条件由企业在职职工参加失业保险 3 年以上放宽至参保 1 年
> 以上。参保职工取得职业资格证书或职业技能等级证书的，可在参保地申请技术技能提升补贴，所需资金由失业保险基金列支。
> (塔行发〔2019〕16号（八）)

The months counted are months of unemployment-insurance contributions (参加失业保险; PersonInsurance.
ui_contribution_months), not months of any insurance; the claim goes to the county where the applicant is insured
(参保地), which the applicant names; the fund is the unemployment-insurance fund (subsidies.kinds). An occupation
is compared without any spacing or width difference ("中式 烹调师" is "中式烹调师") (docs/interpretations.md, （八）).
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import (
    County,
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
    """The occupation as compared for 'once per occupation and level' （八）: full-width forms folded (NFKC), every
    space removed (Chinese trade names have none: "中式 烹调师" is "中式烹调师"), case folded."""
    return "".join(unicodedata.normalize("NFKC", occupation).split()).casefold()


def occupation_display(occupation: str) -> str:
    """The occupation as kept on the case: NFKC, spaces between Chinese characters dropped, others collapsed."""
    words = unicodedata.normalize("NFKC", occupation).split()
    shown = words[:1]
    for word in words[1:]:
        joined = not (shown[-1][-1].isascii() and word[0].isascii())
        shown[-1:] = [shown[-1] + word] if joined else [shown[-1], word]
    return " ".join(shown)


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


def ui_contribution_months_known(person: Person) -> int | None:
    """Months of unemployment-insurance contributions as the social-insurance system reports them, if it does.

    （八） "参加失业保险 3 年以上 …… 放宽至参保 1 年以上": the condition is membership of unemployment insurance, so the
    months are ui_contribution_months, not the months of any insurance (insured_months)."""
    insurance = getattr(person, "insurance", None)
    return insurance.ui_contribution_months if insurance is not None else None


# The pages' name for it (the form hides the months field when the registry knows them).
insured_months_known = ui_contribution_months_known


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
            gettext_lazy("Months of unemployment-insurance contributions"),
            not short,
            f"{short[0]['failed']} ({source})"
            if short
            else _("%(months)s months of unemployment-insurance contributions (%(source)s).")
            % {"months": answers["insured_months"], "source": source},
            EIGHT,
        )
    )
    return checks


def _skill_answers(person: Person, data: dict[str, Any]) -> dict[str, Any]:
    known = ui_contribution_months_known(person)
    if known is None and data.get("insured_months") in (None, ""):
        raise Refused(
            _("Enter how many months you have paid unemployment-insurance contributions."), field="insured_months"
        )
    return {
        "occupation": occupation_display(data["occupation"]),
        "occupation_key": occupation_key(data["occupation"]),
        "certificate_level": data["certificate_level"],
        "certificate_number": data["certificate_number"].strip(),
        "certificate_date": as_day(data["certificate_date"]).isoformat(),
        "insured_months": known if known is not None else int(data["insured_months"]),
        "insured_months_source": "registry" if known is not None else "applicant",
        "application_date": timezone.localdate().isoformat(),
        "bank_name": data.get("bank_name", "").strip(),
        "insured_county": str(getattr(data.get("insured_county"), "code", data.get("insured_county")) or "")
        or person.residence_county.code,
    }


def insured_county(person: Person, answers: dict[str, Any]) -> County:
    """（八） "可在参保地申请": the county where the applicant says they are insured; the residence county when no
    county is named (the caseworker there checks the insurance record)."""
    county = County.objects.filter(code=answers.get("insured_county")).first()
    return county or person.residence_county


def skill_upgrade_claim_submit(
    *, person: Person, data: dict[str, Any], bank_account: str, token: uuid.UUID, actor: Any, certificate: Any = None
) -> Case:
    """Submit a skill-upgrade claim （八）. Refused with the reason when this occupation and level was claimed before.

    Insured months come from the registry when it knows them; otherwise the applicant's figure, marked as such.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
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
            county=insured_county(person, answers),
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
