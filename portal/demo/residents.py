"""Demo residents in every state of the resident journey (clause （九）); called by portal.demo.seed.

- The demo `resident` sign-in is bound to 阿依古丽·买买提 (654201198503150018, 塔城市), registered as unemployed, so
  "my services" shows a registration and the recognition can be asked for.
- Synthetic residents of 乌苏市 and 塔城市 with applications submitted, in review, returned, rejected, registered,
  recognised and ended by re-employment, one of them with a household registration in another province (四川).
Idempotent: people are found by their ID number; a person who already has cases is left alone.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.models import ResidentAccount, User
from portal.roles import Role
from registry.demo import demo_resident
from registry.models import County, DifficultyCategory
from registry.services import person_find_by_id_number, registration_open
from subsidies.cases.workflow import case_approve, case_reject, case_return, case_take
from subsidies.measures.m09_registration import (
    active_registration,
    recognition_decide,
    recognition_draft_start,
    recognition_submit,
    registration_answers_save,
    registration_draft_start,
    registration_report_work,
    registration_residence_save,
    registration_submit,
)
from subsidies.models import Case

DEMO_RESIDENT_USER = "resident"
DEMO_RESIDENT_ID = "654201198503150018"  # POLICY.md test number, in registry.demo as 阿依古丽·买买提

ANSWERS = {
    "able_and_willing": True,
    "work_end_reason": "contract_ended",
    "last_employer": "示例商贸有限公司",
    "work_ended_on": "2019-01-31",
    "occupation": "仓库管理员",
    "expected_wage": "2500.00",
    "training_wishes": "叉车操作",
    "skills": "C1 驾照",
}


# name, hukou area, birth, sequence (odd = man), county of residence, state
PEOPLE = [
    ("李娜", "510107", date(1990, 4, 12), 826, "654202", "registered"),  # 户口 in 成都 (四川), lives in 乌苏市
    ("马建国", "654202", date(1988, 9, 3), 415, "654202", "submitted"),
    ("热依拉·吐尔逊", "654221", date(1995, 2, 20), 622, "654202", "in_review"),
    ("赵磊", "654202", date(1992, 11, 8), 733, "654202", "returned"),
    ("孙丽", "654202", date(1999, 6, 1), 284, "654202", "rejected"),
    ("王秀英", "654202", date(1972, 3, 5), 188, "654202", "recognised"),  # a woman of 45+
    ("陈刚", "654201", date(1983, 1, 17), 351, "654201", "ended"),
    ("周敏", "654201", date(1994, 8, 30), 462, "654201", "draft"),
]


def _staff(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _submit(person: Any, actor: Any, county: County) -> Case:
    case = registration_draft_start(person=person, actor=actor)
    case = registration_residence_save(
        case=case,
        county=county,
        address=person.address or f"{county.name}示例路 8 号",
        residence_permit="" if person.hukou_area_code == county.code else "川居 5101072019000826",
        move=False,
        actor=actor,
    )
    case = registration_answers_save(case=case, answers=ANSWERS, actor=actor)
    return registration_submit(case=case, token=uuid.uuid4(), actor=actor)


def _register(case: Case, worker: Any) -> None:

    case_take(case=case, actor=worker)
    case_approve(case=case, actor=worker)


def _resident(*, name: str, hukou: str, birth: date, seq: int, county: County, state: str, stdout: Any) -> None:
    person = demo_resident(
        name=name, hukou=hukou, birth=birth, seq=seq, county=county, phone=f"1390{seq:03d}{birth:%m%d}"
    )
    if Case.objects.filter(person=person, enterprise__isnull=True).exists():
        return
    worker = _staff("caseworker_wusu" if county.code == "654202" else "caseworker")
    if worker is None:
        return
    actor = worker  # applications made at the service desk on the resident's behalf
    if state == "draft":
        registration_draft_start(person=person, actor=actor)
        return
    case = _submit(person, actor, county)
    if state == "submitted":
        return
    if state in ("registered", "recognised", "ended"):
        _register(case, worker)
        if state == "ended":
            registration = active_registration(person)
            registration_report_work(
                registration=registration,
                started_on=timezone.localdate(),
                employer="塔城市示例物流有限公司",
                actor=worker,
            )
        if state == "recognised":
            recognition = recognition_draft_start(person=person, actor=actor)
            recognition.answers = {**recognition.answers, "categories_chosen": True, "declaration": True}
            recognition.save(update_fields=["answers"])
            recognition = recognition_submit(case=recognition, token=uuid.uuid4(), actor=actor)
            case_take(case=recognition, actor=worker)
            recognition_decide(case=recognition, accepted=[DifficultyCategory.OLDER_WORKER], reason="", actor=worker)
        return
    case_take(case=case, actor=worker)
    if state == "returned":
        case_return(case=case, reason="请补充上一份工作的解除劳动合同证明。", actor=worker)
    elif state == "rejected":
        case_reject(case=case, reason="经核实，申请人目前已在本市就业。", actor=worker)


def _bind_demo_resident(*, stdout: Any) -> None:
    user = User.objects.filter(username=DEMO_RESIDENT_USER).first()
    person = person_find_by_id_number(DEMO_RESIDENT_ID)
    if user is None or person is None:
        return
    with transaction.atomic():
        if not hasattr(user, "resident") and not hasattr(person, "account"):
            ResidentAccount.objects.create(user=user, person=person, phone_confirmed_at=timezone.now())
            user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
        if active_registration(person) is None and not person.registrations.exists():
            registration_open(person=person, registered_on=date(2019, 3, 1), actor=None)
    stdout.write(f"  resident sign-in is {person.name} ({person.id_number_masked}); my services at /apply/services/")


def seed(*, stdout: Any) -> None:
    """Idempotent: a second run changes nothing."""
    _bind_demo_resident(stdout=stdout)
    counties = {c.code: c for c in County.objects.all()}
    for name, hukou, birth, seq, county, state in PEOPLE:
        with transaction.atomic():
            _resident(name=name, hukou=hukou, birth=birth, seq=seq, county=counties[county], state=state, stdout=stdout)
    stdout.write("  demo residents: registration applications in every state (乌苏市, 塔城市), one 户口 in 四川")
