"""好差评 (国办发〔2019〕51号): a decided case is rated once on the five national levels; a bad rating opens the
county's follow-up, due a dated number of working days later on the holiday calendar, closed with an outcome the
person is told; an overdue follow-up is escalated to the prefecture by beat, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing

from portal import sms
from portal.beat import BEAT_SCHEDULE
from portal.celery import app as celery_app
from registry.audit import audit_trail
from registry.refusals import Refused
from subsidies import ratings
from subsidies.cases import workflow
from subsidies.models import (
    FollowUp,
    FollowUpOutcome,
    FollowUpState,
    FollowUpStepKind,
    Notification,
    NotificationEvent,
    Rating,
    RatingChannel,
    RatingLevel,
)
from subsidies.notifications import notification_texts
from subsidies.parameters import parameter_overlay
from subsidies.tasks import follow_ups_escalate_due

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13999012345"
# Friday 2019-09-27, before the National Day holiday (10-01..10-07) and its worked days (Sunday 09-29, Saturday 10-12).
FRIDAY_BEFORE_NATIONAL_DAY = datetime(2019, 9, 27, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _locmem_sms(settings):
    settings.SMS_SENDER = "portal.sms.LocmemSender"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def resident(make_person, make_resident_user):
    user = make_resident_user(make_person())
    user.phone = PHONE
    user.save()
    return user


@pytest.fixture
def submitted(resident, submit_registration, django_capture_on_commit_callbacks):
    """The resident's unemployment registration in 乌苏市, submitted, not yet decided."""
    with django_capture_on_commit_callbacks(execute=True):
        return submit_registration(resident)


@pytest.fixture
def decided(submitted, caseworker_wusu, django_capture_on_commit_callbacks):
    """The registration decided (registered: final) by a caseworker of 乌苏市."""
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_take(case=submitted, actor=caseworker_wusu)
        return workflow.case_approve(case=submitted, actor=caseworker_wusu)


def _rate(case, level, *, actor, channel=RatingChannel.ONLINE, comment="", when=FRIDAY_BEFORE_NATIONAL_DAY):
    with time_machine.travel(when, tick=False):
        return ratings.rating_record(case=case, level=level, comment=comment, channel=channel, actor=actor)


def test_it_rates_a_decided_case_once_whatever_a_second_attempt_says(decided, resident) -> None:
    first = _rate(decided, RatingLevel.VERY_SATISFIED, actor=resident, comment="办理很快")
    second = _rate(decided, RatingLevel.VERY_DISSATISFIED, actor=resident)
    assert second.pk == first.pk
    assert Rating.objects.filter(case=decided).count() == 1
    assert Rating.objects.get(case=decided).level == RatingLevel.VERY_SATISFIED
    assert FollowUp.objects.count() == 0
    assert audit_trail(decided).filter(action="case_rate").count() == 1


def test_it_refuses_to_rate_a_case_not_yet_decided_and_says_why(submitted, resident) -> None:
    with pytest.raises(Refused, match="办件办结后才能评价"):
        _rate(submitted, RatingLevel.SATISFIED, actor=resident)
    assert not Rating.objects.exists()


def test_a_good_rating_opens_no_follow_up(decided, resident) -> None:
    for level in (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.FAIRLY_SATISFIED):
        assert not Rating(level=level).is_bad
    _rate(decided, RatingLevel.FAIRLY_SATISFIED, actor=resident)
    assert not FollowUp.objects.exists()


def test_a_bad_rating_opens_a_follow_up_due_in_working_days_past_the_national_day_holiday(decided, resident) -> None:
    """15 working days (the seeded sample) after Friday 2019-09-27: the worked Sunday 09-29, Monday 09-30, the
    holiday skipped, 10-08..10-11, the worked Saturday 10-12, and so on to Wednesday 2019-10-23."""
    rating = _rate(decided, RatingLevel.DISSATISFIED, actor=resident, comment="窗口排队太久")
    follow_up = rating.follow_up
    assert follow_up.state == FollowUpState.OPEN
    assert follow_up.county == decided.county
    assert follow_up.due_on.isoformat() == "2019-10-23"
    assert audit_trail(follow_up).filter(action="follow_up_open").count() == 1


