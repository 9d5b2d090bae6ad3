"""The holiday calendar as data: 2026 seeded from the State Council's notice, the years a period reaches that have
no calendar, and the officers' audited changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from portal.roles import Role
from registry.audit import audit_trail
from registry.refusals import Refused
from subsidies.models import CalendarDay
from subsidies.workdays import calendar_day_add, calendar_day_remove, calendar_gaps, is_working_day, working_period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_national_day_2026_is_skipped_and_its_worked_saturday_counts() -> None:
    # Wednesday 30 Sep 2026, then 1-7 Oct off, Thursday 8, Friday 9 and the worked Saturday 10 Oct.
    assert working_period(date(2026, 9, 30), 4) == (date(2026, 9, 30), date(2026, 10, 10))
    assert is_working_day(date(2026, 9, 20))  # a worked Sunday
    assert not is_working_day(date(2026, 2, 16))  # 春节


def test_the_spring_festival_2026_is_nine_days_off_between_two_worked_saturdays() -> None:
    days = CalendarDay.objects.filter(day__range=(date(2026, 2, 14), date(2026, 2, 28)))
    assert [d.day.day for d in days if d.kind == CalendarDay.Kind.HOLIDAY] == list(range(15, 24))
    assert [d.day.day for d in days if d.kind == CalendarDay.Kind.WORKING_DAY] == [14, 28]


def test_calendar_gaps_names_the_years_without_a_calendar() -> None:
    assert calendar_gaps(date(2019, 12, 20), date(2020, 1, 10)) == [2020]
    assert calendar_gaps(date(2026, 12, 20), date(2027, 1, 10)) == [2027]
    assert calendar_gaps(date(2026, 3, 1), date(2026, 3, 9)) == []
    assert calendar_gaps(date(2024, 1, 1), date(2026, 1, 1)) == [2024, 2025]


def test_an_officer_adds_and_removes_a_day_with_an_audit_row(officer) -> None:
    [entry] = calendar_day_add(day=date(2027, 1, 1), kind="holiday", name="元旦", actor=officer)
    assert calendar_gaps(date(2027, 1, 1), date(2027, 12, 31)) == []
    assert not is_working_day(date(2027, 1, 1))
    [added] = audit_trail(entry)
    assert (added.action, added.actor, added.after) == (
        "calendar_day_add",
        officer,
        {"kind": "holiday", "name": "元旦"},
    )
    calendar_day_remove(entry=entry, actor=officer)
    assert is_working_day(date(2027, 1, 1))
    assert [row.action for row in audit_trail(entry).order_by("id")] == ["calendar_day_add", "calendar_day_remove"]


def test_a_caseworker_cannot_change_the_calendar(make_user) -> None:
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654201")
    with pytest.raises(Refused, match="Only prefecture officers"):
        calendar_day_add(day=date(2027, 1, 1), kind="holiday", name="元旦", actor=caseworker)
    entry = CalendarDay.objects.get(day=date(2026, 1, 1))
    with pytest.raises(Refused, match="Only prefecture officers"):
        calendar_day_remove(entry=entry, actor=caseworker)
    assert CalendarDay.objects.filter(day=date(2026, 1, 1)).exists()


def test_a_day_twice_or_a_worked_weekday_is_refused(officer) -> None:
    with pytest.raises(Refused, match="in the calendar already"):
        calendar_day_add(day=date(2026, 10, 1), kind="holiday", name="国庆节", actor=officer)
    with pytest.raises(Refused, match="is a weekday"):
        calendar_day_add(day=date(2027, 2, 3), kind="working_day", name="春节调休", actor=officer)
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_a_holiday_of_several_days_is_added_at_once_or_not_at_all(officer) -> None:
    added = calendar_day_add(
        day=date(2027, 10, 1), until=date(2027, 10, 7), kind="holiday", name="国庆节", actor=officer
    )
    assert [entry.day.day for entry in added] == [1, 2, 3, 4, 5, 6, 7]
    assert working_period(date(2027, 9, 30), 2) == (date(2027, 9, 30), date(2027, 10, 8))
    with pytest.raises(Refused, match="2027-10-07 is in the calendar already"):
        calendar_day_add(day=date(2027, 10, 7), until=date(2027, 10, 9), kind="holiday", name="国庆节", actor=officer)
    assert not CalendarDay.objects.filter(day=date(2027, 10, 8)).exists()
    with pytest.raises(Refused, match="2027-10-11 is a weekday"):
        calendar_day_add(
            day=date(2027, 10, 9), until=date(2027, 10, 11), kind="working_day", name="国庆节调休", actor=officer
        )
    assert not CalendarDay.objects.filter(day=date(2027, 10, 9)).exists()
    with pytest.raises(Refused, match="before the first day"):
        calendar_day_add(day=date(2027, 5, 5), until=date(2027, 5, 1), kind="holiday", name="劳动节", actor=officer)
