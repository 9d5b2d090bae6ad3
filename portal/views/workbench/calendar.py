"""The holiday calendar on the workbench: prefecture officers see, add and remove the public holidays and worked
weekend days (调休) of a year; 公示 periods count working days on it (subsidies.workdays)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import refusal_on_form
from registry.refusals import Refused
from subsidies.forms import DateInput
from subsidies.models import CalendarDay
from subsidies.workdays import calendar_day_add, calendar_day_remove, calendar_gaps, may_edit_calendar

FIRST_YEAR = 2019  # the plan's first year


class CalendarDayForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Day"),
        widget=DateInput,
        error_messages={"required": gettext_lazy("Enter the day."), "invalid": gettext_lazy("Enter a real date.")},
    )
    until = forms.DateField(
        label=gettext_lazy("Last day (for a holiday of several days)"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty to add one day."),
        error_messages={"invalid": gettext_lazy("Enter a real date.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What the day is"),
        choices=CalendarDay.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a public holiday or a worked weekend day.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("As the State Council's notice names it, e.g. 国庆节 or 国庆节调休."),
        error_messages={"required": gettext_lazy("Name the holiday, e.g. 国庆节 or 国庆节调休.")},
    )


def _officer(request: HttpRequest) -> None:
    if not may_edit_calendar(request.user):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    return min(max(year, FIRST_YEAR), today.year + 5)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_year(request: HttpRequest) -> HttpResponse:
    """A year's holidays and worked weekend days, the years without a calendar, and the form to add a day."""
    _officer(request)
    year = _year(request)
    form = CalendarDayForm(request.POST or None, initial={"day": date(year, 1, 1)} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entries = calendar_day_add(
                day=form.cleaned_data["day"],
                until=form.cleaned_data["until"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            first, last = entries[0], entries[-1]
            span = first.day.isoformat() if first == last else f"{first.day.isoformat()} – {last.day.isoformat()}"
            messages.success(
                request,
                _("%(day)s added: %(kind)s (%(name)s).")
                % {"day": span, "kind": first.get_kind_display(), "name": first.name},
            )
            return redirect(f"{reverse('workbench:calendar')}?year={first.day.year}")
    today = timezone.localdate()
    days = CalendarDay.objects.filter(day__year=year).order_by("day")
    context = {
        "year": year,
        "years": range(FIRST_YEAR, today.year + 3),
        "holidays": [d for d in days if d.kind == CalendarDay.Kind.HOLIDAY],
        "working_days": [d for d in days if d.kind == CalendarDay.Kind.WORKING_DAY],
        "missing": calendar_gaps(date(today.year, 1, 1), date(today.year + 1, 12, 31)),
        "form": form,
    }
    return render(request, "portal/calendar/year.html", context, status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def calendar_day_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    entry = get_object_or_404(CalendarDay, pk=pk)
    try:
        calendar_day_remove(entry=entry, actor=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(day)s removed from the calendar.") % {"day": entry.day.isoformat()})
    return redirect(f"{reverse('workbench:calendar')}?year={entry.day.year}")