def test_the_deadline_follows_the_parameter_in_force(decided, resident, officer) -> None:
    with parameter_overlay(key=ratings.FOLLOW_UP_DAYS, value=5, valid_from=FRIDAY_BEFORE_NATIONAL_DAY.date()):
        rating = _rate(decided, RatingLevel.VERY_DISSATISFIED, actor=resident)
    # 09-29 (worked Sunday), 09-30, then 10-08, 10-09, 10-10.
    assert rating.follow_up.due_on.isoformat() == "2019-10-10"


def test_the_follow_up_closes_after_the_contact_and_the_person_is_told_the_outcome(
    decided, resident, caseworker_wusu, django_capture_on_commit_callbacks
) -> None:
    follow_up = _rate(decided, RatingLevel.DISSATISFIED, actor=resident).follow_up
    with pytest.raises(Refused, match="请先记录与评价人的联系情况"):
        ratings.follow_up_close(
            follow_up=follow_up, outcome=FollowUpOutcome.EXPLAINED, text="已电话说明办理时限。", actor=caseworker_wusu
        )
    ratings.follow_up_step_add(
        follow_up=follow_up, kind=FollowUpStepKind.CONTACT, note="电话联系本人，了解排队情况。", actor=caseworker_wusu
    )
    ratings.follow_up_step_add(
        follow_up=follow_up, kind=FollowUpStepKind.VERIFY, note="核实当日窗口只开一个。", actor=caseworker_wusu
    )
    with django_capture_on_commit_callbacks(execute=True):
        ratings.follow_up_close(
            follow_up=follow_up,
            outcome=FollowUpOutcome.RECTIFIED,
            text="已增开一个失业登记窗口，并向您致歉。",
            actor=caseworker_wusu,
        )
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.CLOSED
    assert [s.kind for s in follow_up.steps.all()] == ["contact", "verify", "rectify"]
    assert all(s.actor == caseworker_wusu and s.created_at for s in follow_up.steps.all())
    told = Notification.objects.get(case=decided, event=NotificationEvent.FOLLOW_UP_CLOSED)
    assert told.details["reason"] == "已增开一个失业登记窗口，并向您致歉。"
    assert any("已增开一个失业登记窗口" in message.text and message.phone == PHONE for message in sms.outbox)
    row = audit_trail(decided).get(action="case_follow_up_close")
    assert ratings.timeline_sentence(row.action, row.after, row.reason).endswith("已增开一个失业登记窗口，并向您致歉。")
    with pytest.raises(Refused, match="此差评整改已办结"):
        ratings.follow_up_step_add(
            follow_up=follow_up, kind=FollowUpStepKind.CONTACT, note="再次电话联系本人。", actor=caseworker_wusu
        )


def test_a_caseworker_of_another_county_cannot_work_the_follow_up(decided, resident, caseworker) -> None:
    follow_up = _rate(decided, RatingLevel.VERY_DISSATISFIED, actor=resident).follow_up
    with pytest.raises(Refused):
        ratings.follow_up_step_add(
            follow_up=follow_up, kind=FollowUpStepKind.CONTACT, note="电话联系本人了解情况。", actor=caseworker
        )
    assert not follow_up.steps.exists()


def test_only_a_caseworker_of_the_county_records_a_rating_at_the_counter(decided, caseworker, caseworker_wusu) -> None:
    with pytest.raises(Refused):
        _rate(decided, RatingLevel.SATISFIED, actor=caseworker, channel=RatingChannel.COUNTER)
    rating = _rate(decided, RatingLevel.SATISFIED, actor=caseworker_wusu, channel=RatingChannel.COUNTER)
    assert (rating.channel, rating.recorded_by) == (RatingChannel.COUNTER, caseworker_wusu)


