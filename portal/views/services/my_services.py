"""'My services' for residents: registrations, recognitions, claims and notices, each with its state and next step;
a case's page, the confirmation after submitting, reporting new work, and the resident's own uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.forms import refusal_on_form
from portal.forms.residents_journey import ReportWorkForm
from portal.views.apply.status import STATE_BADGE, history
from portal.views.services.access import (
    cases_for_resident,
    get_case_for_resident,
    get_evidence_for_resident,
    get_registration_for_resident,
    person_of,
    recognitions_for_resident,
    resident_required,
)
from portal.views.services.journeys import RECOGNITION, REGISTRATION, RESIDENT_WIZARD, resume_url
from registry import services
from registry.models import DifficultyCategory, RegistrationStatus
from registry.refusals import Refused
from subsidies.cases import evidence as evidence_files
from subsidies.cases.states import EDITABLE, NEXT_STEP, UNDECIDED
from subsidies.measures import m09_registration
from subsidies.models import Case, CaseKind, CaseState, Evidence
from subsidies.parameters import ParameterNotInForce, value_in_force

S = CaseState
# Next steps where the enterprise wording (public notice) does not fit a resident's case.
RESIDENT_NEXT_STEP: dict[tuple[str, str], Any] = {
    (CaseKind.UNEMPLOYMENT_REGISTRATION, S.FINAL): gettext_lazy(
        "Registered. Download your registration certificate; you can now use the services and policies of the "
        "county where you live. Tell us when you find work."
    ),
    (CaseKind.DIFFICULTY_RECOGNITION, S.FINAL): gettext_lazy(
        "Recognised. Ask your service office about employment assistance and the subsidies it opens."
    ),
    (CaseKind.UNEMPLOYMENT_REGISTRATION, S.SUBMITTED): gettext_lazy(
        "Waiting for a caseworker of the county where you live to take it."
    ),
}
# A claim kind's own pages register here (the claims journey): kind -> function(case) -> url to continue a draft.
CONTINUE_URLS: dict[str, Any] = {}


def next_step(case: Case) -> Any:
    return RESIDENT_NEXT_STEP.get((case.kind, case.state)) or NEXT_STEP[CaseState(case.state)]


def state_label(case: Case) -> Any:
    if case.kind == CaseKind.UNEMPLOYMENT_REGISTRATION and case.state == S.FINAL:
        return _("Registered")
    if case.kind == CaseKind.DIFFICULTY_RECOGNITION and case.state == S.FINAL:
        return _("Recognised")
    return case.get_state_display()


def _continue_url(case: Case) -> str | None:
    if case.state not in EDITABLE:
        return None
    if RESIDENT_WIZARD.has_journey(case):
        return resume_url(case)
    builder = CONTINUE_URLS.get(case.kind)
    return builder(case) if builder else None


def row(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "badge": STATE_BADGE[CaseState(case.state)],
        "state_label": state_label(case),
        "next_step": next_step(case),
        "continue_url": _continue_url(case),
    }


@resident_required
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    """The resident's home: registration, recognition, claims and notices, with what to do next."""
    person = person_of(request.user)
    today = timezone.localdate()
    cases = list(
        cases_for_resident(request.user).prefetch_related("notice_jobs__notice").order_by("-created_at", "-id")
    )
    registrations = list(
        person.registrations.select_related("residence_county").prefetch_related("notice_jobs__notice")
    )
    active = next((reg for reg in registrations if reg.status == RegistrationStatus.ACTIVE), None)
    recognitions = [
        {"recognition": rec, "labels": [DifficultyCategory(c).label for c in rec.categories]}
        for rec in recognitions_for_resident(request.user)
    ]
    resident_kinds = (CaseKind.UNEMPLOYMENT_REGISTRATION, CaseKind.DIFFICULTY_RECOGNITION)
    return render(
        request,
        "portal/residents/index.html",
        {
            "person": person,
            "active": active,
            "registrations": registrations,
            "recognitions": recognitions,
            "current_recognition": services.recognition_in_force(person, on=today),
            # An application still being decided: the page says so instead of "not registered" / "not recognised".
            "pending_registration": _pending(cases, CaseKind.UNEMPLOYMENT_REGISTRATION),
            "pending_recognition": _pending(cases, CaseKind.DIFFICULTY_RECOGNITION),
            "application_rows": [row(c) for c in cases if c.kind in resident_kinds],
            "claim_rows": [row(c) for c in cases if c.kind not in resident_kinds],
            "registration_journey": REGISTRATION,
            "recognition_journey": RECOGNITION,
            "age": m09_registration.working_age_check(person=person, on=today),
        },
    )


