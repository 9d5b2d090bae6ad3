"""Changes to the real-name registry. Each runs in one transaction and writes its audit row in it.

Audit rows carry masked values only (registry.crypto.mask_*), never a full ID number or bank account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from registry.audit import audit_record
from registry.crypto import id_number_index, mask_bank_account, mask_id_number, mask_phone
from registry.identifiers import parse_credit_code, parse_id_number
from registry.models import (
    BenefitPeriod,
    County,
    DifficultyCategory,
    DifficultyRecognition,
    EndReason,
    Enterprise,
    InsuranceYear,
    Person,
    RegistrationStatus,
    SensitiveAccessLog,
    SizeClass,
    Source,
    UnemploymentRegistration,
)

REVEAL_PERMISSION = "portal.reveal_sensitive"

PERSON_AUDIT_FIELDS = (
    "name",
    "phone",
    "hukou_area_code",
    "residence_county_id",
    "address",
    "education",
    "graduation_date",
    "is_disabled",
    "low_income_family",
    "zero_employment_family",
    "de_capacity_worker",
    "land_expropriated_farmer",
)
ENTERPRISE_AUDIT_FIELDS = (
    "credit_code",
    "name",
    "county_id",
    "size_class",
    "industry",
    "on_quality_list",
    "legal_representative",
    "bank_account_masked",
)
INSURANCE_FIELDS = (
    "insured_at_start",
    "insured_at_end",
    "retired_or_deceased",
    "ui_premiums_paid",
    "ui_months_paid_in_full",
    "monthly_social_insurance_due",
    "in_arrears",
)

# Allowed transitions of an unemployment registration.
REGISTRATION_TRANSITIONS = {RegistrationStatus.ACTIVE: {RegistrationStatus.ENDED}, RegistrationStatus.ENDED: set()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def person_snapshot(person: Person) -> dict[str, Any]:
    """What the audit trail keeps of a person: masked ID number and phone, no full numbers."""
    data = {field: _jsonable(getattr(person, field)) for field in PERSON_AUDIT_FIELDS}
    data["phone"] = mask_phone(person.phone) if person.phone else ""
    data["id_number"] = person.id_number_masked
    return data


def enterprise_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    return {field: _jsonable(getattr(enterprise, field)) for field in ENTERPRISE_AUDIT_FIELDS}


def insurance_snapshot(row: InsuranceYear) -> dict[str, Any]:
    return {"year": row.year, **{field: _jsonable(getattr(row, field)) for field in INSURANCE_FIELDS}}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def person_register(
    *,
    id_number: str,
    name: str,
    residence_county: County,
    actor: Any,
    phone: str = "",
    hukou_area_code: str = "",
    address: str = "",
    **flags: Any,
) -> Person:
    """Add a person to the registry. Refuses a second record for the same ID number."""
    parsed = parse_id_number(id_number)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the name as on the ID card.")})
    with transaction.atomic():
        index = id_number_index(parsed.number)
        if Person.objects.filter(id_number_index=index).exists():
            raise ValidationError({"id_number": _("A person with this ID number is already in the registry.")})
        person = Person(
            name=name,
            id_number=parsed.number,
            id_number_index=index,
            id_number_masked=mask_id_number(parsed.number),
            birth_date=parsed.birth_date,
            sex=parsed.sex,
            phone=phone.strip(),
            hukou_area_code=hukou_area_code or parsed.area_code,
            residence_county=residence_county,
            address=address,
            **flags,
        )
        person.full_clean(exclude=["id_number_index", "id_number_masked"])
        person.save()
        audit_record(actor=actor, action="person_register", target=person, after=person_snapshot(person))
    return person


# The middle dot of minority names is typed many ways: · (U+00B7), • (U+2022), ・ (U+30FB), ･ (U+FF65),
# ‧ (U+2027), ⋅ (U+22C5), · (U+0387), . and ．; all compare as one.
_NAME_DOTS = str.maketrans(dict.fromkeys("\u00b7\u2022\u30fb\uff65\u2027\u22c5\u0387.\uff0e", "\u00b7"))


def person_name_normalised(name: str) -> str:
    """A name as compared with the registry: middle-dot variants unified, all spaces (full-width too) removed."""
    return "".join(str(name).translate(_NAME_DOTS).split())


def person_name_matches(person: Person, name: str) -> bool:
    """Does a typed name match the name on record (after normalising dots and spaces)?"""
    return person_name_normalised(person.name) == person_name_normalised(name)


def person_find_by_id_number(id_number: str) -> Person | None:
    """Exact lookup through the blind index (the only way to find a person by ID number)."""
    return Person.objects.filter(id_number_index=id_number_index(id_number)).select_related("residence_county").first()


def enterprise_register(
    *,
    credit_code: str,
    name: str,
    county: County,
    size_class: str,
    actor: Any,
    industry: str = "",
    legal_representative: str = "",
    bank_account: str = "",
    on_quality_list: bool = False,
) -> Enterprise:
    """Add an enterprise to the registry, identified by its unified social credit code."""
    code = parse_credit_code(credit_code)
    if size_class not in SizeClass.values:
        raise ValidationError({"size_class": _("Choose large, medium, small or micro.")})
    with transaction.atomic():
        if Enterprise.objects.filter(credit_code=code).exists():
            raise ValidationError({"credit_code": _("An enterprise with this credit code is already in the registry.")})
        enterprise = Enterprise(
            credit_code=code,
            name=name.strip(),
            county=county,
            size_class=size_class,
            industry=industry,
            legal_representative=legal_representative,
            on_quality_list=on_quality_list,
            bank_account=bank_account,
            bank_account_masked=mask_bank_account(bank_account) if bank_account else "",
        )
        enterprise.save()
        audit_record(
            actor=actor, action="enterprise_register", target=enterprise, after=enterprise_snapshot(enterprise)
        )
    return enterprise


def registration_open(
    *, person: Person, registered_on: dt.date, actor: Any, residence_county: County | None = None
) -> UnemploymentRegistration:
    """Register a person as unemployed at their place of habitual residence (clause （九）).

    At most one active registration per person: the person row is locked, and the partial unique constraint
    catches anything that slips past (two requests at once).
    """
    try:
        with transaction.atomic():
            Person.objects.select_for_update().filter(pk=person.pk).first()
            if UnemploymentRegistration.objects.filter(person=person, status=RegistrationStatus.ACTIVE).exists():
                raise ValidationError(_("This person already has an active unemployment registration."))
            registration = UnemploymentRegistration.objects.create(
                person=person,
                residence_county=residence_county or person.residence_county,
                registered_on=registered_on,
            )
            audit_record(
                actor=actor,
                action="registration_open",
                target=registration,
                after={"person": person.pk, "registered_on": str(registered_on), "status": registration.status},
            )
    except IntegrityError:
        raise ValidationError(_("This person already has an active unemployment registration.")) from None
    return registration


def registration_end(
    *, registration: UnemploymentRegistration, ended_on: dt.date, reason: str, actor: Any
) -> UnemploymentRegistration:
    """End a registration. Re-employment also ends an open benefit period: benefit stops from the next month （十）."""
    if reason not in EndReason.values:
        raise ValidationError({"reason": _("Choose why the registration ends.")})
    with transaction.atomic():
        registration = UnemploymentRegistration.objects.select_for_update().get(pk=registration.pk)
        if RegistrationStatus.ENDED not in REGISTRATION_TRANSITIONS[RegistrationStatus(registration.status)]:
            raise ValidationError(_("This registration has already ended."))
        if ended_on < registration.registered_on:
            raise ValidationError({"ended_on": _("A registration cannot end before the day it was made.")})
        before = {"status": registration.status}
        registration.status = RegistrationStatus.ENDED
        registration.ended_on = ended_on
        registration.end_reason = reason
        registration.save(update_fields=["status", "ended_on", "end_reason"])
        audit_record(
            actor=actor,
            action="registration_end",
            target=registration,
            before=before,
            after={"status": registration.status, "ended_on": str(ended_on), "end_reason": reason},
        )
        if reason == EndReason.REEMPLOYED:
            period = (
                BenefitPeriod.objects.select_for_update()
                .filter(person_id=registration.person_id, end_month__isnull=True)
                .first()
            )
            if period is not None:
                # Paid for the month of re-employment, not after it.
                period.end_month = max(period.start_month, month_start(ended_on))
                period.save(update_fields=["end_month"])
                audit_record(
                    actor=actor,
                    action="benefit_period_end",
                    target=period,
                    before={"end_month": None},
                    after={"end_month": str(period.end_month)},
                    reason="reemployed",
                )
    return registration


def benefit_period_open(
    *, person: Person, start_month: dt.date, actor: Any, source: str = Source.IMPORT
) -> BenefitPeriod:
    """Record the start of unemployment-insurance benefit (as the social-insurance system reports it)."""
    with transaction.atomic():
        if BenefitPeriod.objects.filter(person=person, end_month__isnull=True).exists():
            raise ValidationError(_("This person already has an open benefit period."))
        period = BenefitPeriod.objects.create(person=person, start_month=month_start(start_month), source=source)
        audit_record(
            actor=actor, action="benefit_period_open", target=period, after={"start_month": str(period.start_month)}
        )
    return period


def insurance_year_record(
    *, enterprise: Enterprise, year: int, actor: Any, source: str = Source.MANUAL, import_job: Any = None, **values: Any
) -> tuple[InsuranceYear, bool]:
    """Create or update an enterprise's insurance facts for a year. Returns (row, changed)."""
    unknown = set(values) - set(INSURANCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown insurance fields: {sorted(unknown)}")
    with transaction.atomic():
        row = InsuranceYear.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
        before = insurance_snapshot(row) if row else None
        if row is None:
            row = InsuranceYear(enterprise=enterprise, year=year)
        for field, value in values.items():
            setattr(row, field, value)
        row.source = source
        row.import_job = import_job
        row.full_clean(exclude=["enterprise", "import_job"])
        after = insurance_snapshot(row)
        if before == after:
            return row, False
        row.save()
        audit_record(
            actor=actor,
            action="insurance_year_record",
            target=row,
            before=before,
            after=after,
        )
    return row, True


def _check_reveal(actor: Any, reason: str) -> str:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("You may not reveal full numbers."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("Say why you need the full number (at least 4 characters).")})
    return reason


