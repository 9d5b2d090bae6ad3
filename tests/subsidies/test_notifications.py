"""Notifications: an SMS and an email at each step that concerns the applicant (and to an objector), written in the
event's transaction, sent once after commit, retried by the sweeper, in the applicant's language."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from portal import sms
from portal.beat import BEAT_SCHEDULE
from portal.celery import app as celery_app
from portal.roles import Role
from subsidies.cases import publication, workflow
from subsidies.measures.m11_referral import referral_record
from subsidies.models import NoticeListKind, Notification, NotificationEvent, NotificationState
from subsidies.notifications import notification_run, notifications_order_on_transition, notifications_sweep

pytestmark = pytest.mark.django_db
E = NotificationEvent
PHONE = "13999012345"


class BrokenSender:
    """An SMS gateway that is down (plugged in through settings.SMS_SENDER, as production plugs in its own)."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway unreachable")


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def applicant(make_user):
    user = make_user(Role.ENTERPRISE_APPLICANT)
    user.phone = PHONE
    user.email = "clerk@example.com"
    user.save()
    return user


@pytest.fixture
def submitted(applicant, officer, make_enterprise, submit_refund, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submit_refund(applicant, make_enterprise(officer))


def _return(case, caseworker, reason, on_commit):
    with on_commit(execute=True):
        workflow.case_take(case=case, actor=caseworker)
        workflow.case_return(case=case, reason=reason, actor=caseworker)


def test_it_tells_the_applicant_by_sms_and_email_that_the_application_was_received(submitted) -> None:
    notification = Notification.objects.get(case=submitted)
    assert notification.event == E.SUBMITTED
    assert notification.state == NotificationState.SENT
    [text] = sms.outbox
    assert text.phone == PHONE
    assert submitted.reference in text.text
    assert "申请已受理" in text.text or "已受理" in text.text
    assert f"http://127.0.0.1:8000/apply/cases/{submitted.pk}/" in text.text
    [email] = mail.outbox
    assert email.to == ["clerk@example.com"]
    assert submitted.reference in email.subject
    assert f"/apply/cases/{submitted.pk}/" in email.body


def test_a_returned_case_tells_the_reason_and_links_to_the_timeline_in_chinese(
    submitted, caseworker, django_capture_on_commit_callbacks
) -> None:
    _return(submitted, caseworker, "请上传2018年12月的缴费凭证", django_capture_on_commit_callbacks)
    returned = Notification.objects.get(case=submitted, event=E.RETURNED)
    assert returned.state == NotificationState.SENT
    text = sms.outbox[-1].text
    assert text.startswith("【塔城地区就业服务】")
    assert "已退回补正" in text
    assert "原因：请上传2018年12月的缴费凭证。请在申请页面补正后重新提交。" in text
    assert f"/apply/cases/{submitted.pk}/" in text
    assert "请上传2018年12月的缴费凭证" in mail.outbox[-1].body
    assert "退回补正" in mail.outbox[-1].subject


def test_a_case_returned_twice_sends_two_messages_and_running_one_again_sends_nothing(
    submitted, applicant, caseworker, django_capture_on_commit_callbacks
) -> None:
    _return(submitted, caseworker, "缺少缴费凭证，请补充", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_submit(case=submitted, token=uuid.uuid4(), actor=applicant)
    _return(submitted, caseworker, "缴费凭证不清晰，请重新上传", django_capture_on_commit_callbacks)
    returned = Notification.objects.filter(case=submitted, event=E.RETURNED).order_by("occurrence")
    assert [n.occurrence for n in returned] == [1, 2]
    sent = len(sms.outbox), len(mail.outbox)
    for notification in returned:
        assert notification_run(notification_id=notification.pk) == (NotificationState.SENT, None)
    assert (len(sms.outbox), len(mail.outbox)) == sent
    assert "重新上传" in sms.outbox[-1].text


def test_ordering_a_transitions_message_twice_keeps_one_row(submitted) -> None:
    with transaction.atomic():
        first = notifications_order_on_transition(submitted, "submit")
        again = notifications_order_on_transition(submitted, "submit")
    assert first.pk == again.pk
    assert Notification.objects.filter(case=submitted).count() == 1


def test_a_rolled_back_decision_sends_nothing(submitted, caseworker, django_capture_on_commit_callbacks) -> None:
    workflow.case_take(case=submitted, actor=caseworker)
    before = len(sms.outbox)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        workflow.case_reject(case=submitted, reason="不符合条件，企业有裁员", actor=caseworker)
        raise RuntimeError("the request failed after the decision")
    assert not Notification.objects.filter(case=submitted, event=E.REJECTED).exists()
    assert len(sms.outbox) == before


def test_the_phone_and_email_are_read_when_sending_not_when_ordering(
    submitted, applicant, caseworker, django_capture_on_commit_callbacks
) -> None:
    workflow.case_take(case=submitted, actor=caseworker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.case_reject(case=submitted, reason="企业上年度有裁员，不符合条件", actor=caseworker)
    applicant.phone = "+86 138 0000 1111"
    applicant.email = "new-clerk@example.com"
    applicant.save()
    for callback in callbacks:
        callback()
    assert sms.outbox[-1].phone == "13800001111"
    assert "原因：企业上年度有裁员，不符合条件。您可在申请页面下载不予批准通知书。" in sms.outbox[-1].text
    assert mail.outbox[-1].to == ["new-clerk@example.com"]
    assert "13800001111" not in str(Notification.objects.get(case=submitted, event=E.REJECTED).details)


def test_only_the_notifications_id_goes_to_the_task(submitted, caseworker, django_capture_on_commit_callbacks) -> None:
    seen = []

    def record(sender=None, args=None, kwargs=None, **_extra):  # type: ignore[no-untyped-def]
        if sender is not None and sender.name == "subsidies.notification_send":
            seen.append((list(args or []), dict(kwargs or {})))

    task_prerun.connect(record, weak=False)
    try:
        _return(submitted, caseworker, "请补充缴费凭证 13999012345", django_capture_on_commit_callbacks)
    finally:
        task_prerun.disconnect(record)
    notification = Notification.objects.get(case=submitted, event=E.RETURNED)
    assert seen == [([notification.pk], {})]


def test_a_failed_sms_is_retried_by_the_sweeper_without_sending_the_email_twice(
    settings, submitted, caseworker, django_capture_on_commit_callbacks
) -> None:
    settings.SMS_SENDER = "tests.subsidies.test_notifications.BrokenSender"
    emails = len(mail.outbox)
    _return(submitted, caseworker, "请补充缴费凭证原件扫描件", django_capture_on_commit_callbacks)
    notification = Notification.objects.get(case=submitted, event=E.RETURNED)
    assert notification.state == NotificationState.PENDING
    assert "gateway unreachable" in notification.last_error
    assert notification.email_sent_at is not None
    assert len(mail.outbox) == emails + 1
    settings.SMS_SENDER = "portal.sms.LocmemSender"
    assert notifications_sweep(now=timezone.now()) == []  # not due before its backoff
    assert notifications_sweep(now=timezone.now() + timedelta(hours=1)) == [notification.pk]
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert "请补充缴费凭证原件扫描件" in sms.outbox[-1].text
    assert len(mail.outbox) == emails + 1


def test_a_message_that_keeps_failing_ends_as_failed(
    settings, submitted, caseworker, django_capture_on_commit_callbacks
) -> None:
    settings.SMS_SENDER = "tests.subsidies.test_notifications.BrokenSender"
    _return(submitted, caseworker, "请补充缴费凭证原件扫描件", django_capture_on_commit_callbacks)
    notification = Notification.objects.get(case=submitted, event=E.RETURNED)
    for _attempt in range(6):
        notification_run(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.attempts == 5


def test_an_applicant_with_no_phone_or_email_is_recorded_as_such(
    applicant, officer, make_enterprise, submit_refund, django_capture_on_commit_callbacks
) -> None:
    applicant.phone = ""
    applicant.email = ""
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_refund(applicant, make_enterprise(officer))
    assert Notification.objects.get(case=case).state == NotificationState.NO_CONTACT
    assert sms.outbox == []


def test_an_applicant_who_submitted_in_english_is_written_to_in_english(
    submitted, applicant, caseworker_wusu, officer, make_enterprise, submit_refund, django_capture_on_commit_callbacks
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case = submit_refund(applicant, make_enterprise(officer, code="92654202MA7XK2B12N", county="654202"))
    assert "We received your application" in sms.outbox[-1].text
    _return(case, caseworker_wusu, "Upload the December payment slip", django_capture_on_commit_callbacks)
    assert "was returned for correction. Reason: Upload the December payment slip" in sms.outbox[-1].text
    assert sms.outbox[-1].text.startswith("[Tacheng employment services]")


def test_approval_publication_and_final_decision_each_tell_the_applicant(
    submitted, caseworker, officer, claim_and_approve, publish_and_finalise, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_approve(submitted, caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        publish_and_finalise(submitted, officer)
    events = list(Notification.objects.filter(case=submitted).order_by("id").values_list("event", flat=True))
    assert events == [E.SUBMITTED, E.APPROVED, E.PUBLISHED, E.FINAL]
    texts = [message.text for message in sms.outbox]
    assert "已批准：¥24,000.00" in texts[1]
    assert "正在公示" in texts[2]
    assert "已正式生效，批准金额 ¥24,000.00" in texts[3]
    assert all(f"/apply/cases/{submitted.pk}/" in text for text in texts)


def test_the_objector_is_told_how_the_objection_was_resolved(
    submitted, caseworker, officer, claim_and_approve, django_capture_on_commit_callbacks
) -> None:
    claim_and_approve(submitted, caseworker)
    notice = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=None,
        title="稳岗返还公示",
        starts_on=timezone.localdate(),
        actor=officer,
    )
    by_phone = publication.objection_submit(
        notice=notice, entry=notice.entries.get(), name="张三", contact="138 0000 2222", text="该企业去年有裁员"
    )
    by_email = publication.objection_submit(
        notice=notice, entry=notice.entries.get(), name="李四", contact="li@example.com", text="异议"
    )
    with django_capture_on_commit_callbacks(execute=True):
        publication.objection_resolve(objection=by_email, upheld=False, reason="经核实无裁员", actor=caseworker)
    assert mail.outbox[-1].to == ["li@example.com"]
    assert "异议经核实不成立：经核实无裁员" in mail.outbox[-1].body
    assert f"/notices/{notice.pk}/" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        publication.objection_resolve(objection=by_phone, upheld=True, reason="核实属实，重新审核", actor=caseworker)
    to_objector = [m for m in sms.outbox if m.phone == "13800002222"]
    assert len(to_objector) == 1
    assert "异议经核实成立：核实属实，重新审核" in to_objector[0].text
    # The applicant is told too: the case is reviewed again.
    assert "将重新审核" in sms.outbox[-1].text or "将重新审核" in sms.outbox[-2].text
    assert Notification.objects.filter(objection__isnull=False).count() == 2


def test_a_resident_referred_to_civil_affairs_is_told(
    caseworker_wusu, make_person, make_resident_user, submit_registration, django_capture_on_commit_callbacks
) -> None:
    user = make_resident_user(make_person())
    user.phone = "13912345678"
    user.save()
    case = submit_registration(user)
    with django_capture_on_commit_callbacks(execute=True):
        referral_record(case=case, kind="low_income", note="家庭困难，建议申请低保。", actor=caseworker_wusu)
    assert Notification.objects.get(case=case, event=E.REFERRAL).state == NotificationState.SENT
    text = sms.outbox[-1].text
    assert sms.outbox[-1].phone == "13912345678"
    assert "民政局" in text
    assert "低保" in text
    assert f"/apply/services/cases/{case.pk}/" in text
    assert "家庭困难" not in text  # the caseworker's note is for the bureau


def test_a_resident_without_a_phone_on_the_account_is_written_to_at_the_phone_of_the_real_name_file(
    caseworker_wusu, make_person, make_resident_user, submit_registration, django_capture_on_commit_callbacks
) -> None:
    user = make_resident_user(make_person(phone="13911112222"))
    case = submit_registration(user)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_take(case=case, actor=caseworker_wusu)
        workflow.case_reject(case=case, reason="不在劳动年龄内，不能登记", actor=caseworker_wusu)
    assert [m.phone for m in sms.outbox] == ["13911112222"]
    assert "不在劳动年龄内" in sms.outbox[0].text
    assert f"/apply/services/cases/{case.pk}/" in sms.outbox[0].text


def test_a_message_whose_sending_was_lost_is_sent_by_the_sweeper_from_beat(
    submitted, caseworker, django_capture_on_commit_callbacks
) -> None:
    workflow.case_take(case=submitted, actor=caseworker)
    with django_capture_on_commit_callbacks(execute=False):  # the commit happened, the task never reached Redis
        workflow.case_reject(case=submitted, reason="企业上年度有裁员，不符合条件", actor=caseworker)
    notification = Notification.objects.get(case=submitted, event=E.REJECTED)
    assert notification.state == NotificationState.PENDING
    assert BEAT_SCHEDULE["notifications-sweep"]["task"] in celery_app.tasks
    assert notifications_sweep() == [notification.pk]
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert "企业上年度有裁员" in sms.outbox[-1].text
    assert notifications_sweep(now=timezone.now() + timedelta(hours=2)) == []
