"""Demo residents' claims (clauses （七）, （八）, （三）): call `seed(stdout=...)` from `manage.py seed_demo`.

A demo resident `resident_claims` (password as the other demo accounts) of 塔城市, registered unemployed since 2020
and recognised employment-difficult, has: a training subsidy and living allowance waiting in 塔城市's queue, a
skill-upgrade subsidy already approved, and a start-up loan request waiting for certification. Idempotent; synthetic
data only (Faker-free fixed name, an ID number with a valid check character).
"""

from __future__ import annotations

import random
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from portal.demo.accounts import DEMO_PASSWORD
from portal.models import ResidentAccount, User
from portal.roles import Role
from registry.demo import demo_id_number
from registry.models import County, DifficultyCategory, DifficultyRecognition, PersonInsurance, Source
from registry.services import person_find_by_id_number, person_register, registration_open
from subsidies.cases.workflow import case_approve, case_take
from subsidies.measures.m03_startup_loan import startup_loan_claim_submit
from subsidies.measures.m07_training import training_claim_submit
from subsidies.measures.m08_skill_upgrade import skill_upgrade_claim_submit
from subsidies.models import Case, CaseKind

USERNAME = "resident_claims"
NAME = "马玉兰"
PHONE = "13899012019"
BANK = "6228480088012345678"


def _resident() -> tuple[User, Any]:
    user = User.objects.filter(username=USERNAME).first()
    if user is not None and hasattr(user, "resident"):
        return user, user.resident.person
    county = County.objects.get(code="654201")
    rng = random.Random(7007)  # noqa: S311 - demo data
    while True:
        number = demo_id_number(rng, "654201")
        existing = person_find_by_id_number(number)
        if existing is None:
            break
    person = person_register(id_number=number, name=NAME, residence_county=county, phone=PHONE, actor=None)
    if user is None:
        user = User.objects.create_user(username=USERNAME, password=DEMO_PASSWORD, phone=PHONE, first_name=NAME)
    user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
    ResidentAccount.objects.create(user=user, person=person)
    registration = registration_open(person=person, registered_on=date(2020, 2, 3), actor=None)
    DifficultyRecognition.objects.create(
        person=person,
        registration=registration,
        categories=[DifficultyCategory.OLDER_WORKER],
        recognised_on=date(2020, 2, 10),
    )
    PersonInsurance.objects.create(
        person=person, insured_months=48, ui_contribution_months=48, as_of=date(2025, 12, 31), source=Source.DEMO
    )
    return user, person


def seed(*, stdout: Any) -> None:
    with transaction.atomic():
        user, person = _resident()
        made = 0
        if not Case.objects.filter(person=person, kind=CaseKind.TRAINING_SUBSIDY).exists():
            training_claim_submit(
                person=person,
                data={
                    "institution": "塔城市职业技能培训中心",
                    "course": "中式烹调师",
                    "training_type": "employment_skills",
                    "hours": 160,
                    "cost": Decimal("1500.00"),
                    "result": "passed",
                    "certificate_number": "PX-DEMO-2020-0001",
                    "training_start": date(2020, 4, 6),
                    "training_end": date(2020, 4, 30),
                    "bank_name": "中国农业银行塔城分行",
                },
                bank_account=BANK,
                living_allowance=True,
                token=uuid.uuid4(),
                actor=user,
            )
            made += 2
        if not Case.objects.filter(person=person, kind=CaseKind.SKILL_UPGRADE).exists():
            case = skill_upgrade_claim_submit(
                person=person,
                data={
                    "occupation": "中式烹调师",
                    "certificate_level": "intermediate",
                    "certificate_number": "JN-DEMO-2025-0001",
                    "certificate_date": date(2025, 9, 1),
                    "bank_name": "中国农业银行塔城分行",
                },
                bank_account=BANK,
                token=uuid.uuid4(),
                actor=user,
            )
            caseworker = User.objects.filter(username="caseworker").first()
            if caseworker is not None:
                case_take(case=case, actor=caseworker)
                case_approve(case=case, actor=caseworker)
            made += 1
        if not Case.objects.filter(person=person, kind=CaseKind.STARTUP_LOAN).exists():
            startup_loan_claim_submit(
                person=person,
                data={
                    "category": "registered_unemployed",
                    "business_name": "玉兰家常菜馆",
                    "business_activity": "经营一家十张桌的家常菜馆，雇用两名帮工。",
                    "requested_amount": Decimal("100000.00"),
                },
                token=uuid.uuid4(),
                actor=user,
            )
            made += 1
    stdout.write(f"Residents' claims: {made} new for the demo resident {USERNAME} ({person.id_number_masked}).")
