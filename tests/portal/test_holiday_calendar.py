"""The workbench's holiday calendar page: officers see, add and remove days per year; others are refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.roles import Role
from registry.audit import audit_trail
from subsidies.models import CalendarDay

pytestmark = pytest.mark.django_db
URL = "/workbench/calendar/"


def test_the_officer_sees_2026_and_is_warned_about_next_year(officer, client_for) -> None:
    html = client_for(officer).get(URL, {"year": 2026}).content.decode()
    assert "2026-10-01" in html
    assert "国庆节调休" in html
    assert "2026-02-28" in html
    warning = html.split('data-testid="calendar-gaps"', 1)[1].split("</div>", 1)[0]
    assert "2027" in warning
    assert "2026" not in warning


def test_the_workbench_links_the_calendar_for_officers_only(officer, make_user, client_for) -> None:
    assert URL in client_for(officer).get("/workbench/").content.decode()
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    assert URL not in client_for(caseworker).get("/workbench/").content.decode()


def test_an_officer_adds_a_day_and_sees_it(officer, client_for) -> None:
    client = client_for(officer)
    response = client.post(URL, {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2027-01-01" in page
    assert "元旦" in page
    entry = CalendarDay.objects.get(day=date(2027, 1, 1))
    assert audit_trail(entry).get().actor == officer


def test_a_wrong_day_is_refused_next_to_the_field_in_chinese(officer, client_for) -> None:
    client = client_for(officer)
    response = client.post(URL, {"day": "2027-02-03", "kind": "working_day", "name": "春节调休"})
    assert response.status_code == 400
    assert "工作日" in response.content.decode()
    response = client.post(URL, {"day": "", "kind": "holiday", "name": ""})
    assert response.status_code == 400
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_an_officer_removes_a_day(officer, client_for) -> None:
    entry = CalendarDay.objects.get(day=date(2026, 5, 9))
    response = client_for(officer).post(reverse("workbench:remove-calendar-day", args=[entry.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(day=date(2026, 5, 9)).exists()


def test_a_caseworker_or_an_applicant_can_neither_see_nor_change_it(make_user, client_for) -> None:
    entry = CalendarDay.objects.get(day=date(2026, 5, 9))
    for role, county in ((Role.COUNTY_CASEWORKER, "654201"), (Role.ENTERPRISE_APPLICANT, None)):
        client = client_for(make_user(role, county_code=county))
        assert client.get(URL).status_code in (403, 404)
        client.post(URL, {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
        client.post(reverse("workbench:remove-calendar-day", args=[entry.pk]))
    assert CalendarDay.objects.filter(day=date(2026, 5, 9)).exists()
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_a_removal_is_only_a_post(officer, client_for) -> None:
    entry = CalendarDay.objects.get(day=date(2026, 5, 9))
    assert client_for(officer).get(reverse("workbench:remove-calendar-day", args=[entry.pk])).status_code == 405
    assert CalendarDay.objects.filter(pk=entry.pk).exists()


def test_an_officer_adds_the_whole_spring_festival_in_one_go(officer, client_for) -> None:
    response = client_for(officer).post(
        URL, {"day": "2027-02-06", "until": "2027-02-14", "kind": "holiday", "name": "春节"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(day__range=(date(2027, 2, 6), date(2027, 2, 14)), name="春节").count() == 9


def test_the_publish_screen_warns_when_the_period_reaches_a_year_without_a_calendar(officer, client_for) -> None:
    client = client_for(officer)
    query = {"kind": "refund_approvals", "county": "", "title": "稳岗返还公示"}
    later = timezone.localdate().year + 3  # a year nobody has entered yet
    html = client.get("/workbench/notices/", {**query, "starts_on": f"{later}-03-01"}).content.decode()
    warning = html.split('data-testid="calendar-gaps"', 1)[1].split("</div>", 1)[0]
    assert str(later) in warning
    assert f"{URL}?year={later}" in warning
    # Once the officer enters that year, the warning is gone.
    client.post(URL, {"day": f"{later}-01-01", "kind": "holiday", "name": "元旦"})
    html = client.get("/workbench/notices/", {**query, "starts_on": f"{later}-03-01"}).content.decode()
    assert 'data-testid="period"' in html
    assert 'data-testid="calendar-gaps"' not in html
