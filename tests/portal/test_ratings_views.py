"""好差评 pages: the applicant rates a decided case under its timeline, or from the text message's link without
signing in; a caseworker records a rating at the counter; the county follows a bad rating up on the workbench and
the person reads the outcome on their timeline; the dashboard shows satisfaction. Each boundary tried as an outsider."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from portal.roles import Role
from subsidies import ratings
from subsidies.cases import workflow
from subsidies.models import FollowUp, FollowUpState, Rating, RatingChannel, RatingLevel

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _visible(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def resident(make_person, make_resident_user):
    return make_resident_user(make_person())


@pytest.fixture
def submitted(resident, submit_registration):
    return submit_registration(resident)


@pytest.fixture
def decided(submitted, caseworker_wusu):
    """The resident's unemployment registration in 乌苏市, registered by a caseworker of 乌苏市."""
    workflow.case_take(case=submitted, actor=caseworker_wusu)
    return workflow.case_approve(case=submitted, actor=caseworker_wusu)


def _rate_url(case) -> str:
    return reverse("ratings:rate", args=[case.pk])


def test_a_resident_rates_under_the_timeline_and_a_double_post_makes_one_rating(decided, resident, client_for) -> None:
    client = client_for(resident)
    page = client.get(reverse("residents:case", args=[decided.pk]))
    assert "评价本次服务" in _visible(page)
    assert _rate_url(decided) in page.content.decode()
    for _ in range(2):
        response = client.post(_rate_url(decided), {"level": "5", "comment": "办理很快，态度很好"})
        assert response.status_code == 302
    assert Rating.objects.filter(case=decided).count() == 1
    text = _visible(client.get(reverse("residents:case", args=[decided.pk])))
    assert "您的评价：非常满意" in text
    assert "您对本次服务的评价：非常满意" in text  # the timeline's step
    assert "提交评价" not in text


def test_someone_elses_case_cannot_be_rated(decided, make_person, make_resident_user, make_user, client_for) -> None:
    other_resident = make_resident_user(make_person(birth=datetime(1990, 5, 5, tzinfo=SHANGHAI).date()))
    enterprise_user = make_user(Role.ENTERPRISE_APPLICANT)
    for outsider in (other_resident, enterprise_user):
        response = client_for(outsider).post(_rate_url(decided), {"level": "1"})
        assert response.status_code == 404
        page = client_for(outsider).get(reverse("residents:case", args=[decided.pk]))
        assert page.status_code in (403, 404)
    assert Client().post(_rate_url(decided), {"level": "1"}).status_code == 302  # to the sign-in page
    assert not Rating.objects.exists()


def test_rating_a_case_not_yet_decided_is_refused_with_a_clear_message(submitted, resident, client_for) -> None:
    client = client_for(resident)
    page = client.get(reverse("residents:case", args=[submitted.pk]))
    assert "提交评价" not in _visible(page)
    response = client.post(_rate_url(submitted), {"level": "4"}, follow=True)
    assert "办件办结后才能评价。本件尚未办结。" in _visible(response)
    assert not Rating.objects.exists()


