"""好差评 in the back office (subsidies.ratings): a rating recorded at the counter, the follow-ups of bad ratings
(a county's caseworkers see their county's; prefecture officers and auditors see all, and the escalated ones), and a
follow-up's page to record the contact, the verification, and close it with the outcome the person reads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import get_case_for_staff
from portal.forms import refusal_on_form
from portal.forms.ratings import CounterRatingForm, FollowUpCloseForm, FollowUpStepForm
from registry.access import county_scope, may_decide, sees_all_counties
from registry.refusals import Refused
from subsidies import ratings
from subsidies.models import FollowUp, FollowUpState, RatingChannel

ACCESS = "portal.access_workbench"

FILTERS = {
    "open": (gettext_lazy("Open"), (FollowUpState.OPEN, FollowUpState.ESCALATED)),
    "escalated": (gettext_lazy("Escalated to the prefecture"), (FollowUpState.ESCALATED,)),
    "closed": (gettext_lazy("Closed"), (FollowUpState.CLOSED,)),
}


def follow_ups_for_user(user: Any) -> QuerySet[FollowUp]:
    """The follow-ups the back-office user sees: their county's, or every county's (registry.access)."""
    rows = FollowUp.objects.select_related("case", "county", "rating")
    return county_scope(user, rows, "county")


def get_follow_up_for_user(user: Any, pk: int) -> FollowUp:
    try:
        return follow_ups_for_user(user).get(pk=pk)
    except FollowUp.DoesNotExist:
        raise Http404("no such follow-up") from None


@login_required
@permission_required(ACCESS, raise_exception=True)
@require_POST
def record_rating(request: HttpRequest, pk: int) -> HttpResponse:
    """At the counter: a caseworker of the case's county records the applicant's rating (channel counter)."""
    case = get_case_for_staff(request.user, pk)
    form = CounterRatingForm(request.POST)
    if form.record(case=case, channel=RatingChannel.COUNTER, actor=request.user):
        messages.success(request, _("The applicant's rating is recorded."))
        return redirect("workbench:case", pk=case.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("workbench:case", pk=case.pk)


@login_required
@permission_required(ACCESS, raise_exception=True)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    if show not in FILTERS:
        show = "open"
    rows = list(follow_ups_for_user(request.user).filter(state__in=FILTERS[show][1]).order_by("due_on", "id")[:500])
    today = timezone.localdate()
    return render(
        request,
        "portal/ratings/follow_ups.html",
        {
            "rows": [{"follow_up": f, "overdue": ratings.follow_up_is_overdue(f, today=today)} for f in rows],
            "filters": [(key, label) for key, (label, _states) in FILTERS.items()],
            "show": show,
            "prefecture": sees_all_counties(request.user),
        },
    )


def _detail(request: HttpRequest, follow_up: FollowUp, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request,
        "portal/ratings/follow_up.html",
        {
            "follow_up": follow_up,
            "case": follow_up.case,
            "rating": follow_up.rating,
            "steps": follow_up.steps.select_related("actor"),
            "overdue": ratings.follow_up_is_overdue(follow_up),
            "may_act": follow_up.state != FollowUpState.CLOSED and may_decide(request.user, follow_up.county_id),
            "step_form": forms.get("step_form") or FollowUpStepForm(),
            "close_form": forms.get("close_form") or FollowUpCloseForm(),
        },
        status=status,
    )


@login_required
@permission_required(ACCESS, raise_exception=True)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_follow_up_for_user(request.user, pk))


@login_required
@permission_required(ACCESS, raise_exception=True)
@require_POST
def follow_up_step(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_follow_up_for_user(request.user, pk)
    form = FollowUpStepForm(request.POST)
    if form.is_valid():
        try:
            ratings.follow_up_step_add(
                follow_up=follow_up, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"], actor=request.user
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("Recorded."))
            return redirect("workbench:follow-up", pk=follow_up.pk)
    return _detail(request, follow_up, status=400, step_form=form)


@login_required
@permission_required(ACCESS, raise_exception=True)
@require_POST
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_follow_up_for_user(request.user, pk)
    form = FollowUpCloseForm(request.POST)
    if form.is_valid():
        try:
            ratings.follow_up_close(
                follow_up=follow_up,
                outcome=form.cleaned_data["outcome"],
                text=form.cleaned_data["text"],
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("The follow-up is closed; the person is told the outcome."))
            return redirect("workbench:follow-up", pk=follow_up.pk)
    return _detail(request, follow_up, status=400, close_form=form)
