"""The two resident journeys, GOV.UK style: a start page, one topic per page (the draft saved at each), check your
answers, an idempotent submit (the form's token), and a confirmation with the reference and what happens next.

Unemployment registration (SY-...) and employment-difficult recognition (KR-...), clause （九）, on the portal's one
wizard engine (portal.wizard); the rules live in subsidies.measures.m09_registration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from portal.forms import residents_journey as f
from portal.views.services.access import get_case_for_resident, person_of, resident_required
from portal.wizard import Journey, Step, Wizard
from registry.models import DifficultyCategory
from registry.refusals import Refused
from subsidies.cases.evidence import evidence_add, purposes_covered
from subsidies.cases.states import EDITABLE
from subsidies.commitments import item_label, offered_items
from subsidies.measures import m09_registration
from subsidies.models import Case, CaseKind

# --- Steps -----------------------------------------------------------------------------------------------------


def _build_residence(case: Case, data: Any, files: Any) -> Any:
    return f.ResidenceForm(
        data,
        files,
        initial=f.ResidenceForm.initial_from(case),
        person=case.person,
        has_document=m09_registration.RESIDENCE in purposes_covered(case),  # uploaded, or promised (告知承诺制)
        active=m09_registration.active_registration(case.person),
    )


def _save_residence(case: Case, form: Any, actor: Any) -> Case:
    data = form.cleaned_data
    case = m09_registration.registration_residence_save(
        case=case,
        county=data["residence_county"],
        address=data["address"],
        residence_permit=data.get("residence_permit", ""),
        move=bool(data.get("move_registration")),
        actor=actor,
    )
    if data.get("residence_document"):
        evidence_add(case=case, purpose=m09_registration.RESIDENCE, upload=data["residence_document"], actor=actor)
    return case


def _build_evidence(case: Case, data: Any, files: Any) -> Any:
    proven = case.answers.get("proven", {})
    promised = set(case.commitments.values_list("purpose", flat=True))  # 告知承诺制: no upload for these
    needed = [c for c in case.answers.get("categories", []) if c not in proven and c not in promised]
    return f.EvidenceForm(data, files, categories=needed)


def _save_evidence(case: Case, form: Any, actor: Any) -> Case:
    for category, upload in form.cleaned_data.items():
        if upload:
            evidence_add(case=case, purpose=category, upload=upload, actor=actor)
    return case


def _commitments_on(
    items: Callable[[Case, Any], list[str]], step: str, domain: frozenset[str]
) -> Callable[[Case, Any], dict[str, Any]]:
    """The step's context for 告知承诺制: the documents of this page that may be promised instead of uploaded (not
    yet uploaded or promised), and the commitments already signed for the page's kind of document (`domain`), which
    stay listed, with their take-back button, even when the page no longer asks for them."""

    def context(case: Case, form: Any) -> dict[str, Any]:
        wanted = items(case, form)
        signed = [c for c in case.commitments.all() if c.purpose in domain]
        if not wanted and not signed:
            return {}
        offered = set(offered_items(case))
        covered = purposes_covered(case)
        return {
            "commitment_step": step,
            "commitments_offered": [p for p in wanted if p in offered and p not in covered],
            "commitments_signed": signed,
        }

    return context


def _residence_items(case: Case, form: Any = None) -> list[str]:
    """Where the resident lives needs showing only when the household registration is elsewhere (the county chosen
    on the page just posted, else the case's)."""
    county = getattr(form, "cleaned_data", {}).get("residence_county") or case.county
    return [m09_registration.RESIDENCE] if m09_registration.residence_needs_evidence(case.person, county) else []


def _needed_categories(case: Case, form: Any = None) -> list[str]:
    proven = case.answers.get("proven", {})
    return [c for c in case.answers.get("categories", []) if c not in proven]


RESIDENCE = Step(
    "residence",
    gettext_lazy("Where you live"),
    f.ResidenceForm,
    done=lambda case: "residence_county" in case.answers and bool(case.answers.get("address")),
    build=_build_residence,
    save=_save_residence,
    intro="portal/wizard/intro/residence.html",
    uploads=True,
    context=_commitments_on(_residence_items, "residence", frozenset({m09_registration.RESIDENCE})),
)
EVIDENCE = Step(
    "evidence",
    gettext_lazy("Evidence"),
    f.EvidenceForm,
    done=lambda case: not m09_registration.recognition_missing_evidence(case),
    build=_build_evidence,
    save=_save_evidence,
    intro="portal/wizard/intro/evidence.html",
    uploads=True,
    context=_commitments_on(_needed_categories, "evidence", frozenset(DifficultyCategory.values)),
)


def _answers_save(*, case: Case, answers: dict[str, Any], actor: Any) -> Case:
    return m09_registration.registration_answers_save(case=case, answers=answers, actor=actor)


REGISTRATION = Journey(
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
        RESIDENCE,
        Step("able-to-work", gettext_lazy("Able and wanting to work"), f.AbleToWorkForm, ("able_and_willing",)),
        Step("last-work", gettext_lazy("Your last work"), f.LastWorkForm, ("work_end_reason",)),
        Step("wishes", gettext_lazy("The work and training you want"), f.WishesForm, ("occupation",)),
    ),
    save_answers=_answers_save,
    submit=m09_registration.registration_submit,
    summary=lambda case: summary_rows(case),
    check_context=lambda request, case: check_context(request, case),
)

