"""Working-day arithmetic on the editable holiday calendar (CalendarDay): weekends and public holidays are off,
except weekend days that are worked in exchange for a holiday (调休)."""

from __future__ import annotations

from datetime import date, timedelta

from subsidies.models import CalendarDay


def _exceptions(start: date, end: date) -> dict[date, str]:
    return dict(CalendarDay.objects.filter(day__range=(start, end)).values_list("day", "kind"))


def is_working_day(day: date, exceptions: dict[date, str] | None = None) -> bool:
    if exceptions is None:
        exceptions = _exceptions(day, day)
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKING_DAY:
        return True
    return day.weekday() < 5


def working_period(start: date, days: int) -> tuple[date, date]:
    """The first and last day of a period of `days` working days beginning on `start` (or the next working day).

    E.g. a 5-working-day public notice starting on Friday 2019-09-27 runs through the worked Sunday 2019-09-29
    and Monday 2019-09-30, skips the National Day holiday (10-01..10-07) and ends on Wednesday 2019-10-09.
    """
    if days < 1:
        raise ValueError("a period has at least one working day")
    exceptions = _exceptions(start, start + timedelta(days=days * 3 + 30))
    day = start
    while not is_working_day(day, exceptions):
        day += timedelta(days=1)
    first = day
    counted = 1
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return first, day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start): for service-target ages."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), exceptions))
