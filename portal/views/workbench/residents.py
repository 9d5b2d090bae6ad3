"""The caseworker's side of the resident journey: recognise per category, refer to civil affairs （十一）, record
re-employment, and open a resident's uploads. Scoping as in the workbench (another county's record is a 404;
deciding needs portal.decide_case, so auditors' POSTs are a 403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import get_case_for_staff
from portal.forms import refusal_on_form
from portal.forms.residents_journey import RecognitionDecisionForm, ReferralForm, ReportWorkForm
from portal.views.services.access import get_evidence_for_staff, get_registration_for_staff
from portal.views.services.my_services import evidence_response
from portal.views.workbench.cases import _case_context
from registry.permissions import DECIDE_CASE
from registry.refusals import Refused
from subsidies.measures import m09_registration, m11_referral
from subsidies.models import CaseKind


def _may_decide(request: HttpRequest) -> None:
    if not request.user.has_perm(DECIDE_CASE):
        raise PermissionDenied


@login_required
@require_POST
def recognise(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve an employment-difficult recognition with the categories the caseworker accepts."""
    case = get_case_for_staff(request.user, pk)
    _may_decide(request)
    if case.kind != CaseKind.DIFFICULTY_RECOGNITION:
        raise PermissionDenied
    form = RecognitionDecisionForm(request.POST, prefix="recognise", asked=case.answers.get("categories", []))
    if form.is_valid():
        try:
            m09_registration.recognition_decide(
                case=case,
                accepted=form.cleaned_data["accepted"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("Recognised. The registry records the accepted categories."))
            return redirect("workbench:case", pk=case.pk)
    case.refresh_from_db()
    context = _case_context(request, case)
    context["details"]["recognise_form"] = form
    return render(request, "portal/cases/detail.html", context, status=400)


@login_required
@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a referral to the civil affairs bureau (低保 or temporary assistance) from a resident's case."""
    case = get_case_for_staff(request.user, pk)
    _may_decide(request)
    form = ReferralForm(request.POST, prefix="referral")
    if form.is_valid():
        try:
            m11_referral.referral_record(
                case=case, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"], actor=request.user
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("The referral is recorded in the person's real-name file."))
            return redirect("workbench:case", pk=case.pk)
    case.refresh_from_db()
    context = _case_context(request, case)
    context["referral_form"] = form
    return render(request, "portal/cases/detail.html", context, status=400)


@login_required
@require_POST
def record_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The caseworker records that a registered person found work: the registration ends (clause （十）)."""
    registration = get_registration_for_staff(request.user, pk)
    _may_decide(request)
    form = ReportWorkForm(request.POST, prefix="work")
    case_pk = request.POST.get("case")
    if form.is_valid():
        try:
            m09_registration.registration_report_work(
                registration=registration,
                started_on=form.cleaned_data["started_on"],
                employer=form.cleaned_data["employer"],
                actor=request.user,
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The registration has ended: the person found work."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    if case_pk and case_pk.isdigit():
        return redirect("workbench:case", pk=int(case_pk))
    return redirect("workbench:registry-person", pk=registration.person_id)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return evidence_response(get_evidence_for_staff(request.user, pk))
