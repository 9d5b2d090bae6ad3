"""（九） Unemployment registration where you live 常住地失业登记, and recognition as an employment-difficult person
(就业困难人员认定): the checks before submission and what an approval writes to the real-name registry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import audit_record
from registry.models import (
    County,
    DifficultyCategory,
    DifficultyRecognition,
    EndReason,
    Person,
    RegistrationStatus,
    UnemploymentRegistration,
)
from registry.refusals import Refused
from registry.services import (
    person_snapshot,
    recognition_end,
    recognition_grant,
    registration_end,
    registration_open,
)
from subsidies.cases.claims import person_lock
from subsidies.cases.evidence import purposes_covered
from subsidies.cases.states import EDITABLE, NOT_DECIDED, UNDECIDED, S
from subsidies.cases.workflow import case_approve, case_submit
from subsidies.document_jobs import registration_certificate_order
from subsidies.models import Case, CaseKind
from subsidies.parameters import value_in_force

# Clause （九）, Xinjiang practice: women aged 45 or over and men aged 55 or over are employment-difficult.
OLDER_WOMAN_AGE = 45


OLDER_MAN_AGE = 55


# Months of registered unemployment that make a category (clause （九）).
LONG_TERM_MONTHS = 12


SIX_MONTHS = 6


RESIDENCE = "residence"  # the purpose of a residence document (residence permit, rental contract)


WORK_END_REASONS = [
    ("contract_ended", gettext_lazy("My contract ended")),
    ("dismissed", gettext_lazy("I was dismissed or laid off")),
    ("resigned", gettext_lazy("I resigned")),
    ("closed", gettext_lazy("The employer closed or went bankrupt")),
    ("graduated", gettext_lazy("I have just left school and never worked")),
    ("farming", gettext_lazy("I stopped farming (land taken or given up)")),
    ("other", gettext_lazy("Another reason")),
]


def age_on(birth_date: date, day: date) -> int:
    """Whole years on `day` (a birthday on 29 February counts from 1 March in other years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (2019-01-31 to 2019-02-28 is 0, to 2019-03-01 is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


@dataclass(frozen=True)
class WorkingAge:
    ok: bool
    age: int
    minimum: int
    maximum: int  # the first age that is no longer working age
    message: str


def working_age_check(*, person: Person, on: date) -> WorkingAge:
    """Is the person of working age on the day of application? Ages from dated parameters (sample, clause （九）)."""
    minimum = int(value_in_force("registration.min_age", on=on))
    key = "registration.max_age_women" if person.sex == "F" else "registration.max_age_men"
    maximum = int(value_in_force(key, on=on))
    age = age_on(person.birth_date, on)
    if age < minimum:
        message = _(
            "You can register from the day you turn %(min)s. Your ID number shows you are %(age)s on %(day)s."
        ) % {"min": minimum, "age": age, "day": on.isoformat()}
        return WorkingAge(False, age, minimum, maximum, message)
    if age >= maximum:
        message = _(
            "Unemployment registration is for people under %(max)s (working age for %(who)s). Your ID number shows "
            "you are %(age)s on %(day)s. Ask your service office about pensions and other help."
        ) % {
            "max": maximum,
            "who": _("women") if person.sex == "F" else _("men"),
            "age": age,
            "day": on.isoformat(),
        }
        return WorkingAge(False, age, minimum, maximum, message)
    return WorkingAge(True, age, minimum, maximum, "")


def active_registration(person: Person) -> UnemploymentRegistration | None:
    return (
        UnemploymentRegistration.objects.filter(person=person, status=RegistrationStatus.ACTIVE)
        .select_related("residence_county")
        .first()
    )


def _open_case(person: Person, kind: str) -> Case | None:
    return Case.objects.filter(person=person, kind=kind, state__in=NOT_DECIDED).order_by("-id").first()


def case_lock_editable(case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state not in EDITABLE:
        raise Refused(_("This application has been submitted and can no longer be changed."))
    return case


def registration_draft_start(*, person: Person, actor: Any, today: date | None = None) -> Case:
    """The person's open registration application, or a new draft in their county of residence.

    Refused outside working age, and when the person is already registered where they live now.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        person = person_lock(person)
        existing = _open_case(person, CaseKind.UNEMPLOYMENT_REGISTRATION)
        if existing is not None:
            return existing
        age = working_age_check(person=person, on=today)
        if not age.ok:
            raise Refused(age.message)
        case = Case.objects.create(
            kind=CaseKind.UNEMPLOYMENT_REGISTRATION,
            person=person,
            county=person.residence_county,
            year=today.year,
            answers={},
            created_by=actor,
        )
        audit_record(actor=actor, action="case_draft_start", target=case, after={"state": case.state})
    return case


def residence_needs_evidence(person: Person, county: County) -> bool:
    """户口 elsewhere than the county of residence: the resident shows where they live (clause （九）)."""
    return person.hukou_area_code != county.code


def registration_residence_save(
    *, case: Case, county: County, address: str, residence_permit: str, move: bool, actor: Any
) -> Case:
    """The first page: where the resident lives. The case goes to that county's queue."""
    with transaction.atomic():
        case = case_lock_editable(case)
        if case.state == S.RETURNED and case.county_id != county.pk:
            raise Refused(
                _("A returned application stays with the county that returned it. Withdraw and apply again instead."),
                field="residence_county",
            )
        before = case.county_id
        case.county = county
        case.answers = {
            **case.answers,
            "residence_county": county.code,
            "address": address.strip(),
            "residence_permit": residence_permit.strip(),
            "hukou_area_code": case.person.hukou_area_code,
            "move_registration": bool(move),
        }
        case.save()
        if before != county.pk:
            audit_record(
                actor=actor,
                action="case_county_change",
                target=case,
                before={"county": before},
                after={"county": county.pk},
            )
    return case


def registration_answers_save(*, case: Case, answers: dict[str, Any], actor: Any) -> Case:
    with transaction.atomic():
        case = case_lock_editable(case)
        case.answers = {**case.answers, **answers}
        case.save()
    return case


def registration_problems(case: Case, *, today: date) -> list[str]:
    """What stops a registration application from being submitted, in words the resident understands."""
    person = case.person
    problems = []
    age = working_age_check(person=person, on=today)
    if not age.ok:
        problems.append(age.message)
    active = active_registration(person)
    if active is not None:
        if active.residence_county_id == case.county_id:
            problems.append(
                _("You are already registered as unemployed in %(county)s since %(day)s.")
                % {"county": active.residence_county.display_name, "day": active.registered_on.isoformat()}
            )
        elif not case.answers.get("move_registration"):
            problems.append(
                _(
                    "You are registered as unemployed in %(county)s since %(day)s. Ask to move your registration "
                    "on the first page: it ends there when you are registered here."
                )
                % {"county": active.residence_county.display_name, "day": active.registered_on.isoformat()}
            )
    county = case.county
    if (
        residence_needs_evidence(person, county)
        and not case.answers.get("residence_permit")
        and RESIDENCE not in purposes_covered(case)
    ):
        problems.append(
            _(
                "Your household registration is not in %(county)s: give your residence permit number or upload a "
                "document showing where you live."
            )
            % {"county": county.display_name}
        )
    if not case.answers.get("able_and_willing"):
        problems.append(_("Make the declaration that you are able to work and want to work."))
    return problems


def registration_submit(*, case: Case, token: uuid.UUID, actor: Any, today: date | None = None) -> Case:
    """Submit (or resubmit) a registration application once (the token), after the checks of clause （九）.

    The person's row is locked, so two applications submitted at once cannot both pass the checks.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    today = today or timezone.localdate()
    with transaction.atomic():
        person = person_lock(case.person)
        case = Case.objects.select_related("person", "county").get(pk=case.pk)
        if case.submission_token == token:
            return case
        other = (
            Case.objects.filter(person=person, kind=CaseKind.UNEMPLOYMENT_REGISTRATION, state__in=UNDECIDED)
            .exclude(pk=case.pk)
            .first()
        )
        if other is not None:
            raise Refused(
                _("You already have a registration application waiting: %(reference)s.")
                % {"reference": other.reference}
            )
        problems = registration_problems(case, today=today)
        if problems:
            raise Refused(" ".join(problems))
        if case.answers.get("move_registration"):
            active = active_registration(person)
            case.answers = {**case.answers, "move_from": active.residence_county.code if active else ""}
            case.save()
        return case_submit(case=case, token=token, actor=actor)


def _registration_approved(case: Case, actor: Any) -> None:
    """Open the registry's registration (ending an active one elsewhere when this is a move); order the certificate."""

    today = timezone.localdate()
    person = person_lock(case.person)
    active = active_registration(person)
    if active is not None:
        if active.residence_county_id == case.county_id or not case.answers.get("move_registration"):
            raise Refused(
                _(
                    "This person is already registered in %(county)s since %(day)s. Reject this application, or ask "
                    "the resident to ask for a move."
                )
                % {"county": active.residence_county.display_name, "day": active.registered_on.isoformat()}
            )
        registration_end(registration=active, ended_on=today, reason=EndReason.MOVED, actor=actor)
    try:
        registration = registration_open(person=person, registered_on=today, actor=actor, residence_county=case.county)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from None
    if person.residence_county_id != case.county_id or person.address != case.answers.get("address", person.address):
        before = person_snapshot(person)
        person.residence_county = case.county
        person.address = case.answers.get("address", person.address)[:200]
        person.save(update_fields=["residence_county", "address", "updated_at"])
        audit_record(
            actor=actor,
            action="person_residence_change",
            target=person,
            before=before,
            after=person_snapshot(person),
            reason=case.reference or "",
        )
    case.answers = {**case.answers, "registration": registration.pk}
    case.save(update_fields=["answers", "updated_at"])
    registration_certificate_order(registration=registration, actor=actor)


def registration_of(case: Case) -> UnemploymentRegistration | None:
    pk = case.answers.get("registration")
    return UnemploymentRegistration.objects.filter(pk=pk).select_related("residence_county").first() if pk else None


def registration_report_work(
    *, registration: UnemploymentRegistration, started_on: date, employer: str, actor: Any
) -> UnemploymentRegistration:
    """Re-employment (reported by the resident or recorded by a caseworker) ends the registration; any open
    unemployment-benefit period stops from the following month (clause （十）, registry.services.registration_end)."""
    if started_on > timezone.localdate():
        raise Refused(
            _("Enter the day you started work. You can report a job once it has started."), field="started_on"
        )
    if not employer.strip():
        raise Refused(_("Enter the name of your new employer."), field="employer")
    with transaction.atomic():
        try:
            registration = registration_end(
                registration=registration, ended_on=started_on, reason=EndReason.REEMPLOYED, actor=actor
            )
        except ValidationError as exc:
            field = "started_on" if hasattr(exc, "error_dict") else None
            raise Refused(" ".join(exc.messages), field=field) from None
        audit_record(
            actor=actor,
            action="reemployment_report",
            target=registration,
            after={"started_on": str(started_on), "employer": employer.strip()[:200]},
        )
    return registration


def recognition_proven(*, person: Person, registration: UnemploymentRegistration | None, on: date) -> dict[str, str]:
    """The categories the registry proves by itself on a day, each with the fact that proves it (clause （九）).

    Age comes from the ID number; months of unemployment from the registration; the family and disability facts
    from the real-name file. Categories the registry cannot prove ask for evidence.
    """
    proven: dict[str, str] = {}
    age = age_on(person.birth_date, on)
    threshold = OLDER_WOMAN_AGE if person.sex == "F" else OLDER_MAN_AGE
    if age >= threshold:
        proven[DifficultyCategory.OLDER_WORKER] = _("Aged %(age)s on %(day)s (from the ID number).") % {
            "age": age,
            "day": on.isoformat(),
        }
    months = months_between(registration.registered_on, on) if registration is not None else 0
    registered = _("registered unemployed for %(months)s months") % {"months": months}
    if months >= LONG_TERM_MONTHS:
        proven[DifficultyCategory.LONG_TERM_UNEMPLOYED] = registered
        if person.graduation_date is not None:
            proven[DifficultyCategory.GRADUATE_UNEMPLOYED] = _("Graduated %(day)s; %(registered)s.") % {
                "day": person.graduation_date.isoformat(),
                "registered": registered,
            }
    if months >= SIX_MONTHS:
        if person.low_income_family:
            proven[DifficultyCategory.LOW_INCOME_UNEMPLOYED] = _("低保 family in the registry; %(registered)s.") % {
                "registered": registered
            }
        if person.is_disabled:
            proven[DifficultyCategory.DISABLED_UNEMPLOYED] = _("Disabled person in the registry; %(registered)s.") % {
                "registered": registered
            }
    if person.zero_employment_family:
        proven[DifficultyCategory.ZERO_EMPLOYMENT_FAMILY] = _("Zero-employment family in the registry.")
    if person.land_expropriated_farmer:
        proven[DifficultyCategory.LAND_EXPROPRIATED] = _("Land-expropriated farmer in the registry.")
    return proven


def recognition_draft_start(*, person: Person, actor: Any, today: date | None = None) -> Case:
    """The person's open recognition application, or a new draft; needs an active registration (clause （九）)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        person = person_lock(person)
        existing = _open_case(person, CaseKind.DIFFICULTY_RECOGNITION)
        if existing is not None:
            return existing
        registration = active_registration(person)
        if registration is None:
            raise Refused(
                _("Register as unemployed where you live first: recognition is asked for from a registration.")
            )
        proven = recognition_proven(person=person, registration=registration, on=today)
        case = Case.objects.create(
            kind=CaseKind.DIFFICULTY_RECOGNITION,
            person=person,
            county=registration.residence_county,
            year=today.year,
            answers={"registration": registration.pk, "categories": list(proven), "proven": proven},
            created_by=actor,
        )
        audit_record(actor=actor, action="case_draft_start", target=case, after={"state": case.state})
    return case


def recognition_missing_evidence(case: Case) -> list[str]:
    """Chosen categories the registry does not prove and for which nothing has been uploaded yet."""
    proven = case.answers.get("proven", {})
    covered = purposes_covered(case)  # uploaded, or promised instead (告知承诺制)
    return [c for c in case.answers.get("categories", []) if c not in proven and c not in covered]


def recognition_submit(*, case: Case, token: uuid.UUID, actor: Any, today: date | None = None) -> Case:
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    today = today or timezone.localdate()
    with transaction.atomic():
        person = person_lock(case.person)
        case = Case.objects.get(pk=case.pk)
        if case.submission_token == token:
            return case
        registration = active_registration(person)
        if registration is None:
            raise Refused(_("Your unemployment registration has ended, so recognition cannot be asked for."))
        if not case.answers.get("categories"):
            raise Refused(_("Choose at least one category that applies to you."), field="categories")
        missing = recognition_missing_evidence(case)
        if missing:
            raise Refused(
                _("Upload evidence for: %(list)s.")
                % {"list": ", ".join(str(DifficultyCategory(c).label) for c in missing)}
            )
        if not case.answers.get("declaration"):
            raise Refused(_("Make the declaration first."))
        # The registry's proof is taken again on the day of submission.
        case.answers = {
            **case.answers,
            "registration": registration.pk,
            "proven": recognition_proven(person=person, registration=registration, on=today),
        }
        case.save()
        return case_submit(case=case, token=token, actor=actor)


def recognition_decide(*, case: Case, accepted: list[str], reason: str, actor: Any) -> Case:
    """The caseworker decides per category: the accepted ones are recognised (an approval); none accepted means
    the caseworker rejects the application instead, with a reason."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        asked = set(locked.answers.get("categories", []))
        unknown = set(accepted) - asked
        if unknown:
            raise Refused(_("Only the categories the resident asked for can be accepted."), field="accepted")
        if not accepted:
            raise Refused(_("Accept at least one category, or reject the application with a reason."), field="accepted")
        if locked.state != S.IN_REVIEW or locked.assignee_id != actor.pk:
            raise Refused(_("Take the case before you decide it."))
        locked.answers = {
            **locked.answers,
            "accepted_categories": [c for c in DifficultyCategory.values if c in set(accepted)],
            "refused_categories": [c for c in DifficultyCategory.values if c in asked - set(accepted)],
        }
        locked.save(update_fields=["answers", "updated_at"])
        return case_approve(case=locked, actor=actor, override_reason=reason)


def _recognition_approved(case: Case, actor: Any) -> None:
    accepted = case.answers.get("accepted_categories") or []
    if not accepted:
        raise Refused(
            _("Choose the categories you accept in the recognition form below, then recognise."), field="accepted"
        )
    person = person_lock(case.person)
    registration = active_registration(person)
    recognition = recognition_grant(
        person=person,
        categories=accepted,
        recognised_on=timezone.localdate(),
        registration=registration,
        actor=actor,
        reason=case.reference or "",
    )
    case.answers = {**case.answers, "recognition": recognition.pk}
    case.save(update_fields=["answers", "updated_at"])


def recognition_of(case: Case) -> DifficultyRecognition | None:
    pk = case.answers.get("recognition")
    return DifficultyRecognition.objects.filter(pk=pk).first() if pk else None


# --- What the workflow asks of this measure (subsidies.kinds) ------------------------------------------------------


def registration_on_approve(case: Case) -> None:
    """The registry's UnemploymentRegistration opens in the approval's transaction."""
    _registration_approved(case, case.assignee)


def recognition_on_approve(case: Case) -> None:
    """The registry's DifficultyRecognition is granted in the approval's transaction."""
    _recognition_approved(case, case.assignee)


def registration_on_revoke(case: Case, actor: Any) -> None:
    """A registration revoked after a false commitment (告知承诺制) ends the registry's registration it opened."""
    registration = registration_of(case)
    if registration is not None and registration.status == RegistrationStatus.ACTIVE:
        registration_end(registration=registration, ended_on=timezone.localdate(), reason=EndReason.OTHER, actor=actor)


def recognition_on_revoke(case: Case, actor: Any) -> None:
    """A recognition revoked after a false commitment (告知承诺制) ends the registry's recognition it granted."""
    recognition = recognition_of(case)
    if recognition is not None and recognition.ended_on is None:
        recognition_end(
            recognition=recognition, ended_on=timezone.localdate(), actor=actor, reason=case.reference or ""
        )