def person_reveal_id_number(*, person: Person, actor: Any, reason: str) -> str:
    """The full ID number, for a user allowed to see it; the access is logged with the reason (PIPL)."""
    reason = _check_reveal(actor, reason)
    with transaction.atomic():
        SensitiveAccessLog.objects.create(
            actor=actor, person=person, field=SensitiveAccessLog.Field.ID_NUMBER, reason=reason
        )
    return person.id_number


def enterprise_reveal_bank_account(*, enterprise: Enterprise, actor: Any, reason: str) -> str:
    reason = _check_reveal(actor, reason)
    with transaction.atomic():
        SensitiveAccessLog.objects.create(
            actor=actor, enterprise=enterprise, field=SensitiveAccessLog.Field.BANK_ACCOUNT, reason=reason
        )
    return enterprise.bank_account


# --- Employment-difficult recognition (就业困难人员认定, clause （九）) ---------------------------------------------


def recognition_in_force(person: Person, on: dt.date) -> DifficultyRecognition | None:
    """The employment-difficult recognition in force for the person on a day, if any (clause （九）).

    In force from the day it was recognised through its last day: `valid_until` and `ended_on` are both the last
    day it holds, so a claim for a day equal to either is covered. This is the only definition of the rule."""
    return (
        DifficultyRecognition.objects.filter(person=person, recognised_on__lte=on)
        .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=on))
        .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on))
        .order_by("-recognised_on", "-id")
        .first()
    )


