"""好差评 for applicants (subsidies.ratings): rate a decided case from its timeline (signed in), or from the link in
the decision's text message (no sign-in: the signed link names that one case); see a bad rating's follow-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.access import cases_for_applicant
from portal.forms.ratings import RatingForm
from portal.views.services.access import cases_for_resident
from subsidies import ratings
from subsidies.models import Case, Rating, RatingChannel


def cases_rateable_by(user: Any) -> Any:
    """The cases the signed-in applicant may rate: their enterprises' cases, or their own as a resident."""
    if not user.is_authenticated:
        return Case.objects.none()
    enterprise_cases = cases_for_applicant(user)
    try:
        resident_cases = cases_for_resident(user)
    except PermissionDenied:
        return enterprise_cases
    return enterprise_cases | resident_cases


def get_case_for_rater(user: Any, pk: int) -> Case:
    """A case of the signed-in applicant; anyone else's is a 404."""
    try:
        return cases_rateable_by(user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("no such case") from None


def case_page_url(case: Case) -> str:
    """The applicant's page of the case, where its timeline and the rating are."""
    name = "apply:case" if case.enterprise_id is not None else "residents:case"
    return reverse(name, args=[case.pk]) + "#rating"


def panel_context(case: Case, *, form: RatingForm | None = None, action: str = "") -> dict[str, Any]:
    """What the rating panel shows: the rating and its follow-up, or the form, or nothing (undecided)."""
    rating = Rating.objects.select_related("follow_up").filter(case_id=case.pk).first()
    follow_up = getattr(rating, "follow_up", None) if rating is not None else None
    refusal = ratings.rating_refusal(case) if rating is None else None
    return {
        "case": case,
        "rating": rating,
        "follow_up": follow_up,
        "may_rate": rating is None and refusal is None,
        "rating_form": form or RatingForm(),
        "rating_action": action or reverse("ratings:rate", args=[case.pk]),
    }


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant rates their case from its page (a second POST finds the first rating)."""
    case = get_case_for_rater(request.user, pk)
    form = RatingForm(request.POST)
    if form.record(case=case, channel=RatingChannel.ONLINE, actor=request.user):
        messages.success(request, _("Thank you for rating our service."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(case_page_url(case))


@never_cache
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page the text message links to: rate that one case without signing in. It shows the measure and the
    reference number only, never a name or an amount."""
    try:
        case = ratings.case_of_link(token)
    except ratings.LinkExpired:
        return render(request, "portal/ratings/link_expired.html", status=410)
    if case is None:
        raise Http404("no such link")
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.record(case=case, channel=RatingChannel.SMS, actor=None):
            return redirect("ratings:link", token=token)
        status = 400
    context = panel_context(case, form=form, action=reverse("ratings:link", args=[token]))
    return render(request, "portal/ratings/link.html", context, status=status)
