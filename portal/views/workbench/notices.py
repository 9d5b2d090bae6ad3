"""Public notice (公示) on the workbench: officers build, publish and finalise lists; caseworkers resolve objections.
Anyone reads the lists and objects at /notices/ (portal.views.public.notices). A list never shows a person's ID number.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.forms import refusal_on_form
from portal.forms.cases import NoticeBuildForm, ObjectionResolveForm
from registry.access import county_or_prefecture_scope, may_decide
from registry.crypto import mask_phone
from registry.permissions import DECIDE_CASE, PUBLISH_LIST
from registry.refusals import Refused
from subsidies.cases.publication import (
    notice_candidates,
    notice_finalise,
    notice_held_for_confirmation,
    notice_publish,
    objection_resolve,
)
from subsidies.cases.queue import cases_visible_to
from subsidies.document_jobs import mask_person_name
from subsidies.models import NoticeListKind, NoticeListState, Objection, ObjectionState, PublicNotice
from subsidies.parameters import value_in_force
from subsidies.workdays import calendar_gaps, working_period


def _notices_for(user: Any) -> Any:
    """The lists a back-office user may open: their county's and the prefecture's (all for officers, auditors)."""
    return county_or_prefecture_scope(user, PublicNotice.objects.select_related("county", "created_by"), "county")


def _masked_contact(contact: str) -> str:
    """A phone as 139****5678; an email or anything else with only its first and last characters."""
    contact = contact.strip()
    if re.fullmatch(r"\+?[0-9 -]{7,20}", contact):
        return mask_phone(re.sub(r"[ -]", "", contact))
    if len(contact) <= 2:
        return "*" * len(contact)
    return contact[0] + "*" * (len(contact) - 2) + contact[-1]


def _notice_rows(user: Any) -> Any:
    return _notices_for(user).annotate(
        entry_count=Count("entries", filter=Q(entries__withdrawn=False), distinct=True),
        open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN), distinct=True),
    )[:100]


def _preview(form: NoticeBuildForm) -> dict[str, Any]:
    """Candidates for the list and its period (N working days from the first day, on the holiday calendar)."""
    data = form.cleaned_data
    days = int(value_in_force("public_notice.working_days", on=data["starts_on"]))
    first, last = working_period(data["starts_on"], days)
    return {
        "candidates": list(notice_candidates(kind=data["kind"], county=data["county"])),
        "held": list(notice_held_for_confirmation(kind=data["kind"], county=data["county"])),
        "days": days,
        "first_day": first,
        "last_day": last,
        # Years of the period with no holiday calendar: its end is then counted as if there were no holidays.
        "calendar_gaps": calendar_gaps(first, last),
    }


def _list_page(request: HttpRequest, form: NoticeBuildForm | None, status: int = 200, **extra: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "notices": _notice_rows(request.user),
        "may_publish": request.user.has_perm(PUBLISH_LIST),
        "form": form,
        **extra,
    }
    if form is not None and form.is_bound:
        form.is_valid()
        if {"kind", "county", "starts_on"} <= set(getattr(form, "cleaned_data", {})):
            context["preview"] = _preview(form)
    return render(request, "portal/notices/workbench_list.html", context, status=status)


@login_required
@never_cache
def notice_list(request: HttpRequest) -> HttpResponse:
    """Every list with its open objections; officers also build a new list here (GET preview, POST publish)."""
    form = None
    if request.user.has_perm(PUBLISH_LIST):
        form = NoticeBuildForm(request.GET) if "kind" in request.GET else NoticeBuildForm(initial=_initial())
    return _list_page(request, form)


def _initial() -> dict[str, Any]:
    return {"kind": NoticeListKind.REFUND_APPROVALS, "starts_on": timezone.localdate()}


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PUBLISH_LIST):
        raise PermissionDenied
    form = NoticeBuildForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    chosen = {int(pk) for pk in request.POST.getlist("case") if pk.isdigit()}
    candidates = notice_candidates(kind=form.cleaned_data["kind"], county=form.cleaned_data["county"])
    cases = [c for c in candidates if c.pk in chosen]
    if not cases:
        form.add_error(None, _("Choose at least one case for the list."))
        return _list_page(request, form, status=400)
    try:
        notice = notice_publish(
            kind=form.cleaned_data["kind"],
            county=form.cleaned_data["county"],
            title=form.cleaned_data["title"],
            starts_on=form.cleaned_data["starts_on"],
            actor=request.user,
            cases=cases,
        )
    except Refused as refused:
        refusal_on_form(form, refused)
        return _list_page(request, form, status=400)
    messages.success(request, _("The list is published for public notice."))
    return redirect("workbench:notice", pk=notice.pk)


def _may_resolve(user: Any, objection: Objection) -> bool:
    case = objection.entry.case
    return may_decide(user, case.county_id)


@login_required
@never_cache
def notice_detail(request: HttpRequest, pk: int, resolve_forms: dict[int, Any] | None = None) -> HttpResponse:
    notice = get_object_or_404(_notices_for(request.user), pk=pk)  # another county's list is a 404
    visible = set(cases_visible_to(request.user).filter(notice_entries__notice=notice).values_list("pk", flat=True))
    entries = notice.entries.select_related("case__enterprise", "case__person", "case__county")
    objections = []
    for objection in notice.objections.select_related("entry__case__enterprise", "resolved_by"):
        may = objection.state == ObjectionState.OPEN and _may_resolve(request.user, objection)
        form = (resolve_forms or {}).get(objection.pk) or ObjectionResolveForm(prefix=f"o{objection.pk}")
        # The objector's name and contact are for the office that decides the objected case only.
        if may_decide(request.user, objection.entry.case.county_id):
            objector = (objection.objector_name, objection.objector_contact)
        else:
            objector = (mask_person_name(objection.objector_name), _masked_contact(objection.objector_contact))
        objections.append(
            {
                "objection": objection,
                "may_resolve": may,
                "form": form,
                "objector_name": objector[0],
                "objector_contact": objector[1],
            }
        )
    return render(
        request,
        "portal/notices/workbench_detail.html",
        {
            "notice": notice,
            "entries": entries,
            "visible": visible,
            "objections": objections,
            "may_finalise": request.user.has_perm(PUBLISH_LIST) and notice.state == NoticeListState.PUBLISHED,
            "period_over": notice.ends_on is not None and timezone.localdate() > notice.ends_on,
        },
        status=400 if resolve_forms else 200,
    )


@login_required
@require_POST
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(PUBLISH_LIST):
        raise PermissionDenied
    notice = get_object_or_404(_notices_for(request.user), pk=pk)
    try:
        notice_finalise(notice=notice, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The list is final; its cases are final and their notices are ordered."))
    return redirect("workbench:notice", pk=notice.pk)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Uphold or dismiss an objection. Another county's objection is a 404; a role that cannot decide, a 403."""
    objection = get_object_or_404(
        Objection.objects.select_related("entry__case"),
        pk=pk,
        entry__case__in=cases_visible_to(request.user).values("pk"),
    )
    if not request.user.has_perm(DECIDE_CASE):
        raise PermissionDenied
    form = ObjectionResolveForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            objection_resolve(
                objection=objection,
                upheld=form.cleaned_data["outcome"] == ObjectionState.UPHELD,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("The objection is resolved."))
            return redirect("workbench:notice", pk=objection.notice_id)
    return notice_detail(request, objection.notice_id, resolve_forms={objection.pk: form})
