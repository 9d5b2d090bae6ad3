"""Working-day arithmetic on the editable holiday calendar (CalendarDay): weekends and public holidays are off,
except weekend days that are worked in exchange for a holiday (调休). Officers keep the calendar on the workbench
(`calendar_day_add`, `calendar_day_remove`); `calendar_gaps` names the years a period reaches that have none."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.permissions import MANAGE_PARAMETERS, PUBLISH_LIST
from registry.refusals import Refused
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


# --- The calendar itself: which years it holds, and the officers' changes --------------------------------------


def calendar_gaps(start: date, end: date) -> list[int]:
    """The years from `start` to `end` (both included) for which the calendar holds no day at all: there, working
    days are counted as if every weekday were worked and no weekend were, which is wrong around every holiday."""
    first, last = min(start.year, end.year), max(start.year, end.year)
    rows = CalendarDay.objects.filter(day__year__gte=first, day__year__lte=last)
    held = set(rows.values_list("day__year", flat=True).distinct())
    return [year for year in range(first, last + 1) if year not in held]


def may_edit_calendar(user: Any) -> bool:
    return user.has_perm(MANAGE_PARAMETERS) or user.has_perm(PUBLISH_LIST)


MAX_SPAN_DAYS = 15  # the longest holiday of a year (春节 with its weekends) fits; a typo of a year does not


def calendar_day_add(*, day: date, kind: str, name: str, actor: Any, until: date | None = None) -> list[CalendarDay]:
    """An officer adds a public holiday or a worked weekend day (调休), or a holiday of several days at once (from
    `day` through `until`): all of them or none. A worked day must be a weekend day; one entry per day."""
    if not may_edit_calendar(actor):
        raise Refused(_("Only prefecture officers edit the holiday calendar."))
    if kind not in CalendarDay.Kind.values:
        raise Refused(_("Choose a public holiday or a worked weekend day."), field="kind")
    name = (name or "").strip()
    if not name:
        raise Refused(_("Name the holiday, e.g. 国庆节 or 国庆节调休."), field="name")
    until = until or day
    if until < day:
        raise Refused(_("The last day cannot be before the first day."), field="until")
    if (until - day).days >= MAX_SPAN_DAYS:
        raise Refused(_("Add at most %(n)s days at once: one holiday at a time.") % {"n": MAX_SPAN_DAYS}, field="until")
    days = [day + timedelta(days=n) for n in range((until - day).days + 1)]
    for each in days:
        if kind == CalendarDay.Kind.WORKING_DAY and each.weekday() < 5:
            raise Refused(
                _("%(day)s is a weekday: it is a working day already.") % {"day": each.isoformat()}, field="day"
            )
    taken = CalendarDay.objects.filter(day__in=days).order_by("day").first()
    if taken is not None:
        raise Refused(
            _("%(day)s is in the calendar already; remove it first to change it.") % {"day": taken.day.isoformat()},
            field="day",
        )
    try:
        with transaction.atomic():
            entries = []
            for each in days:
                entry = CalendarDay.objects.create(day=each, kind=kind, name=name)
                audit_record(actor=actor, action="calendar_day_add", target=entry, after={"kind": kind, "name": name})
                entries.append(entry)
    except IntegrityError:  # another officer added one of these days a moment ago
        raise Refused(_("One of these days was added meanwhile; look at the calendar again."), field="day") from None
    return entries


def calendar_day_remove(*, entry: CalendarDay, actor: Any) -> None:
    """An officer removes a day from the calendar (it becomes an ordinary weekday or weekend day again)."""
    if not may_edit_calendar(actor):
        raise Refused(_("Only prefecture officers edit the holiday calendar."))
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().get(pk=entry.pk)
        audit_record(
            actor=actor,
            action="calendar_day_remove",
            target=entry,
            before={"day": entry.day.isoformat(), "kind": entry.kind, "name": entry.name},
        )
        entry.delete()
