"""告知承诺制 on the resident journeys: sign a commitment instead of uploading a listed document, or take it back
while the application can still be changed (subsidies.commitments decides what may be promised, and by whom)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import refusal_on_form
from portal.forms.commitments import CommitmentSignForm
from portal.ratelimits import client_ip
from portal.views.services.access import cases_for_resident, get_case_for_resident, resident_required
from portal.views.services.journeys import RESIDENT_WIZARD
from registry.refusals import Refused
from subsidies.cases.states import EDITABLE
from subsidies.commitments import commitment_sign, commitment_text, commitment_withdraw, item_label
from subsidies.models import Case, Commitment


def _back(case: Case, step_slug: str) -> str:
    """The step the resident came from (a step of this case's journey only), else where the application resumes."""
    journey = RESIDENT_WIZARD.journey_for(case)
    for step in journey.steps_for(case):
        if step.slug == step_slug:
            return RESIDENT_WIZARD.step_url(journey, case, step)
    return RESIDENT_WIZARD.resume_url(case)


@resident_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    """The commitment (承诺书) for one document of the resident's application: read it, tick, type the name."""
    case = get_case_for_resident(request.user, pk)
    if not RESIDENT_WIZARD.has_journey(case):
        raise Http404("no such application")
    if case.state not in EDITABLE:
        messages.error(request, _("This application has been submitted and can no longer be changed."))
        return redirect(RESIDENT_WIZARD.case_url(case))
    step_slug = request.GET.get("step", "")
    back_url = _back(case, step_slug)
    form = CommitmentSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitment_sign(
                case=case,
                purpose=purpose,
                signed_name=form.cleaned_data["signed_name"],
                ip_address=client_ip(request) or None,
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(
                request, _("Commitment signed: you need not upload “%(item)s”.") % {"item": item_label(purpose)}
            )
            return redirect(back_url)
    context = {
        "case": case,
        "item": item_label(purpose),
        "paragraphs": commitment_text(purpose),
        "form": form,
        "back_url": back_url,
    }
    return render(request, "portal/commitments/sign.html", context, status=400 if request.method == "POST" else 200)


@resident_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a commitment while the application can still be changed: the document must then be uploaded."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("case"), pk=pk, case__in=cases_for_resident(request.user)
    )
    case = commitment.case
    try:
        commitment_withdraw(commitment=commitment, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect(RESIDENT_WIZARD.case_url(case))
    messages.info(
        request, _("Commitment taken back: upload “%(item)s” instead.") % {"item": item_label(commitment.purpose)}
    )
    return redirect(_back(case, request.POST.get("step", "")))
