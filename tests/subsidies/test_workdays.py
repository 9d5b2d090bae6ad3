"""Working-day arithmetic for public-notice periods, across a national holiday with a working weekend."""

from __future__ import annotations

from datetime import date

import pytest

from subsidies.models import CalendarDay
from subsidies.workdays import is_working_day, working_days_between, working_period

pytestmark = pytest.mark.django_db


def test_national_day_2019_is_skipped_and_its_worked_sunday_counts() -> None:
    # Friday 27 Sep, Sunday 29 Sep (worked), Monday 30 Sep, then 1-7 Oct off, Tuesday 8 and Wednesday 9 Oct.
    assert working_period(date(2019, 9, 27), 5) == (date(2019, 9, 27), date(2019, 10, 9))


def test_a_period_starting_on_a_holiday_begins_on_the_next_working_day() -> None:
    assert working_period(date(2019, 10, 3), 5) == (date(2019, 10, 8), date(2019, 10, 12))  # Sat 12 Oct is worked


def test_an_ordinary_week() -> None:
    assert working_period(date(2019, 11, 4), 5) == (date(2019, 11, 4), date(2019, 11, 8))
    assert not is_working_day(date(2019, 11, 9))


def test_the_calendar_is_data_an_officer_can_edit() -> None:
    CalendarDay.objects.create(day=date(2019, 11, 6), kind=CalendarDay.Kind.HOLIDAY, name="示例")
    assert working_period(date(2019, 11, 4), 5) == (date(2019, 11, 4), date(2019, 11, 11))
    assert working_days_between(date(2019, 11, 4), date(2019, 11, 8)) == 3