def registration_covering(person: Person, start: dt.date, end: dt.date) -> UnemploymentRegistration | None:
    """The unemployment registration that covers every day from start to end (clause （九）)."""
    return (
        UnemploymentRegistration.objects.filter(person=person, registered_on__lte=start)
        .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=end))
        .select_related("residence_county")
        .first()
    )


def recognition_grant(
    *,
    person: Person,
    categories: list[str],
    recognised_on: dt.date,
    actor: Any,
    registration: UnemploymentRegistration | None = None,
    valid_until: dt.date | None = None,
    reason: str = "",
) -> DifficultyRecognition:
    """Flag a person as employment-difficult with the accepted categories and dates (clause （九）).

    A new recognition replaces the one in force (which ends the day before), so a person has one at a time.
    """
    chosen = [c for c in DifficultyCategory.values if c in set(categories)]
    if not chosen or len(chosen) != len(set(categories)):
        raise ValidationError({"categories": _("Choose at least one category, from the list.")})
    if valid_until is not None and valid_until < recognised_on:
        raise ValidationError({"valid_until": _("A recognition cannot end before it starts.")})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        current = (
            DifficultyRecognition.objects.select_for_update()
            .filter(person=person, ended_on__isnull=True)
            .order_by("-recognised_on", "-id")
        )
        for previous in current:
            recognition_end(
                recognition=previous,
                ended_on=max(previous.recognised_on, recognised_on - dt.timedelta(days=1)),
                actor=actor,
                reason="replaced by a new recognition",
            )
        recognition = DifficultyRecognition.objects.create(
            person=person,
            registration=registration,
            categories=chosen,
            recognised_on=recognised_on,
            valid_until=valid_until,
        )
        audit_record(
            actor=actor,
            action="recognition_grant",
            target=recognition,
            after={
                "person": person.pk,
                "categories": chosen,
                "recognised_on": str(recognised_on),
                "valid_until": str(valid_until) if valid_until else None,
                "registration": registration.pk if registration else None,
            },
            reason=reason,
        )
    return recognition