def test_an_overdue_follow_up_is_escalated_once_by_the_daily_task(decided, resident) -> None:
    follow_up = _rate(decided, RatingLevel.DISSATISFIED, actor=resident).follow_up
    assert BEAT_SCHEDULE["follow-ups-escalate-due"]["task"] in celery_app.tasks
    with time_machine.travel(datetime(2019, 10, 23, 23, 0, tzinfo=SHANGHAI), tick=False):
        assert follow_ups_escalate_due() == []  # the last day itself is not overdue
    with time_machine.travel(datetime(2019, 10, 24, 0, 45, tzinfo=SHANGHAI), tick=False):
        assert follow_ups_escalate_due() == [follow_up.pk]
        assert follow_ups_escalate_due() == []
        assert ratings.follow_up_escalate(follow_up_id=follow_up.pk) is False
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.ESCALATED
    assert follow_up.escalated_at is not None
    assert audit_trail(follow_up).filter(action="follow_up_escalate").count() == 1


def test_the_decisions_text_message_carries_a_link_to_rate_until_the_case_is_rated(
    submitted, resident, caseworker_wusu, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_take(case=submitted, actor=caseworker_wusu)
        workflow.case_approve(case=submitted, actor=caseworker_wusu)
    final = Notification.objects.get(case=submitted, event=NotificationEvent.FINAL)
    [message] = [m for m in sms.outbox if submitted.reference in m.text and "/apply/ratings/link/" in m.text]
    # The case's link ends before the invitation begins (a phone would otherwise run the two together).
    assert f"/apply/services/cases/{submitted.pk}/ 请评价本次服务：" in message.text
    token = message.text.split("/apply/ratings/link/")[1].split("/")[0]
    assert ratings.case_of_link(token) == submitted
    assert resident.phone not in token and str(submitted.reference) not in token
    ratings.rating_record(case=submitted, level=RatingLevel.SATISFIED, channel=RatingChannel.SMS, actor=None)
    assert "/apply/ratings/link/" not in notification_texts(final).sms


def test_a_tampered_or_expired_link_names_no_case(decided) -> None:
    token = ratings.rating_link_token(decided)
    other = signing.dumps(decided.pk + 1, salt="another.salt")
    assert ratings.case_of_link(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert ratings.case_of_link(other) is None
    with time_machine.travel(timedelta(days=31)), pytest.raises(ratings.LinkExpired):
        ratings.case_of_link(token)


def test_the_satisfaction_table_counts_each_level_and_the_satisfied_share(
    decided, resident, make_person, make_resident_user, submit_registration, caseworker_wusu
) -> None:
    _rate(decided, RatingLevel.VERY_SATISFIED, actor=resident)
    others = []
    for n, level in enumerate([RatingLevel.FAIRLY_SATISFIED, RatingLevel.VERY_DISSATISFIED]):
        user = make_resident_user(make_person(birth=date(1990, 1, 1 + n)))
        case = submit_registration(user)
        workflow.case_take(case=case, actor=caseworker_wusu)
        others.append(workflow.case_approve(case=case, actor=caseworker_wusu))
        _rate(others[-1], level, actor=user)
    month = FRIDAY_BEFORE_NATIONAL_DAY.date().replace(day=1)
    summary = ratings.satisfaction_summary(start=month, end=month, county_ids=None, kinds=None)
    [row] = summary.rows
    assert row.county == decided.county and row.kind == decided.kind and row.month == month
    assert row.counts == [1, 0, 1, 0, 1]
    assert row.total == 3
    assert row.rate == Decimal("66.7")  # 2 of 3, half up
    [figures] = summary.follow_ups
    assert (figures.county, figures.open, figures.escalated) == (decided.county, 1, 0)
    assert ratings.satisfaction_summary(start=month, end=month, county_ids=(0,), kinds=None).rows == []
