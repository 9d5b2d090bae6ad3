"""Demo data of 告知承诺制 (subsidies.commitments), called by the workbench's demo cases (subsidies.demo_cases), so
that 塔城市 has a case in every state, revoked included.

Three residents of 塔城市 whose household registration is elsewhere, each applying at the service desk to register
as unemployed and signing a commitment instead of proving where they live:
- 阿卜杜拉·热合曼: submitted, in the 塔城市 queue; the caseworker sees the promised item on the case page.
- 古丽米拉·吐尔洪: registered (decided), drawn for the post-check (the draw and its inputs on the case page); when the
  draw at the sample rate in force does not pick the case, the demo officer opens the check with a reason, so that
  a check is always pending on `caseworker`'s list (/workbench/commitments/).
- 买买提·吐尔逊: registered, checked, the promise found false: the decision revoked, the amount to recover recorded
  (none: a registration pays nothing), the registration ended and the resident barred from commitments.

Every step goes through the services, so each case has its real history. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from registry.demo import demo_resident
from registry.models import County
from subsidies.cases.workflow import case_approve, case_take
from subsidies.commitments import commitment_check_decide, commitment_check_order, commitment_draw, commitment_sign
from subsidies.measures.m09_registration import (
    RESIDENCE,
    registration_answers_save,
    registration_draft_start,
    registration_residence_save,
    registration_submit,
)
from subsidies.models import Case, CommitmentCheck

COUNTY = "654201"
ANSWERS = {
    "able_and_willing": True,
    "work_end_reason": "contract_ended",
    "last_employer": "塔城市示例建材有限公司",
    "work_ended_on": "2019-02-28",
    "occupation": "叉车司机",
    "expected_wage": "3000.00",
}
# name, household-registration area (额敏县, 托里县, 裕民县), birth, sequence (odd = man), what happens
PEOPLE = [
    ("阿卜杜拉·热合曼", "654221", date(1987, 5, 9), 517, "submitted"),
    ("古丽米拉·吐尔洪", "654224", date(1991, 10, 23), 648, "checked"),
    ("买买提·吐尔逊", "654225", date(1984, 7, 2), 359, "revoked"),
]


def _person(name: str, hukou: str, birth: date, seq: int, county: County) -> Any:
    return demo_resident(
        name=name, hukou=hukou, birth=birth, seq=seq, county=county, phone=f"1380{seq:03d}{birth:%m%d}"
    )


def _apply(person: Any, county: County, desk: Any) -> Case:
    """At the service desk: the caseworker fills in the application with the resident, who signs the commitment."""
    case = registration_draft_start(person=person, actor=desk)
    case = registration_residence_save(
        case=case, county=county, address=person.address, residence_permit="", move=False, actor=desk
    )
    commitment_sign(case=case, purpose=RESIDENCE, signed_name=person.name, ip_address=None, actor=desk)
    case = registration_answers_save(case=case, answers=ANSWERS, actor=desk)
    return registration_submit(case=case, token=uuid.uuid4(), actor=desk)


def seed(*, stdout: Any) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["caseworker", "officer"])}
    if len(users) < 2:
        return
    county = County.objects.get(code=COUNTY)
    for name, hukou, birth, seq, outcome in PEOPLE:
        with transaction.atomic():
            person = _person(name, hukou, birth, seq, county)
            if Case.objects.filter(person=person, enterprise__isnull=True).exists():
                continue
            case = _apply(person, county, users["caseworker"])
            if outcome == "submitted":
                continue
            case_take(case=case, actor=users["caseworker"])
            case = case_approve(case=case, actor=users["caseworker"])
            draw = commitment_draw(case=case, actor=None)
            if draw is not None and not draw.sampled and not CommitmentCheck.objects.filter(case=case).exists():
                commitment_check_order(
                    case=case,
                    reason="群众反映该居民实际居住地址存疑，定向核查居住情况（演示数据）",
                    actor=users["officer"],
                )
            if outcome == "revoked":
                commitment_check_decide(
                    check=CommitmentCheck.objects.get(case=case),
                    found_false=True,
                    note="社区走访核实：该居民未在所填地址居住，房东否认出租（演示数据）",
                    actor=users["caseworker"],
                )
    stdout.write(
        "  commitments (告知承诺制): a promised residence proof in the queue, a pending post-check, a revoked decision"
    )
