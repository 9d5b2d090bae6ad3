"""Demo data of 好差评 (subsidies.ratings), on the demo residents' decided registrations (portal.demo.residents):

- 李娜 (乌苏市, registered) rated the service 非常满意 at the counter;
- 陈刚 (塔城市, registered, since re-employed) rated it 不满意: a follow-up open for 塔城市, the person contacted;
- 孙丽 (乌苏市, rejected) rated it 非常不满意: her follow-up is past its last day and escalated to the prefecture
  (its deadline moved back to yesterday here, since a demo cannot wait 15 working days).

Idempotent: a case already rated is left alone. Through the services, so every row has its audit trail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.demo.residents import PEOPLE
from portal.models import User
from registry.demo import demo_resident_id
from registry.services import person_find_by_id_number
from subsidies import ratings
from subsidies.models import Case, CaseKind, FollowUp, FollowUpStepKind, Rating, RatingChannel, RatingLevel


def _registration_of(name: str) -> Case | None:
    for who, hukou, birth, seq, _county, _state in PEOPLE:
        if who == name:
            person = person_find_by_id_number(demo_resident_id(hukou, birth, seq))
            if person is None:
                return None
            return (
                Case.objects.filter(person=person, kind=CaseKind.UNEMPLOYMENT_REGISTRATION, enterprise__isnull=True)
                .order_by("id")
                .first()
            )
    return None


def seed(*, stdout: Any) -> None:
    good, open_one, escalated = _registration_of("李娜"), _registration_of("陈刚"), _registration_of("孙丽")
    wusu = User.objects.filter(username="caseworker_wusu").first()
    tacheng = User.objects.filter(username="caseworker").first()
    if None in (good, open_one, escalated, wusu, tacheng):
        return
    if not Rating.objects.filter(case=good).exists():
        ratings.rating_record(
            case=good, level=RatingLevel.VERY_SATISFIED, comment="一次办好，很方便。", channel=RatingChannel.COUNTER,
            actor=wusu,
        )  # fmt: skip
    if not Rating.objects.filter(case=open_one).exists():
        rating = ratings.rating_record(
            case=open_one, level=RatingLevel.DISSATISFIED, comment="等候时间太长。", channel=RatingChannel.COUNTER,
            actor=tacheng,
        )  # fmt: skip
        ratings.follow_up_step_add(
            follow_up=rating.follow_up, kind=FollowUpStepKind.CONTACT, note="已电话联系本人，了解等候情况。",
            actor=tacheng,
        )  # fmt: skip
    if not Rating.objects.filter(case=escalated).exists():
        rating = ratings.rating_record(
            case=escalated, level=RatingLevel.VERY_DISSATISFIED, comment="不予登记的理由没有讲清楚。",
            channel=RatingChannel.SMS, actor=None,
        )  # fmt: skip
        with transaction.atomic():
            FollowUp.objects.filter(pk=rating.follow_up.pk).update(due_on=timezone.localdate() - timedelta(days=1))
        ratings.follow_up_escalate(follow_up_id=rating.follow_up.pk)
    stdout.write(
        "  好差评: a rated case (李娜), an open follow-up (陈刚, 塔城市), an escalated one (孙丽); "
        "/workbench/follow-ups/"
    )
