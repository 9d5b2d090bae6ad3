"""好差评 on pages other lanes own: the rating panel under a case's timeline, the counter form on the workbench's
case page, and the dashboard's satisfaction section. Each is one tag, so those pages change by one line."""

from __future__ import annotations

from typing import Any

from django import template

from portal.forms.ratings import CounterRatingForm
from portal.views.services.ratings import cases_rateable_by, panel_context
from registry.access import may_decide
from subsidies import ratings
from subsidies.cases.states import DECIDED
from subsidies.models import Rating

register = template.Library()


@register.inclusion_tag("portal/ratings/_panel.html", takes_context=True)
def rating_panel(context: template.Context, case: Any) -> dict[str, Any]:
    """Under the applicant's timeline: rate the decided case, or see the rating and its follow-up. Shown to the
    case's own applicant only (a page another lane shows to someone else gets nothing)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not case or user is None or not cases_rateable_by(user).filter(pk=case.pk).exists():
        return {"show": False}
    return {"show": True, "csrf_token": context.get("csrf_token"), **panel_context(case)}


@register.inclusion_tag("portal/ratings/_counter.html", takes_context=True)
def counter_rating(context: template.Context, case: Any) -> dict[str, Any]:
    """On the workbench's case page: the rating, or a caseworker of the county records it at the counter."""
    user = context["request"].user
    rating = Rating.objects.select_related("follow_up", "recorded_by").filter(case_id=case.pk).first()
    return {
        "case": case,
        "rating": rating,
        "follow_up": getattr(rating, "follow_up", None) if rating is not None else None,
        "may_record": rating is None and case.state in DECIDED and may_decide(user, case.county_id),
        "form": context.get("counter_rating_form") or CounterRatingForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("portal/ratings/_dashboard.html")
def satisfaction_section(scope: Any) -> dict[str, Any]:
    """The dashboard's satisfaction per county, measure and month, and the follow-ups open and overdue, over the
    dashboard's own scope (its months, counties and measures)."""
    return {
        "satisfaction": ratings.satisfaction_summary(
            start=scope.start, end=scope.end, county_ids=scope.county_ids, kinds=scope.kinds
        )
    }
