"""The two resident journeys, GOV.UK style: a start page, one topic per page (the draft saved at each), check your
answers, an idempotent submit (the form's token), and a confirmation with the reference and what happens next.

Unemployment registration (SY-...) and employment-difficult recognition (KR-...), clause （九）. Steps reuse the
enterprise wizard's Step/Journey and its field includes; the rules live in subsidies.residents.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import refusal_on_form
from portal.forms import residents_journey as f
from portal.forms.apply import SubmitForm
from portal.views.apply.wizard import Journey, Step, check_url, step_url
from portal.views.services.access import get_case_for_resident, person_of, resident_required
from registry.models import DifficultyCategory
from registry.refusals import Refused
from subsidies.cases.evidence import evidence_add
from subsidies.cases.states import EDITABLE
from subsidies.measures import m09_registration
from subsidies.models import Case, CaseKind

REGISTRATION = Journey(
    namespace="residents",
    slug="unemployment-registration",
    kind=CaseKind.UNEMPLOYMENT_REGISTRATION,
    title=gettext_lazy("Register as unemployed where you live"),
    lead=gettext_lazy(
        "If you are of working age, able and wanting to work and without work, you can register at the public "
        "employment service of the place where you actually live, wherever your household registration (户口) is, "
        "and then use that place's services and policies (clause （九） of 塔行发〔2019〕16号). "
        "It takes about 5 minutes."
    ),
    steps=(
        Step("residence", gettext_lazy("Where you live"), f.ResidenceForm, ("residence_county", "address")),
        Step("able-to-work", gettext_lazy("Able and wanting to work"), f.AbleToWorkForm, ("able_and_willing",)),
        Step("last-work", gettext_lazy("Your last work"), f.LastWorkForm, ("work_end_reason",)),
        Step("wishes", gettext_lazy("The work and training you want"), f.WishesForm, ("occupation",)),
    ),
)

RECOGNITION = Journey(
    namespace="residents",
    slug="difficulty-recognition",
    kind=CaseKind.DIFFICULTY_RECOGNITION,
    title=gettext_lazy("Ask to be recognised as an employment-difficult person"),
    lead=gettext_lazy(
        "Registered unemployed people who are older, disabled, from a 低保 or zero-employment family, unemployed "
        "for a long time, or farmers whose land was taken may be recognised as employment-difficult persons "
        "(就业困难人员) and get employment assistance (clause （九）). What the registry already knows is filled in."
    ),
    steps=(
        Step("categories", gettext_lazy("What applies to you"), f.CategoriesForm, ("categories", "categories_chosen")),
        Step("evidence", gettext_lazy("Evidence"), f.EvidenceForm),
        Step("declaration", gettext_lazy("Declaration"), f.DeclarationForm, ("declaration",)),
    ),
)

JOURNEYS = {REGISTRATION.slug: REGISTRATION, RECOGNITION.slug: RECOGNITION}
JOURNEY_OF_KIND = {j.kind: j for j in JOURNEYS.values()}


def journey_for(case: Case) -> Journey:
    return JOURNEY_OF_KIND[case.kind]


def step_done(step: Step, case: Case) -> bool:
    if step.slug == "evidence":
        return not m09_registration.recognition_missing_evidence(case)
    return all(case.answers.get(k) not in (None, "", []) for k in step.required if k != "residence_county") and (
        step.slug != "residence" or "residence_county" in case.answers
    )


def resume_url(case: Case) -> str:
    journey = journey_for(case)
    for step in journey.steps:
        if not step_done(step, case):
            return step_url(journey, case, step)
    return check_url(journey, case)


def _editable_case(request: HttpRequest, journey: Journey, pk: int) -> Case | HttpResponse:
    case = get_case_for_resident(request.user, pk)
    if case.kind != journey.kind:
        raise Http404("no such application")
    if case.state not in EDITABLE:
        return redirect("residents:case", pk=case.pk)
    return case


# --- Start pages ---------------------------------------------------------------------------------------------


@resident_required
def start(request: HttpRequest, journey: str) -> HttpResponse:
    """What the application is, the checks the registry makes first (working age, registration), then start."""
    flow = JOURNEYS[journey]
    person = person_of(request.user)
    today = timezone.localdate()
    active = m09_registration.active_registration(person)
    context: dict[str, Any] = {"journey": flow, "person": person, "active": active, "problem": ""}
    if flow is REGISTRATION:
        age = m09_registration.working_age_check(person=person, on=today)
        context["age"] = age
        if not age.ok:
            context["problem"] = age.message
    elif active is None:
        context["problem"] = _(
            "Register as unemployed where you live first: recognition is asked for from a registration."
        )
    else:
        context["proven"] = [
            (DifficultyCategory(c).label, why)
            for c, why in m09_registration.recognition_proven(person=person, registration=active, on=today).items()
        ]
    if request.method == "POST" and not context["problem"]:
        service = (
            m09_registration.registration_draft_start
            if flow is REGISTRATION
            else m09_registration.recognition_draft_start
        )
        try:
            case = service(person=person, actor=request.user)
        except Refused as refused:
            context["problem"] = str(refused)
        else:
            if case.state in EDITABLE:
                return redirect(resume_url(case))
            messages.info(
                request, _("You have already applied: reference %(reference)s.") % {"reference": case.reference}
            )
            return redirect("residents:case", pk=case.pk)
    return render(request, "portal/residents/start.html", context, status=200)


# --- Steps -----------------------------------------------------------------------------------------------------


def build_form(step: Step, case: Case, data: Any = None, files: Any = None) -> Any:
    initial = step.form_class.initial_from(case)  # type: ignore[attr-defined]
    if step.slug == "residence":
        active = m09_registration.active_registration(case.person)
        return f.ResidenceForm(
            data,
            files,
            initial=initial,
            person=case.person,
            has_document=case.evidence.filter(purpose=m09_registration.RESIDENCE).exists(),
            active=active if active is not None else None,
        )
    if step.slug == "categories":
        return f.CategoriesForm(data, initial=initial, proven=case.answers.get("proven", {}))
    if step.slug == "evidence":
        proven = case.answers.get("proven", {})
        needed = [c for c in case.answers.get("categories", []) if c not in proven]
        return f.EvidenceForm(data, files, categories=needed)
    return step.form_class(data, initial=initial)


def _save_step(request: HttpRequest, step: Step, case: Case, form: Any) -> Case:
    user = request.user
    data = form.cleaned_data
    if step.slug == "residence":
        case = m09_registration.registration_residence_save(
            case=case,
            county=data["residence_county"],
            address=data["address"],
            residence_permit=data.get("residence_permit", ""),
            move=bool(data.get("move_registration")),
            actor=user,
        )
        if data.get("residence_document"):
            evidence_add(case=case, purpose=m09_registration.RESIDENCE, upload=data["residence_document"], actor=user)
        return case
    if step.slug == "evidence":
        for category, upload in data.items():
            if upload:
                evidence_add(case=case, purpose=category, upload=upload, actor=user)
        return case
    return m09_registration.registration_answers_save(case=case, answers=form.answers(), actor=user)


@resident_required
def step(request: HttpRequest, journey: str, pk: int, slug: str) -> HttpResponse:
    flow = JOURNEYS[journey]
    case = _editable_case(request, flow, pk)
    if isinstance(case, HttpResponse):
        return case
    current = flow.step(slug)
    index = flow.steps.index(current)
    from_check = request.GET.get("from") == "check"
    posted = request.method == "POST"
    form = build_form(current, case, request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            case = _save_step(request, current, case, form)
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            if current.slug == "evidence" and m09_registration.recognition_missing_evidence(case):
                messages.info(request, _("Saved. Upload evidence for each category that is still missing."))
                return redirect(step_url(flow, case, current))
            if from_check or index + 1 == len(flow.steps):
                return redirect(resume_url(case) if from_check else check_url(flow, case))
            return redirect(step_url(flow, case, flow.steps[index + 1]))
    if from_check:
        back = check_url(flow, case)
    elif index:
        back = step_url(flow, case, flow.steps[index - 1])
    else:
        back = reverse("residents:start-" + flow.slug)
    context = {
        "journey": flow,
        "case": case,
        "step": current,
        "form": form,
        "back_url": back,
        "step_number": index + 1,
        "step_count": len(flow.steps),
        "evidence": case.evidence.all(),
        "hukou": case.person.hukou_area_code,
    }
    return render(request, "portal/residents/step.html", context, status=400 if posted else 200)


# --- Check your answers, submit, confirmation --------------------------------------------------------------------


def _label(choices: Any, value: Any) -> Any:
    return dict(choices).get(value, value)


def summary_rows(case: Case) -> list[dict[str, Any]]:
    flow = journey_for(case)
    a = case.answers
    rows: list[dict[str, Any]] = [
        {"label": _("Name"), "value": case.person.name},
        {"label": _("ID number"), "value": case.person.id_number_masked},
    ]
    steps = {s.slug: s for s in flow.steps}
    if flow is REGISTRATION:
        rows += [
            {"label": _("County where you live"), "value": case.county.display_name, "step": steps["residence"]},
            {"label": _("Address"), "value": a.get("address", ""), "step": steps["residence"]},
            {"label": _("Household registration (area code)"), "value": case.person.hukou_area_code},
            {
                "label": _("Residence permit number"),
                "value": a.get("residence_permit") or "—",
                "step": steps["residence"],
            },
            {
                "label": _("Documents uploaded"),
                "value": ", ".join(e.original_name for e in case.evidence.all()) or "—",
                "step": steps["residence"],
            },
        ]
        if a.get("move_registration"):
            rows.append({"label": _("Move my registration here"), "value": _("Yes"), "step": steps["residence"]})
        rows += [
            {
                "label": _("Declaration"),
                "value": _("Made") if a.get("able_and_willing") else _("Not made yet"),
                "step": steps["able-to-work"],
            },
            {
                "label": _("Why you are without work"),
                "value": _label(m09_registration.WORK_END_REASONS, a.get("work_end_reason", "")),
                "step": steps["last-work"],
            },
            {"label": _("Last employer"), "value": a.get("last_employer") or "—", "step": steps["last-work"]},
            {"label": _("Last work ended"), "value": a.get("work_ended_on") or "—", "step": steps["last-work"]},
            {"label": _("Work you are looking for"), "value": a.get("occupation", ""), "step": steps["wishes"]},
            {
                "label": _("Expected monthly wage (yuan)"),
                "value": a.get("expected_wage") or "—",
                "step": steps["wishes"],
            },
            {"label": _("Training you would like"), "value": a.get("training_wishes") or "—", "step": steps["wishes"]},
            {"label": _("Skills"), "value": a.get("skills") or "—", "step": steps["wishes"]},
        ]
    else:
        proven = a.get("proven", {})
        for category in a.get("categories", []):
            how = _("confirmed by the registry") if category in proven else _("evidence uploaded")
            rows.append({"label": DifficultyCategory(category).label, "value": how, "step": steps["categories"]})
        rows.append(
            {
                "label": _("Evidence"),
                "value": ", ".join(e.original_name for e in case.evidence.all()) or "—",
                "step": steps["evidence"],
            }
        )
        rows.append(
            {
                "label": _("Declaration"),
                "value": _("Made") if a.get("declaration") else _("Not made yet"),
                "step": steps["declaration"],
            }
        )
    for row in rows:
        if "step" in row:
            row["change_url"] = step_url(flow, case, row["step"], from_check=True)
    return rows


def _check_context(flow: Journey, case: Case, form: SubmitForm) -> dict[str, Any]:
    missing = [s for s in flow.steps if not step_done(s, case)]
    problems = (
        m09_registration.registration_problems(case, today=timezone.localdate())
        if flow is REGISTRATION and not missing
        else []
    )
    return {
        "journey": flow,
        "case": case,
        "rows": summary_rows(case),
        "missing": [(s, step_url(flow, case, s)) for s in missing],
        "problems": problems,
        "form": form,
        "back_url": step_url(flow, case, flow.steps[-1]),
    }


@resident_required
def check(request: HttpRequest, journey: str, pk: int) -> HttpResponse:
    flow = JOURNEYS[journey]
    if request.method == "POST":
        form = SubmitForm(request.POST)
        case = get_case_for_resident(request.user, pk)
        if case.kind != flow.kind:
            raise Http404("no such application")
        if form.is_valid() and case.submission_token == form.cleaned_data["token"]:
            return redirect("residents:confirmation", pk=case.pk)  # a double click or a retried POST
        if case.state not in EDITABLE:
            return redirect("residents:case", pk=case.pk)
        if form.is_valid():
            missing = [s for s in flow.steps if not step_done(s, case)]
            if missing:
                return redirect(step_url(flow, case, missing[0]))
            service = (
                m09_registration.registration_submit if flow is REGISTRATION else m09_registration.recognition_submit
            )
            try:
                case = service(case=case, token=form.cleaned_data["token"], actor=request.user)
            except Refused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("residents:confirmation", pk=case.pk)
        return render(request, "portal/residents/check.html", _check_context(flow, case, form), status=400)
    case = _editable_case(request, flow, pk)
    if isinstance(case, HttpResponse):
        return case
    form = SubmitForm(initial={"token": uuid.uuid4()})
    return render(request, "portal/residents/check.html", _check_context(flow, case, form))
