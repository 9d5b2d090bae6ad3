"""The enterprises' journeys on the portal's one wizard engine (portal.wizard): the stable-job refund and hardship
recognition (clause （一）), each a start page, one topic per page (the draft saved at each, so an application can be
left and resumed from "my applications"), check your answers, submit, confirmation. A returned case goes through the
same steps and is resubmitted from the same check page. Also the 免申即享 offer, one page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import (
    APPLY_AS_ENTERPRISE,
    enterprises_of,
    get_case_for_applicant,
    get_offer_for_applicant,
    lock_case_for_applicant,
)
from portal.forms import apply as f
from portal.forms import refusal_on_form
from portal.services_accounts import email_confirmed
from portal.wizard import Journey, Step, Wizard
from registry.refusals import Refused
from subsidies.calculators.base import InputErrors
from subsidies.cases.evidence import evidence_add
from subsidies.cases.states import EDITABLE
from subsidies.cases.workflow import case_draft_save, case_draft_start, case_submit
from subsidies.measures.m01_stable_job_refund import (
    case_from_offer,
    hardship_track_allowed,
    hardship_window,
    refund_calculate,
    registry_figures,
)
from subsidies.measures.m01_stable_job_refund import hardship_window_years as window_years
from subsidies.models import Case, CaseKind, CaseState, Track
from subsidies.parameters import parameter_snapshot


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


# --- The steps ---------------------------------------------------------------------------------------------------


def figures_form_class(case: Case) -> type[f.FiguresForm]:
    return f.HardshipFiguresForm if case.track == Track.HARDSHIP else f.StandardFiguresForm


def hardship_window_years() -> list[int]:
    return window_years(f.FIRST_YEAR)


def hardship_window_closed() -> tuple[Any, Any] | None:
    """The hardship track's window, when it is closed today (for the words that say so), else None."""
    if hardship_window_years():
        return None
    return hardship_window(date(f.FIRST_YEAR, 1, 1))


def _save_track(case: Case, form: Any, actor: Any) -> Case:
    answers = form.answers()
    return case_draft_save(case=case, answers=answers, track=answers.pop("track"), actor=actor)


def _save_bank(case: Case, form: Any, actor: Any) -> Case:
    return case_draft_save(case=case, answers=form.answers(), bank_account=form.new_bank_account(), actor=actor)


def _build_figures(case: Case, data: Any, files: Any) -> Any:
    cls = figures_form_class(case)
    registry = registry_figures(enterprise=case.enterprise, year=case.year)
    return cls(data, initial=cls.initial_from(case, registry), registry=registry)


TRACK = Step(
    "track",
    gettext_lazy("Track"),
    f.TrackForm,
    done=lambda case: bool(case.track),
    build=lambda case, data, files: f.TrackForm(
        data, initial=f.TrackForm.initial_from(case), hardship_allowed=hardship_track_allowed(case)
    ),
    save=_save_track,
    context=lambda case, form: {
        "hardship_years": hardship_window_years(),
        "hardship_closed": hardship_window_closed(),
        "hardship_allowed": hardship_track_allowed(case),
    },
    intro="portal/wizard/intro/track.html",
)
FIGURES = Step(
    "figures",
    gettext_lazy("Last year's figures"),
    f.StandardFiguresForm,
    done=lambda case: all(case.answers.get(k) not in (None, "") for k in figures_form_class(case).keys),
    build=_build_figures,
    context=lambda case, form: {"registry": form.registry, "hardship": case.track == Track.HARDSHIP},
    intro="portal/wizard/intro/figures.html",
)
BANK = Step(
    "bank",
    gettext_lazy("Bank account"),
    f.BankForm,
    done=lambda case: bool(case.bank_account_masked) and bool(case.answers.get("bank_name")),
    build=lambda case, data, files: f.BankForm(
        data, initial=f.BankForm.initial_from(case), on_file=case.bank_account_masked
    ),
    save=_save_bank,
)
DECLARATION = Step("declaration", gettext_lazy("Declaration"), f.DeclarationForm, ("declaration",))

# Evidence.purpose of the documents an enterprise uploads with an application.
DOCUMENTS_PURPOSE = "documents"


# Whether the case has documents, kept on the case object for the rest of the request: the check page asks it four
# times (which pages the journey has, which are done, the summary, the back link).
_HAS_DOCUMENTS = "_has_documents"


def _has_documents(case: Case) -> bool:
    known = case.__dict__.get(_HAS_DOCUMENTS)
    if known is None:
        known = case.__dict__[_HAS_DOCUMENTS] = case.evidence.filter(purpose=DOCUMENTS_PURPOSE).exists()
    return known