def recognition_end(
    *, recognition: DifficultyRecognition, ended_on: dt.date, actor: Any, reason: str = ""
) -> DifficultyRecognition:
    """End a recognition (the person no longer qualifies, or a new recognition replaces it)."""
    with transaction.atomic():
        recognition = DifficultyRecognition.objects.select_for_update().get(pk=recognition.pk)
        if recognition.ended_on is not None:
            raise ValidationError(_("This recognition has already ended."))
        if ended_on < recognition.recognised_on:
            raise ValidationError({"ended_on": _("A recognition cannot end before the day it was made.")})
        recognition.ended_on = ended_on
        recognition.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action="recognition_end",
            target=recognition,
            before={"ended_on": None},
            after={"ended_on": str(ended_on)},
            reason=reason,
        )
    return recognition


QUALITY_LIST_PERMISSION = "portal.manage_parameters"


def enterprise_quality_list_set(*, enterprise: Enterprise, on_list: bool, actor: Any, reason: str = "") -> Enterprise:
    """Put an enterprise on the quality-enterprise list (名优企业名录, clause （二）) or take it off; officers only."""
    if not actor.has_perm(QUALITY_LIST_PERMISSION):
        raise PermissionDenied(_("Only prefecture officers maintain the quality-enterprise list."))
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.on_quality_list == on_list:
            return enterprise
        enterprise.on_quality_list = on_list
        enterprise.save(update_fields=["on_quality_list", "updated_at"])
        audit_record(
            actor=actor,
            action="enterprise_quality_list_set",
            target=enterprise,
            before={"on_quality_list": not on_list},
            after={"on_quality_list": on_list},
            reason=reason,
        )
    return enterprise
