"""Building blocks for the resident-journey tests: people of a given age and sex, resident accounts, and
registration applications submitted as the wizard submits them. (No tests in this module.)"""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from typing import Any

from django.contrib.auth.models import Group

from portal.models import ResidentAccount, User
from portal.roles import Role
from registry.identifiers import id_check_character
from registry.models import County, Person
from registry.services import person_register
from subsidies.measures.m09_registration import (
    registration_answers_save,
    registration_draft_start,
    registration_residence_save,
)
from subsidies.measures.m09_registration import registration_submit as submit
from subsidies.models import Case

_sequence = itertools.count(10)


def id_number(birth: date, sex: str = "F", area: str = "654202") -> str:
    """A valid synthetic ID number (GB 11643): odd sequence for men, even for women."""
    n = next(_sequence) % 499
    seq = 2 * n + (1 if sex == "M" else 2)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_character(body)


def person(
    *, birth: date = date(1985, 3, 15), sex: str = "F", area: str = "654202", county: str = "654202", **kw: Any
) -> Person:
    return person_register(
        id_number=id_number(birth, sex, area),
        name=kw.pop("name", "古丽娜尔·艾力"),
        residence_county=County.objects.get(code=county),
        actor=None,
        **kw,
    )


def resident_user(who: Person, *, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or f"1390000{who.pk:04d}", password="Xinjiang-Tacheng-1")
    user.first_name = who.name
    user.save()
    user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
    ResidentAccount.objects.create(user=user, person=who)
    return user


def registration_draft(user: User, *, county: str = "654202", move: bool = False, permit: str = "") -> Case:
    who = user.resident.person
    case = registration_draft_start(person=who, actor=user)
    place = County.objects.get(code=county)
    case = registration_residence_save(
        case=case,
        county=place,
        address="乌苏市虹桥街道 12 号",
        residence_permit=permit or "新654202-2019-0001",
        move=move,
        actor=user,
    )
    return registration_answers_save(
        case=case,
        actor=user,
        answers={
            "able_and_willing": True,
            "last_employer": "乌苏市示例商贸有限公司",
            "work_ended_on": "2019-01-15",
            "work_end_reason": "contract_ended",
            "occupation": "仓库管理员",
            "expected_wage": "2500.00",
            "training_wishes": "叉车",
            "skills": "驾驶",
        },
    )


def registration_submitted(user: User, **kw: Any) -> Case:
    return submit(case=registration_draft(user, **kw), token=uuid.uuid4(), actor=user)