def _save_documents(case: Case, form: Any, actor: Any) -> Case:
    upload = form.cleaned_data.get("file")
    if upload:
        try:
            evidence_add(case=case, purpose=DOCUMENTS_PURPOSE, upload=upload, actor=actor)
        except Refused as refused:
            raise Refused(str(refused), field="file") from None
        case.__dict__.pop(_HAS_DOCUMENTS, None)  # it has one now
    saved = case_draft_save(case=case, answers=form.answers(), actor=actor)
    saved.__dict__.pop(_HAS_DOCUMENTS, None)
    return saved


def _documents_step(*, required: bool, shown: Any = None) -> Step:
    return Step(
        "documents",
        gettext_lazy("Documents"),
        f.DocumentsForm,
        done=_has_documents if required else (lambda case: True),
        build=lambda case, data, files: f.DocumentsForm(
            data, files, initial=f.DocumentsForm.initial_from(case), has_files=_has_documents(case), required=required
        ),
        save=_save_documents,
        uploads=True,
        shown=shown,
    )


# A refund returned for correction may be sent back with the documents the caseworker asked for (缴费凭证...).
RETURNED_DOCUMENTS = _documents_step(
    required=False, shown=lambda case: case.state == CaseState.RETURNED or _has_documents(case)
)


# --- Check your answers ---------------------------------------------------------------------------------------------


def summary_rows(case: Case) -> list[dict[str, Any]]:
    """The check-your-answers rows: label, value, and the step whose page changes it."""
    journey = ENTERPRISE_WIZARD.journey_for(case)
    rows: list[dict[str, Any]] = [
        {"label": _("Enterprise"), "value": f"{case.enterprise.name} ({case.enterprise.credit_code})"},
        {"label": _("Year"), "value": str(case.year)},
    ]
    answers = case.answers
    for current in journey.steps_for(case):
        if current is TRACK:
            rows.append({"label": _("Track"), "value": case.get_track_display(), "step": current})
        elif current is FIGURES:
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
        elif current is BANK:
            rows.append({"label": _("Bank and branch"), "value": answers.get("bank_name", ""), "step": current})
            rows.append({"label": _("Account number"), "value": case.bank_account_masked, "step": current})
        elif current.slug == "documents":
            files = ", ".join(e.original_name for e in case.evidence.filter(purpose=DOCUMENTS_PURPOSE)) or "—"
            rows.append({"label": _("Documents uploaded"), "value": files, "step": current})
            if answers.get("documents"):
                rows.append({"label": _("What the documents are"), "value": answers["documents"], "step": current})
        elif current is DECLARATION:
            made = _("Made") if answers.get("declaration") else _("Not made yet")
            rows.append({"label": _("Declaration"), "value": made, "step": current})
        else:
            for name, form_field in current.form_class.base_fields.items():
                value = answers.get(name, "")
                if hasattr(form_field, "choices") and value:
                    value = dict(form_field.choices).get(value, value)
                rows.append({"label": form_field.label, "value": value, "step": current})
    return rows


class _RefundOutcome:
    """The calculator's result for the check page, or why it cannot work one out: computed on first use."""

    def __init__(self, case: Case) -> None:
        self.case = case

    @cached_property
    def result(self) -> tuple[dict[str, Any] | None, str]:
        try:
            return refund_calculate(case=self.case), ""
        except InputErrors as exc:
            return None, str(exc)


def check_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The refund's amount as the calculator works it out now, and whether the account may submit yet."""
    context: dict[str, Any] = {
        "submit_note": _(
            "By submitting you confirm the declaration you made. The application goes to the caseworkers of your "
            "county."
        )
    }
    if case.kind == CaseKind.STABLE_JOB_REFUND:
        # Worked out when the page shows it, not before: a submission that goes through never shows it (the
        # submission works the amount out itself, in its transaction), so it runs the calculator once, not twice.
        outcome = _RefundOutcome(case)
        context["calculation"] = SimpleLazyObject(lambda: outcome.result[0])
        context["calculation_error"] = SimpleLazyObject(lambda: outcome.result[1])
    return context


def blocked(request: HttpRequest, case: Case) -> dict[str, Any]:
    """An account submits only once its email address is confirmed."""
    if email_confirmed(user=request.user):
        return {}
    return {
        "blocked": _("Confirm your email address before you submit: open the link we sent you."),
        "blocked_link": {"url": reverse("accounts:check-email"), "text": _("Get a new link")},
    }


def _save_answers(*, case: Case, answers: dict[str, Any], actor: Any) -> Case:
    return case_draft_save(case=case, answers=answers, actor=actor)