RECOGNITION = Journey(
    slug="difficulty-recognition",
    kind=CaseKind.DIFFICULTY_RECOGNITION,
    title=gettext_lazy("Ask to be recognised as an employment-difficult person"),
    lead=gettext_lazy(
        "Registered unemployed people who are older, disabled, from a 低保 or zero-employment family, unemployed "
        "for a long time, or farmers whose land was taken may be recognised as employment-difficult persons "
        "(就业困难人员) and get employment assistance (clause （九）). What the registry already knows is filled in."
    ),
    steps=(
        Step(
            "categories",
            gettext_lazy("What applies to you"),
            f.CategoriesForm,
            ("categories", "categories_chosen"),
            build=lambda case, data, files: f.CategoriesForm(
                data, initial=f.CategoriesForm.initial_from(case), proven=case.answers.get("proven", {})
            ),
        ),
        EVIDENCE,
        Step("declaration", gettext_lazy("Declaration"), f.DeclarationForm, ("declaration",)),
    ),
    save_answers=_answers_save,
    submit=m09_registration.recognition_submit,
    summary=lambda case: summary_rows(case),
    check_context=lambda request, case: check_context(request, case),
)

RESIDENT_WIZARD = Wizard(namespace="residents", get_case=get_case_for_resident, index_url_name="residents:index")
RESIDENT_WIZARD.register(REGISTRATION, RECOGNITION)
JOURNEYS = RESIDENT_WIZARD.journeys


def resume_url(case: Case) -> str:
    return RESIDENT_WIZARD.resume_url(case)


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


# --- Check your answers, submit, confirmation --------------------------------------------------------------------


def _label(choices: Any, value: Any) -> Any:
    return dict(choices).get(value, value)


def summary_rows(case: Case) -> list[dict[str, Any]]:
    flow = RESIDENT_WIZARD.journey_for(case)
    a = case.answers
    rows: list[dict[str, Any]] = [
        {"label": pgettext("person", "Name"), "value": case.person.name},
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
        if case.commitments.exists():
            rows.append(
                {
                    "label": _("Promised instead of a document"),
                    "value": ", ".join(item_label(c.purpose) for c in case.commitments.all()),
                    "step": steps["residence"],
                }
            )
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
        promised = set(case.commitments.values_list("purpose", flat=True))
        for category in a.get("categories", []):
            if category in proven:
                how = _("confirmed by the registry")
            elif category in promised:
                how = _("commitment signed instead of evidence")
            else:
                how = _("evidence uploaded")
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
    return rows


def check_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """Where the application goes, and (registration, every page done) what the registry would refuse."""
    context: dict[str, Any] = {
        "submit_note": _("It goes to the caseworkers of %(county)s.") % {"county": case.county.display_name}
    }
    if case.kind == CaseKind.UNEMPLOYMENT_REGISTRATION and not REGISTRATION.missing(case):
        context["problems"] = m09_registration.registration_problems(case, today=timezone.localdate())
    return context


@resident_required
def step(request: HttpRequest, journey: str, pk: int, slug: str) -> HttpResponse:
    """One page of a resident's journey (portal.wizard)."""
    return RESIDENT_WIZARD.step_view(request, journey, pk, slug)


@resident_required
def check(request: HttpRequest, journey: str, pk: int) -> HttpResponse:
    """Check your answers, then submit once (portal.wizard)."""
    return RESIDENT_WIZARD.check_view(request, journey, pk)
