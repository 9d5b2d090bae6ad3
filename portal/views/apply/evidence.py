"""The documents an enterprise uploaded with its applications: download, and remove while it may still change."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from portal.access import get_evidence_for_applicant
from portal.views.apply import claims_enterprises as enterprise_claims
from portal.views.apply.wizard import ENTERPRISE_WIZARD, enterprise_required
from portal.views.services.my_services import evidence_response, remove_with_message
from subsidies.cases.states import EDITABLE


@enterprise_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return evidence_response(get_evidence_for_applicant(request.user, pk))


@enterprise_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_for_applicant(request.user, pk)
    case = evidence.case
    remove_with_message(request, evidence)
    if ENTERPRISE_WIZARD.has_journey(case) and case.state in EDITABLE:
        journey = ENTERPRISE_WIZARD.journey_for(case)
        if any(step.slug == "documents" for step in journey.steps_for(case)):
            return redirect(ENTERPRISE_WIZARD.step_url(journey, case, journey.step("documents", case)))
    if case.state in EDITABLE and case.kind in enterprise_claims.CLAIM_OF_KIND:
        return redirect("enterprise_claims:edit", pk=case.pk)
    return redirect("apply:case", pk=case.pk)
