"""Helpers for the residents' claims tests: a resident with an account, registry facts, claim data."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group

from portal.models import ResidentAccount, User
from portal.roles import Role
from registry.models import County, DifficultyCategory, DifficultyRecognition, Person, PersonInsurance
from registry.services import person_register, registration_open

PASSWORD = "Xinjiang-Tacheng-1"
ID_NUMBERS = ["654201198503150018", "654202199807080021", "654221199211220037", "65422419880808006X"]


def make_resident(
    id_number: str = ID_NUMBERS[0],
    *,
    name: str = "王建国",
    county_code: str = "654201",
    registered_on: date | None = date(2020, 1, 6),
    recognised: bool = True,
    insured_months: int | None = None,
    password: str = PASSWORD,
) -> tuple[User, Person]:
    """A resident account bound to a person, registered unemployed and recognised employment-difficult."""
    county = County.objects.get(code=county_code)
    person = person_register(id_number=id_number, name=name, residence_county=county, actor=None)
    phone = f"139{abs(hash(id_number)) % 100_000_000:08d}"
    user = User.objects.create_user(username=phone, password=password, phone=phone, first_name=name)
    user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
    ResidentAccount.objects.create(user=user, person=person)
    if registered_on is not None:
        registration = registration_open(person=person, registered_on=registered_on, actor=None)
        if recognised:
            DifficultyRecognition.objects.create(
                person=person,
                registration=registration,
                categories=[DifficultyCategory.LONG_TERM_UNEMPLOYED],
                recognised_on=registered_on,
            )
    if insured_months is not None:
        PersonInsurance.objects.create(person=person, insured_months=insured_months, as_of=date(2026, 1, 1))
    return user, person


def training_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "institution": "塔城市职业技能培训中心",
        "course": "电工",
        "training_type": "employment_skills",
        "hours": 120,
        "cost": Decimal("1600.00"),
        "result": "passed",
        "certificate_number": f"PX{uuid.uuid4().hex[:10].upper()}",
        "training_start": date(2020, 5, 1),
        "training_end": date(2020, 5, 20),
        "bank_name": "中国农业银行塔城分行",
    }
    data.update(overrides)
    return data


def skill_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "occupation": "电工",
        "certificate_level": "junior",
        "certificate_number": f"JN{uuid.uuid4().hex[:10].upper()}",
        "certificate_date": date(2025, 6, 1),
        "insured_months": None,
        "bank_name": "中国农业银行塔城分行",
    }
    data.update(overrides)
    return data


BANK = "6228480012345678901"
