"""Applications, GOV.UK style: a start page, one topic per page, check your answers, submit, confirmation.

One view serves every step of a journey; each step has its own form (portal.forms.apply). The draft is saved at
each step (subsidies.cases.case_draft_save), so an application can be left and resumed from "my applications". A
returned case goes through the same steps and is resubmitted from the same check page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import APPLY_AS_ENTERPRISE, enterprises_of, get_case_for_applicant, get_offer_for_applicant
from portal.forms import apply as f
from portal.forms import refusal_on_form
from portal.services_accounts import email_confirmed
from registry.refusals import Refused
from subsidies.calculators.base import InputErrors
from subsidies.cases.states import EDITABLE
from subsidies.cases.workflow import case_draft_save, case_draft_start, case_submit
from subsidies.measures.m01_stable_job_refund import (
    case_from_offer,
    hardship_track_allowed,
    refund_calculate,
    registry_figures,
)
from subsidies.measures.m01_stable_job_refund import hardship_window_years as window_years
from subsidies.models import Case, CaseKind, CaseState, Track


def enterprise_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with the enterprise applicant's permission (staff and residents get a 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(APPLY_AS_ENTERPRISE):
            raise PermissionDenied(_("Only enterprise accounts can apply here."))
        return view(request, *args, **kwargs)

    return wrapped


# --- Journeys and their steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any
    form_class: type[f.StyledForm]
    # The answers (or case attributes) that must be present for the step to count as done.
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Journey:
    slug: str
    kind: str
    title: Any
    lead: Any
    steps: tuple[Step, ...] = field(default_factory=tuple)
    # The URL namespace of its pages: "apply" (enterprises) or "residents"; both use step_url / check_url below.
    namespace: str = "apply"

    def step(self, slug: str) -> Step:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise Http404("no such step")


DECLARATION = Step("declaration", gettext_lazy("Declaration"), f.DeclarationForm, ("declaration",))

REFUND = Journey(
    slug="stable-job-refund",
    kind=CaseKind.STABLE_JOB_REFUND,
    title=gettext_lazy("Apply for the stable-job refund"),
    lead=gettext_lazy(
        "Enterprises that kept their staff get back half of last year's unemployment-insurance premiums "
        "(clause （一） of 塔行发〔2019〕16号). It takes about 5 minutes: we fill in last year's figures from the "
        "social-insurance system where we have them."
    ),
    steps=(
        Step("track", gettext_lazy("Track"), f.TrackForm),
        Step("figures", gettext_lazy("Last year's figures"), f.StandardFiguresForm),
        Step("bank", gettext_lazy("Bank account"), f.BankForm, ("bank_name",)),
        DECLARATION,
    ),
)

HARDSHIP = Journey(
    slug="hardship-recognition",
    kind=CaseKind.HARDSHIP_RECOGNITION,
    title=gettext_lazy("Ask to be recognised as a hardship enterprise"),
    lead=gettext_lazy(
        "Enterprises in temporary difficulty that keep their staff may be recognised by the prefecture, published "
        "on the hardship list for public notice, and then use the 2019 hardship track of the stable-job refund "
        "(clause （一）)."
    ),
    steps=(
        Step("situation", gettext_lazy("Your situation"), f.SituationForm, ("situation", "recovery")),
        Step("measures", gettext_lazy("Job-keeping measures"), f.MeasuresForm, ("measures", "layoffs_planned")),
        Step("agreement", gettext_lazy("Agreement with staff"), f.AgreementForm, ("agreement",)),
        Step("documents", gettext_lazy("Documents"), f.DocumentsForm, ("documents",)),
        DECLARATION,
    ),
)

JOURNEYS = {REFUND.slug: REFUND, HARDSHIP.slug: HARDSHIP}
JOURNEY_OF_KIND = {j.kind: j for j in JOURNEYS.values()}


def journey_for(case: Case) -> Journey:
    return JOURNEY_OF_KIND[case.kind]


def hardship_window_years() -> list[int]:
    return window_years(f.FIRST_YEAR)


def figures_form_class(case: Case) -> type[f.FiguresForm]:
    return f.HardshipFiguresForm if case.track == Track.HARDSHIP else f.StandardFiguresForm


def build_form(step: Step, case: Case, data: Any = None) -> f.StyledForm:
    if step.slug == "track":
        return f.TrackForm(data, initial=f.TrackForm.initial_from(case), hardship_allowed=hardship_track_allowed(case))
    if step.slug == "figures":
        cls = figures_form_class(case)
        registry = registry_figures(enterprise=case.enterprise, year=case.year)
        return cls(data, initial=cls.initial_from(case, registry), registry=registry)
    if step.slug == "bank":
        return f.BankForm(data, initial=f.BankForm.initial_from(case), on_file=case.bank_account_masked)
    return step.form_class(data, initial=step.form_class.initial_from(case))  # type: ignore[attr-defined]


def step_done(step: Step, case: Case) -> bool:
    if step.slug == "track":
        return bool(case.track)
    if step.slug == "figures":
        return all(case.answers.get(k) not in (None, "") for k in figures_form_class(case).keys)
    if step.slug == "bank":
        return bool(case.bank_account_masked) and bool(case.answers.get("bank_name"))
    return all(case.answers.get(k) not in (None, "") for k in step.required)


def step_url(journey: Journey, case: Case, step: Step, *, from_check: bool = False) -> str:
    url = reverse(f"{journey.namespace}:step", args=[journey.slug, case.pk, step.slug])
    return url + "?from=check" if from_check else url


def check_url(journey: Journey, case: Case) -> str:
    return reverse(f"{journey.namespace}:check", args=[journey.slug, case.pk])


def resume_url(case: Case) -> str:
    """Where an unfinished (or returned) application continues: its first step not done, else the check page."""
    journey = journey_for(case)
    for step in journey.steps:
        if not step_done(step, case):
            return step_url(journey, case, step)
    return check_url(journey, case)


def _editable_case(request: HttpRequest, journey: Journey, pk: int) -> Case | HttpResponse:
    case = get_case_for_applicant(request.user, pk)
    if case.kind != journey.kind:
        raise Http404("no such application")
    if case.state not in EDITABLE:
        return redirect("apply:case", pk=case.pk)
    return case


# --- Views -----------------------------------------------------------------------------------------------------


@enterprise_required
def start(request: HttpRequest, journey: str) -> HttpResponse:
    """The start page: what the application is, and (one page) which enterprise and year."""
    flow = JOURNEYS[journey]
    enterprises = enterprises_of(request.user)
    years = [(y, str(y)) for y in hardship_window_years()] if flow is HARDSHIP else None
    data = request.POST if request.method == "POST" else None
    form = f.StartForm(data, enterprises=enterprises, years=years) if enterprises.exists() else None
    if request.method == "POST" and form is not None and form.is_valid():
        case = case_draft_start(
            kind=flow.kind,
            enterprise=form.cleaned_data["enterprise"],
            year=form.cleaned_data["year"],
            actor=request.user,
        )
        if case.state in EDITABLE:
            return redirect(resume_url(case))
        messages.info(
            request,
            _("You have already applied for %(year)s: reference %(reference)s.")
            % {"year": case.year, "reference": case.reference},
        )
        return redirect("apply:case", pk=case.pk)
    return render(
        request,
        "portal/apply/start.html",
        {"journey": flow, "form": form, "has_enterprise": form is not None},
    )


@enterprise_required
def step(request: HttpRequest, journey: str, pk: int, slug: str) -> HttpResponse:
    """One page of the application; saves the draft and goes on to the next page (or back to the check page)."""
    flow = JOURNEYS[journey]
    case = _editable_case(request, flow, pk)
    if isinstance(case, HttpResponse):
        return case
    current = flow.step(slug)
    index = flow.steps.index(current)
    from_check = request.GET.get("from") == "check"
    form = build_form(current, case, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()  # type: ignore[attr-defined]
        kwargs: dict[str, Any] = {}
        if current.slug == "track":
            kwargs["track"] = answers.pop("track")
        if current.slug == "bank":
            kwargs["bank_account"] = form.new_bank_account()  # type: ignore[attr-defined]
        try:
            case = case_draft_save(case=case, answers=answers, actor=request.user, **kwargs)
        except Refused as exc:
            messages.error(request, str(exc))
            return redirect("apply:case", pk=case.pk)
        if from_check or index + 1 == len(flow.steps):
            # A changed track needs that track's figures before the check page makes sense.
            return redirect(resume_url(case) if from_check else check_url(flow, case))
        return redirect(step_url(flow, case, flow.steps[index + 1]))
    if from_check:
        back = check_url(flow, case)
    elif index:
        back = step_url(flow, case, flow.steps[index - 1])
    elif case.state == CaseState.RETURNED:
        back = reverse("apply:case", args=[case.pk])
    else:
        back = reverse("apply:start-" + flow.slug)
    context = {
        "journey": flow,
        "case": case,
        "step": current,
        "form": form,
        "back_url": back,
        "step_number": index + 1,
        "step_count": len(flow.steps),
    }
    if current.slug == "track":
        context["hardship_years"] = hardship_window_years()
        context["hardship_allowed"] = hardship_track_allowed(case)
    if current.slug == "figures":
        context["registry"] = form.registry  # type: ignore[attr-defined]
        context["hardship"] = case.track == Track.HARDSHIP
    return render(request, "portal/apply/step.html", context)


def summary_rows(case: Case) -> list[dict[str, Any]]:
    """The check-your-answers rows: label, value, and the step whose page changes it."""
    flow = journey_for(case)
    rows: list[dict[str, Any]] = [
        {"label": _("Enterprise"), "value": f"{case.enterprise.name} ({case.enterprise.credit_code})"},
        {"label": _("Year"), "value": str(case.year)},
    ]
    answers = case.answers
    for current in flow.steps:
        if current.slug == "track":
            rows.append({"label": _("Track"), "value": case.get_track_display(), "step": current})
        elif current.slug == "figures":
            cls = figures_form_class(case)
            for key in cls.keys:
                rows.append(
                    {"label": cls.base_fields[key].label, "value": answers.get(key, ""), "step": current, "key": key}
                )
            if answers.get("figures_source") == "registry":
                source = _("From the social-insurance system")
            elif answers.get("figures_change_reason"):
                source = _("Changed by you: %(reason)s") % {"reason": answers["figures_change_reason"]}
            else:
                source = _("Entered by you")
            rows.append({"label": _("Source of the figures"), "value": source, "step": current})
        elif current.slug == "bank":
            rows.append({"label": _("Bank and branch"), "value": answers.get("bank_name", ""), "step": current})
            rows.append({"label": _("Account number"), "value": case.bank_account_masked, "step": current})
        elif current.slug == "declaration":
            made = _("Made") if answers.get("declaration") else _("Not made yet")
            rows.append({"label": _("Declaration"), "value": made, "step": current})
        else:
            for name, form_field in current.form_class.base_fields.items():
                value = answers.get(name, "")
                if hasattr(form_field, "choices") and value:
                    value = dict(form_field.choices).get(value, value)
                rows.append({"label": form_field.label, "value": value, "step": current})
    for row in rows:
        if "step" in row:
            row["change_url"] = step_url(flow, case, row["step"], from_check=True)
    return rows


def _check_context(request: HttpRequest, flow: Journey, case: Case, form: f.SubmitForm) -> dict[str, Any]:
    calculation, calculation_error = None, None
    if case.kind == CaseKind.STABLE_JOB_REFUND:
        try:
            calculation = refund_calculate(case=case)
        except InputErrors as exc:
            calculation_error = str(exc)
    missing = [s for s in flow.steps if not step_done(s, case)]
    return {
        "journey": flow,
        "case": case,
        "rows": summary_rows(case),
        "calculation": calculation,
        "calculation_error": calculation_error,
        "missing": [(s, step_url(flow, case, s)) for s in missing],
        "form": form,
        "confirmed": email_confirmed(user=request.user),
        "back_url": step_url(flow, case, flow.steps[-1]),
    }


@enterprise_required
def check(request: HttpRequest, journey: str, pk: int) -> HttpResponse:
    """Check your answers (with the calculator's amount), then submit once: the form's token makes it idempotent."""
    flow = JOURNEYS[journey]
    if request.method == "POST":
        form = f.SubmitForm(request.POST)
        case = get_case_for_applicant(request.user, pk)
        if case.kind != flow.kind:
            raise Http404("no such application")
        if form.is_valid() and case.submission_token == form.cleaned_data["token"]:
            return redirect("apply:confirmation", pk=case.pk)  # a double click or a retried POST
        if case.state not in EDITABLE:
            return redirect("apply:case", pk=case.pk)
        if form.is_valid():
            missing = [s for s in flow.steps if not step_done(s, case)]
            if missing:
                return redirect(step_url(flow, case, missing[0]))
            if not email_confirmed(user=request.user):
                form.add_error(None, _("Confirm your email address before you submit: open the link we sent you."))
            else:
                try:
                    case = case_submit(case=case, token=form.cleaned_data["token"], actor=request.user)
                except Refused as exc:
                    form.add_error(None, str(exc))
                else:
                    return redirect("apply:confirmation", pk=case.pk)
        # Built only to show the page again: the calculator runs once more, in case_submit, on success.
        return render(request, "portal/apply/check.html", _check_context(request, flow, case, form), status=400)
    case = _editable_case(request, flow, pk)
    if isinstance(case, HttpResponse):
        return case
    form = f.SubmitForm(initial={"token": uuid.uuid4()})
    return render(request, "portal/apply/check.html", _check_context(request, flow, case, form))


@enterprise_required
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    """免申即享: the enterprise qualifies already; one page (bank account, declaration) creates and submits the case."""
    refund_offer = get_offer_for_applicant(request.user, pk)
    live = (
        Case.objects.filter(kind=CaseKind.STABLE_JOB_REFUND, enterprise=refund_offer.enterprise, year=refund_offer.year)
        .exclude(state__in=[CaseState.REJECTED, *EDITABLE])
        .first()
    )
    form = f.OfferForm(request.POST if request.method == "POST" else None, initial={"token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        done = Case.objects.filter(submission_token=form.cleaned_data["token"]).first()
        if done is not None and done.enterprise_id == refund_offer.enterprise_id:
            return redirect("apply:confirmation", pk=done.pk)
    if live is not None:
        return redirect("apply:case", pk=live.pk)
    confirmed = email_confirmed(user=request.user)
    if request.method == "POST" and form.is_valid():
        if not confirmed:
            form.add_error(None, _("Confirm your email address before you submit: open the link we sent you."))
        else:
            try:
                case = case_from_offer(
                    offer=refund_offer,
                    bank_name=form.cleaned_data["bank_name"].strip(),
                    bank_account=form.cleaned_data["bank_account"],
                    token=form.cleaned_data["token"],
                    actor=request.user,
                )
            except Refused as exc:
                refusal_on_form(form, exc)
            else:
                return redirect("apply:confirmation", pk=case.pk)
    return render(
        request,
        "portal/apply/offer.html",
        {"offer": refund_offer, "form": form, "confirmed": confirmed},
        status=400 if form.is_bound and form.errors else 200,
    )