def _pending(cases: list[Case], kind: str) -> Case | None:
    """The resident's submitted application of this kind that is not decided yet, if any."""
    return next((c for c in cases if c.kind == kind and c.state in UNDECIDED), None)


@resident_required
@never_cache
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_resident(request.user, pk)
    registration = m09_registration.registration_of(case) if case.kind == CaseKind.UNEMPLOYMENT_REGISTRATION else None
    recognition = m09_registration.recognition_of(case) if case.kind == CaseKind.DIFFICULTY_RECOGNITION else None
    return render(
        request,
        "portal/residents/case.html",
        {
            **row(case),
            "history": history(case, registration=registration),
            "registration": registration,
            "recognition": recognition,
            "recognised_labels": [DifficultyCategory(c).label for c in recognition.categories] if recognition else [],
            "evidence": case.evidence.all(),
        },
    )


@resident_required
@never_cache
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_resident(request.user, pk)
    if case.state in EDITABLE:
        return redirect("residents:case", pk=case.pk)
    try:
        days = value_in_force("service.decision_working_days", on=timezone.localdate())
    except ParameterNotInForce:
        days = "?"
    return render(request, "portal/residents/confirmation.html", {**row(case), "decision_days": days})


@resident_required
def report_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The resident found work: the registration ends (and benefit stops from the next month, clause （十）)."""
    registration = get_registration_for_resident(request.user, pk)
    if registration.status != RegistrationStatus.ACTIVE:
        messages.info(request, _("This registration has already ended."))
        return redirect("residents:index")
    form = ReportWorkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            m09_registration.registration_report_work(
                registration=registration,
                started_on=form.cleaned_data["started_on"],
                employer=form.cleaned_data["employer"],
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("Congratulations on your new job. Your unemployment registration has ended."))
            return redirect("residents:index")
    return render(
        request,
        "portal/residents/report_work.html",
        {"registration": registration, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# The extension of each type evidence may have (subsidies.cases.evidence checks the content, not the name).
EXTENSION = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def download_name(evidence: Evidence) -> str:
    """The name a download is saved under: the uploader's name cleaned of anything but letters, digits, - and _,
    with the extension of what the file really is (never "evil<script>.html")."""
    stem = get_valid_filename(Path(evidence.original_name).stem.replace(".", "_"))[:80] or "document"
    return f"{stem}.{EXTENSION.get(evidence.content_type, 'bin')}"


def evidence_response(evidence: Evidence) -> FileResponse:
    """The file, never cached by a shared cache, never sniffed into another type by the browser."""
    response = FileResponse(
        evidence_files.evidence_open(evidence),
        content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf",
        filename=download_name(evidence),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def remove_with_message(request: HttpRequest, evidence: Evidence) -> None:
    """Remove an applicant's uploaded file (drafts and returned cases only), saying on the next page whether it
    went; shared by the residents' and the enterprises' pages."""
    try:
        evidence_files.evidence_remove(evidence=evidence, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The file was removed."))


@resident_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return evidence_response(get_evidence_for_resident(request.user, pk))


@resident_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_for_resident(request.user, pk)
    case = evidence.case
    remove_with_message(request, evidence)
    return redirect(_upload_page_url(case) or _continue_url(case) or "residents:index")


def _upload_page_url(case: Case) -> str | None:
    """The page the removed file was listed on (its journey's upload page): the resident pressed "remove" there and
    stays there, even when the application would continue further on."""
    if case.state not in EDITABLE or not RESIDENT_WIZARD.has_journey(case):
        return None
    journey = RESIDENT_WIZARD.journey_for(case)
    page = next((step for step in journey.steps_for(case) if step.uploads), None)
    return RESIDENT_WIZARD.step_url(journey, case, page) if page is not None else None