REFUND = Journey(
    slug="stable-job-refund",
    kind=CaseKind.STABLE_JOB_REFUND,
    title=gettext_lazy("Apply for the stable-job refund"),
    lead=gettext_lazy(
        "Enterprises that kept their staff get back half of last year's unemployment-insurance premiums "
        "(clause （一） of 塔行发〔2019〕16号). It takes about 5 minutes: we fill in last year's figures from the "
        "social-insurance system where we have them."
    ),
    steps=(TRACK, FIGURES, BANK, RETURNED_DOCUMENTS, DECLARATION),
    save_answers=_save_answers,
    submit=case_submit,
    summary=summary_rows,
    check_context=check_context,
    blocked=blocked,
    submit_takes_locked=True,
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
        _documents_step(required=True),
        DECLARATION,
    ),
    save_answers=_save_answers,
    submit=case_submit,
    summary=summary_rows,
    check_context=check_context,
    blocked=blocked,
    submit_takes_locked=True,
)

ENTERPRISE_WIZARD = Wizard(
    namespace="apply", get_case=get_case_for_applicant, lock_case=lock_case_for_applicant, index_url_name="apply:index"
)
ENTERPRISE_WIZARD.register(REFUND, HARDSHIP)
JOURNEYS = ENTERPRISE_WIZARD.journeys


def resume_url(case: Case) -> str:
    return ENTERPRISE_WIZARD.resume_url(case)


# --- Views -----------------------------------------------------------------------------------------------------


@enterprise_required
def start(request: HttpRequest, journey: str) -> HttpResponse:
    """The start page: what the application is, and (one page) which enterprise and year."""
    flow = ENTERPRISE_WIZARD.journey(journey)
    enterprises = enterprises_of(request.user)
    years = [(y, str(y)) for y in hardship_window_years()] if flow is HARDSHIP else None
    if flow is HARDSHIP and not years:
        # （一） The hardship list is made from applications inside the window; once it is closed, nothing starts.
        return render(
            request,
            "portal/apply/start.html",
            {"journey": flow, "form": None, "has_enterprise": True, "closed_window": hardship_window_closed()},
        )
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
    """One page of the application (portal.wizard)."""
    return ENTERPRISE_WIZARD.step_view(request, journey, pk, slug)


@enterprise_required
def check(request: HttpRequest, journey: str, pk: int) -> HttpResponse:
    """Check your answers (with the calculator's amount), then submit once (portal.wizard).

    One reading of the policy parameters for the whole request: the amount the page shows and the one the
    submission stores are worked out from the same values (and the parameters are not read twice).
    """
    with parameter_snapshot():
        return ENTERPRISE_WIZARD.check_view(request, journey, pk)


def _offer_figures(refund_offer: Any) -> list[dict[str, Any]]:
    """The registry's figures an offer was worked out from, labelled as the application form labels them."""
    figures = registry_figures(enterprise=refund_offer.enterprise, year=refund_offer.year) or {}
    fields = f.StandardFiguresForm.base_fields
    return [{"label": fields[key].label, "value": figures[key]} for key in f.StandardFiguresForm.keys if key in figures]


@enterprise_required
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    """免申即享: the enterprise qualifies already; one page (bank account, declaration) creates and submits the case."""
    refund_offer = get_offer_for_applicant(request.user, pk)
    form = f.OfferForm(request.POST if request.method == "POST" else None, initial={"token": uuid.uuid4()})
    token = form.cleaned_data["token"] if request.method == "POST" and form.is_valid() else None
    # One query for both: the enterprise's live refund of the year, and the case this form's token submitted
    # already (a double click, a retried POST).
    live_case = Q(kind=CaseKind.STABLE_JOB_REFUND, enterprise=refund_offer.enterprise, year=refund_offer.year) & ~Q(
        state__in=[CaseState.REJECTED, *EDITABLE]
    )
    by_token = Q(submission_token=token) if token is not None else Q(pk__in=[])
    found = list(
        Case.objects.filter(live_case | by_token)
        .annotate(
            is_live=ExpressionWrapper(live_case, output_field=BooleanField()),
            by_token=ExpressionWrapper(by_token, output_field=BooleanField()),
        )
        .order_by("pk")
    )
    done = next((c for c in found if c.by_token), None)
    if done is not None and done.enterprise_id == refund_offer.enterprise_id:
        return redirect("apply:confirmation", pk=done.pk)
    live = next((c for c in found if c.is_live), None)
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
        {"offer": refund_offer, "form": form, "confirmed": confirmed, "figures": _offer_figures(refund_offer)},
        status=400 if form.is_bound and form.errors else 200,
    )
