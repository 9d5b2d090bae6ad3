"""Public notice (公示): officers publish lists; the public reads and objects; caseworkers resolve; finalise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portal.roles import Role
from subsidies.cases import publication, workflow
from subsidies.models import CalendarDay, Case, CaseState, NoticeListKind, NoticeListState, Objection, ObjectionState
from subsidies.tasks import notices_finalise_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.delete("notice-objection:127.0.0.1")


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def approved(applicant, officer, caseworker, make_enterprise, submit_refund) -> Case:
    case = submit_refund(applicant, make_enterprise(officer))
    workflow.case_take(case=case, actor=caseworker)
    return workflow.case_approve(case=case, actor=caseworker)


@pytest.fixture
def notice(approved, officer):
    return publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=None,
        title="2019年稳岗返还拟发放名单公示",
        starts_on=timezone.localdate(),
        actor=officer,
    )


def _build_params(**extra):
    return {
        "kind": NoticeListKind.REFUND_APPROVALS,
        "county": "",
        "title": "2019年稳岗返还拟发放名单公示",
        "starts_on": timezone.localdate().isoformat(),
        **extra,
    }


# --- Building and publishing -------------------------------------------------------------------------------


def test_an_officer_sees_the_candidates_and_the_computed_end_day(client_for, officer, approved) -> None:
    response = client_for(officer).get(reverse("workbench:notices"), _build_params())
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [c.pk for c in preview["candidates"]] == [approved.pk]
    assert preview["days"] == 5
    assert preview["last_day"].isoformat() in response.content.decode()


def test_the_end_day_counts_working_days_across_a_holiday_and_a_working_weekend(client_for, officer, approved) -> None:
    # A Friday start; the Sunday after is worked (调休) and Monday-Tuesday are a public holiday.
    today = timezone.localdate()
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    CalendarDay.objects.create(day=friday + timedelta(days=2), kind=CalendarDay.Kind.WORKING_DAY, name="调休")
    for n in (3, 4):
        CalendarDay.objects.create(day=friday + timedelta(days=n), kind=CalendarDay.Kind.HOLIDAY, name="假日")
    response = client_for(officer).get(reverse("workbench:notices"), _build_params(starts_on=friday.isoformat()))
    # Fri, Sun (worked), Wed, Thu, Fri: five working days.
    assert response.context["preview"]["last_day"] == friday + timedelta(days=7)


def test_publishing_puts_the_chosen_cases_on_notice(client_for, officer, approved) -> None:
    response = client_for(officer).post(reverse("workbench:publish-notice"), {**_build_params(), "case": [approved.pk]})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.state == CaseState.ON_NOTICE


def test_publishing_without_a_case_or_in_the_past_is_refused_and_changes_nothing(client_for, officer, approved) -> None:
    client = client_for(officer)
    assert client.post(reverse("workbench:publish-notice"), _build_params()).status_code == 400
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("workbench:publish-notice"), {**_build_params(starts_on=past), "case": [approved.pk]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["starts_on"]
    approved.refresh_from_db()
    assert approved.state == CaseState.APPROVED


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
def test_only_officers_publish_and_finalise(client_for, request, approved, notice, role: str) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.post(reverse("workbench:publish-notice"), _build_params()).status_code == 403
    assert client.post(reverse("workbench:finalise-notice", args=[notice.pk])).status_code == 403
    assert "Build a list" not in client.get(reverse("workbench:notices")).content.decode()


def test_an_enterprise_applicant_cannot_open_the_workbench_lists(client_for, applicant, notice) -> None:
    assert client_for(applicant).get(reverse("workbench:notices")).status_code == 403
    assert client_for(applicant).get(reverse("workbench:notice", args=[notice.pk])).status_code == 403


# --- Public pages -----------------------------------------------------------------------------------------------


def test_the_public_list_and_page_need_no_sign_in_and_show_no_id_number(client, notice, approved) -> None:
    listing = client.get(reverse("notices:list")).content.decode()
    assert notice.title in listing
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert approved.enterprise.name in page
    assert approved.enterprise.credit_code in page
    assert "¥24,000.00" in page
    assert notice.ends_on.isoformat() in page
    assert "6222021234567890123" not in page


def test_a_draft_list_is_not_public(client, notice) -> None:
    notice.__class__.objects.filter(pk=notice.pk).update(state=NoticeListState.DRAFT)
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def _objection(notice, **extra):
    return {
        "entry": notice.entries.get().pk,
        "name": "张三",
        "contact": "13800000000",
        "text": "该企业去年有裁员",
        "website": "",
        **extra,
    }


def test_anyone_may_object_and_sees_a_confirmation(client, notice) -> None:
    response = client.post(reverse("notices:object", args=[notice.pk]), _objection(notice), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notices:objection-received", args=[notice.pk])
    objection = Objection.objects.get()
    assert objection.state == ObjectionState.OPEN and objection.objector_name == "张三"


def test_an_objection_without_text_is_explained_next_to_the_field(client, notice) -> None:
    response = client.post(reverse("notices:object", args=[notice.pk]), _objection(notice, text=""))
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(client, notice) -> None:
    for _ in range(5):
        assert client.post(reverse("notices:object", args=[notice.pk]), _objection(notice)).status_code == 302
    response = client.post(reverse("notices:object", args=[notice.pk]), _objection(notice))
    assert response.status_code == 429
    assert response.context["limited"]
    assert Objection.objects.count() == 5


def test_the_honeypot_keeps_nothing(client, notice) -> None:
    response = client.post(reverse("notices:object", args=[notice.pk]), _objection(notice, website="http://spam"))
    assert response.status_code == 302
    assert not Objection.objects.exists()


def test_no_objection_after_the_period(client, notice) -> None:
    past = timezone.localdate() - timedelta(days=20)
    notice.__class__.objects.filter(pk=notice.pk).update(starts_on=past, ends_on=past + timedelta(days=6))
    response = client.post(reverse("notices:object", args=[notice.pk]), _objection(notice), follow=True)
    assert response.redirect_chain == [(reverse("notices:detail", args=[notice.pk]), 302)]
    page = response.content.decode()
    assert "只能在名单公示期间提出异议。" in page  # Objections can be made only while the list is on public notice.
    assert reverse("notices:object", args=[notice.pk]) not in page  # and no form to object with
    assert not Objection.objects.exists()


def test_a_list_that_starts_tomorrow_says_when_objections_open_not_that_they_closed(client, notice) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    notice.__class__.objects.filter(pk=notice.pk).update(starts_on=tomorrow, ends_on=tomorrow + timedelta(days=6))
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert f"公示期自 {tomorrow.isoformat()} 开始" in page
    assert "公示期已结束" not in page


def test_the_public_and_the_officer_find_the_lists_pdf(client, client_for, officer, notice) -> None:
    pdf = reverse("notice-pdf", args=[notice.pk])
    assert f'href="{pdf}"' in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert f'href="{pdf}"' in client_for(officer).get(reverse("workbench:notice", args=[notice.pk])).content.decode()


# --- Resolving objections and finalising --------------------------------------------------------------------------


@pytest.fixture
def objection(notice):
    return publication.objection_submit(
        notice=notice, entry=notice.entries.get(), name="李四", contact="x@example.com", text="异议"
    )


def test_a_caseworker_of_the_county_dismisses_an_objection_with_a_reason(client_for, caseworker, objection) -> None:
    client = client_for(caseworker)
    url = reverse("workbench:resolve-objection", args=[objection.pk])
    prefix = f"o{objection.pk}"
    response = client.post(url, {f"{prefix}-outcome": "dismissed", f"{prefix}-reason": ""})
    assert response.status_code == 400
    client.post(url, {f"{prefix}-outcome": "dismissed", f"{prefix}-reason": "经核实无裁员"})
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED and objection.resolved_by == caseworker


def test_an_upheld_objection_sends_the_case_back_to_review(client_for, caseworker, objection, approved) -> None:
    prefix = f"o{objection.pk}"
    client_for(caseworker).post(
        reverse("workbench:resolve-objection", args=[objection.pk]),
        {f"{prefix}-outcome": "upheld", f"{prefix}-reason": "核实属实"},
    )
    approved.refresh_from_db()
    assert approved.state == CaseState.IN_REVIEW


def test_objection_scoping(client_for, caseworker_wusu, auditor, applicant, objection) -> None:
    url = reverse("workbench:resolve-objection", args=[objection.pk])
    data = {f"o{objection.pk}-outcome": "dismissed", f"o{objection.pk}-reason": "x"}
    assert client_for(caseworker_wusu).post(url, data).status_code == 404
    assert client_for(auditor).post(url, data).status_code == 403
    assert client_for(applicant).post(url, data).status_code == 403
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN


def test_finalising_waits_for_the_period_and_then_makes_the_cases_final(client_for, officer, notice, approved) -> None:
    client = client_for(officer)
    page = client.post(reverse("workbench:finalise-notice", args=[notice.pk]), follow=True).content.decode()
    assert notice.ends_on.isoformat() in page
    notice.refresh_from_db()
    assert notice.state == NoticeListState.PUBLISHED
    past = timezone.localdate() - timedelta(days=20)
    notice.__class__.objects.filter(pk=notice.pk).update(starts_on=past, ends_on=past + timedelta(days=6))
    client.post(reverse("workbench:finalise-notice", args=[notice.pk]))
    notice.refresh_from_db()
    approved.refresh_from_db()
    assert notice.state == NoticeListState.FINAL and approved.state == CaseState.FINAL
    assert notice.title in client.get(reverse("notices:list")).content.decode()


def test_the_daily_task_finalises_due_lists(notice, approved) -> None:
    past = date(2019, 3, 1)
    notice.__class__.objects.filter(pk=notice.pk).update(starts_on=past, ends_on=past + timedelta(days=6))
    assert notices_finalise_due.delay().get() == [notice.pk]
    assert notices_finalise_due.delay().get() == []  # idempotent
    approved.refresh_from_db()
    assert approved.state == CaseState.FINAL


def test_the_daily_task_is_scheduled() -> None:
    from portal.beat import BEAT_SCHEDULE

    assert any(entry["task"] == "subsidies.notices_finalise_due" for entry in BEAT_SCHEDULE.values())


def test_an_officer_edits_the_holiday_calendar_in_admin(client_for, officer) -> None:
    officer.is_staff = True
    officer.save()
    client = client_for(officer)
    assert client.get(reverse("admin:subsidies_calendarday_changelist")).status_code == 200
    response = client.post(
        reverse("admin:subsidies_calendarday_add"),
        {"day": "2027-01-01", "kind": CalendarDay.Kind.HOLIDAY, "name": "元旦"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(day=date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY).exists()