def test_the_text_messages_link_rates_that_case_without_signing_in_and_shows_no_personal_data(decided) -> None:
    url = reverse("ratings:link", args=[ratings.rating_link_token(decided)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    text = _visible(page)
    assert decided.reference in text and "失业登记" in text
    assert decided.person.name not in text
    assert decided.person.id_number[-4:] not in page.content.decode()
    response = client.post(url, {"level": "2", "comment": "等了很久"})
    assert response.status_code == 302
    assert "您的评价：不满意" in _visible(client.get(url))
    rating = Rating.objects.get(case=decided)
    assert (rating.channel, rating.recorded_by, rating.follow_up.state) == (RatingChannel.SMS, None, "open")


def test_a_tampered_link_is_not_found_and_an_expired_one_says_so(decided) -> None:
    token = ratings.rating_link_token(decided)
    tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    assert Client().get(reverse("ratings:link", args=[tampered])).status_code == 404
    assert Client().post(reverse("ratings:link", args=[tampered]), {"level": "1"}).status_code == 404
    with time_machine.travel(timedelta(days=31)):
        expired = Client().post(reverse("ratings:link", args=[token]), {"level": "1"})
    assert expired.status_code == 410
    assert "链接已过期" in _visible(expired)
    assert not Rating.objects.exists()


def test_a_caseworker_of_the_county_records_a_rating_at_the_counter(
    decided, caseworker, caseworker_wusu, auditor, client_for
) -> None:
    url = reverse("workbench:record-rating", args=[decided.pk])
    assert client_for(caseworker).post(url, {"level": "4"}).status_code == 404  # another county's case
    client_for(auditor).post(url, {"level": "4"})  # reads only
    assert not Rating.objects.exists()
    wusu = client_for(caseworker_wusu)
    assert "录入评价" in _visible(wusu.get(reverse("workbench:case", args=[decided.pk])))
    assert wusu.post(url, {"level": "4", "comment": "窗口代录"}).status_code == 302
    rating = Rating.objects.get(case=decided)
    assert (rating.channel, rating.recorded_by, rating.level) == ("counter", caseworker_wusu, 4)
    assert "窗口评价（经办人代录）" in _visible(wusu.get(reverse("workbench:case", args=[decided.pk])))


def test_the_county_follows_a_bad_rating_up_and_the_person_reads_the_outcome(
    decided, resident, caseworker, caseworker_wusu, officer, client_for
) -> None:
    client_for(resident).post(_rate_url(decided), {"level": "1", "comment": "材料要求说不清楚"})
    follow_up = FollowUp.objects.get(case=decided)
    detail = reverse("workbench:follow-up", args=[follow_up.pk])
    step = reverse("workbench:add-follow-up-step", args=[follow_up.pk])
    close = reverse("workbench:close-follow-up", args=[follow_up.pk])
    resident_text = _visible(client_for(resident).get(reverse("residents:case", args=[decided.pk])))
    assert f"经办机构将在 {follow_up.due_on:%Y-%m-%d} 前与您联系" in resident_text

    outsider = client_for(caseworker)  # 塔城市: the case is 乌苏市's
    assert outsider.get(detail).status_code == 404
    assert outsider.post(step, {"kind": "contact", "note": "电话联系本人了解情况"}).status_code == 404
    assert outsider.post(close, {"outcome": "explained", "text": "已向本人解释材料要求"}).status_code == 404
    assert follow_up.pk not in [
        r["follow_up"].pk for r in outsider.get(reverse("workbench:follow-ups")).context["rows"]
    ]

    wusu = client_for(caseworker_wusu)
    assert decided.reference in _visible(wusu.get(reverse("workbench:follow-ups")))
    refused = wusu.post(close, {"outcome": "explained", "text": "已向本人解释材料要求"})
    assert refused.status_code == 400
    assert "请先记录与评价人的联系情况" in _visible(refused)
    assert wusu.post(step, {"kind": "contact", "note": "电话联系本人了解情况"}).status_code == 302
    assert wusu.post(step, {"kind": "verify", "note": "核实窗口告知材料清单不全"}).status_code == 302
    done = wusu.post(close, {"outcome": "rectified", "text": "已在窗口张贴完整的材料清单，并向您致歉。"}, follow=True)
    assert "已办结" in _visible(done)
    assert [s.kind for s in FollowUp.objects.get(pk=follow_up.pk).steps.all()] == ["contact", "verify", "rectify"]

    text = _visible(client_for(resident).get(reverse("residents:case", args=[decided.pk])))
    assert "整改情况： 已在窗口张贴完整的材料清单，并向您致歉。" in text
    assert "经办机构已回访并整改：已在窗口张贴完整的材料清单，并向您致歉。" in text  # the timeline's step
    assert client_for(officer).get(detail).status_code == 200


def test_the_prefecture_sees_the_escalated_follow_ups(decided, resident, officer, caseworker_wusu, client_for) -> None:
    with time_machine.travel(datetime(2019, 9, 27, 10, tzinfo=SHANGHAI), tick=False):
        ratings.rating_record(
            case=decided, level=RatingLevel.DISSATISFIED, channel=RatingChannel.ONLINE, actor=resident
        )
    with time_machine.travel(datetime(2019, 10, 24, 1, tzinfo=SHANGHAI), tick=False):
        ratings.follow_ups_escalate_due()
        page = client_for(officer).get(reverse("workbench:follow-ups") + "?show=escalated")
    assert FollowUp.objects.get(case=decided).state == FollowUpState.ESCALATED
    assert decided.reference in _visible(page)
    assert "已逾期" in _visible(page)
    assert "差评整改" in _visible(client_for(officer).get(reverse("workbench:index")))


def test_the_dashboard_shows_satisfaction_and_the_open_follow_ups(decided, resident, officer, client_for) -> None:
    ratings.rating_record(
        case=decided, level=RatingLevel.VERY_DISSATISFIED, channel=RatingChannel.ONLINE, actor=resident
    )
    page = client_for(officer).get(reverse("workbench:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="satisfaction-rate">0.0%' in html
    assert "乌苏市" in _visible(page) and "好差评" in _visible(page)
