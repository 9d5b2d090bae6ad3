"""Residents' claims under /apply/claims/ (namespace `claims`): training subsidy and living allowance （七）,
skill-upgrade subsidy （八）, start-up loan eligibility for an individual （三）, and the resident's list of claims.

One page per claim (the claim is made after the fact, with everything at hand), submitted once (the form's token);
the services in subsidies.claims_people check the registry and refuse with the reason next to the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import refusal_on_form
from portal.forms.claims_people import SkillUpgradeClaimForm, StartupLoanClaimForm, TrainingClaimForm
from portal.views.apply.status import history
from registry.models import Person
from registry.refusals import Refused
from subsidies.cases.claims import claim_checks, claim_resubmit, next_step, resident_claim_kinds
from subsidies.cases.rules import rules_for
from subsidies.catalogue import ParameterText, money_of, number_of
from subsidies.measures.m03_startup_loan import startup_loan_claim_submit
from subsidies.measures.m07_training import training_claim_submit
from subsidies.measures.m08_skill_upgrade import insured_months_known, skill_upgrade_claim_submit
from subsidies.models import Case, CaseKind, CaseState

APPLY_AS_RESIDENT = "portal.apply_as_resident"

CLAIMS = {
    "training": {
        "title": gettext_lazy("Claim the training subsidy and living allowance"),
        "lead": ParameterText(
            gettext_lazy(
                "After training for the unemployed: the cost of the training, up to %(cap)s, if you passed; and, for "
                "registered unemployed employment-difficult people and zero-employment families, %(per_day)s per "
                "training day for at most %(days)s days, once a year (clause （七）)."
            ),
            cap=money_of("training_subsidy.cap"),
            per_day=money_of("living_allowance.per_day"),
            days=number_of("living_allowance.max_days"),
        ),
    },
    "skill-upgrade": {
        "title": gettext_lazy("Claim the skill-upgrade subsidy"),
        "lead": ParameterText(
            gettext_lazy(
                "Insured employees who obtained a vocational qualification or skill-level certificate: %(junior)s, "
                "%(intermediate)s or %(senior)s by level, once per occupation and level (clause （八）)."
            ),
            junior=money_of("skill_upgrade.amount_junior"),
            intermediate=money_of("skill_upgrade.amount_intermediate"),
            senior=money_of("skill_upgrade.amount_senior"),
        ),
    },
    "startup-loan": {
        "title": gettext_lazy("Ask to be certified for a guaranteed start-up loan"),
        "lead": ParameterText(
            gettext_lazy(
                "Registered unemployed people, graduates and other qualifying people starting a business can borrow "
                "up to %(cap)s with a government guarantee; the interest of years 1 and 2 is subsidised (clause "
                "（三）). The county certifies that you qualify; then you take the certification to the handling bank."
            ),
            cap=money_of("startup_loan.cap_individual"),
        ),
    },
}


def resident_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in with a resident account bound to a real-name record (staff and enterprises get a 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(APPLY_AS_RESIDENT) or not hasattr(request.user, "resident"):
            raise PermissionDenied(_("Only resident accounts can claim here."))
        return view(request, *args, **kwargs)

    return wrapped


def _person(request: HttpRequest) -> Person:
    return request.user.resident.person  # type: ignore[union-attr]


def get_claim_for_resident(user: Any, pk: int) -> Case:
    """A submitted claim of the resident's own person; any other case is a 404."""
    try:
        return (
            Case.objects.select_related("county", "person")
            .exclude(state=CaseState.DRAFT)
            .get(pk=pk, person=user.resident.person, enterprise__isnull=True, kind__in=resident_claim_kinds())
        )
    except Case.DoesNotExist:
        raise Http404("no such claim") from None


@resident_required
def index(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    return render(request, "portal/claims/people/index.html", {"person": person, "claims": CLAIMS})


def _claim_page(
    request: HttpRequest,
    slug: str,
    form: Any,
    submit: Callable[[dict[str, Any]], list[Case] | Case],
    **extra: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            made = submit(form.cleaned_data)
        except (Refused, IntegrityError) as refused:
            # A double click: the first request submitted it (with this form's token) while this one waited.
            first = Case.objects.filter(submission_token=form.cleaned_data.get("token")).first()
            if first is not None and first.created_by_id == request.user.pk:
                messages.info(
                    request,
                    _("This claim was already submitted (reference %(reference)s); nothing was changed.")
                    % {"reference": first.reference},
                )
                return redirect("claims:claim", pk=first.pk)
            if isinstance(refused, IntegrityError):
                raise
            refusal_on_form(form, refused)
        else:
            made = made if isinstance(made, list) else [made]
            messages.success(
                request,
                _("Claim submitted. Reference number: %(references)s.")
                % {"references": ", ".join(c.reference for c in made)},
            )
            return redirect("claims:claim", pk=made[0].pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "slug": slug, **CLAIMS[slug], **extra}
    return render(request, "portal/claims/people/claim_form.html", context, status=status)


def _token_initial() -> dict[str, Any]:
    return {"token": uuid.uuid4()}


def _bound(request: HttpRequest) -> tuple[Any, Any]:
    """(data, files) of a form that may carry the certificate as a file."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


@resident_required
def training(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = TrainingClaimForm(*_bound(request), initial=_token_initial())

    def submit(data: dict[str, Any]) -> list[Case]:
        return training_claim_submit(
            person=person,
            data=data,
            bank_account=data["bank_account"],
            living_allowance=data["living_allowance"],
            token=data["token"],
            actor=request.user,
            certificate=data.get("certificate_file"),
        )

    return _claim_page(request, "training", form, submit)


@resident_required
def skill_upgrade(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    known = insured_months_known(person)
    initial = {**_token_initial(), "insured_county": person.residence_county.code}
    form = SkillUpgradeClaimForm(*_bound(request), initial=initial, insured_months_known=known)

    def submit(data: dict[str, Any]) -> Case:
        return skill_upgrade_claim_submit(
            person=person,
            data=data,
            bank_account=data["bank_account"],
            token=data["token"],
            actor=request.user,
            certificate=data.get("certificate_file"),
        )

    return _claim_page(request, "skill-upgrade", form, submit, insured_months_known=known)


@resident_required
def startup_loan(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = StartupLoanClaimForm(request.POST if request.method == "POST" else None, initial=_token_initial())

    def submit(data: dict[str, Any]) -> Case:
        return startup_loan_claim_submit(person=person, data=data, token=data["token"], actor=request.user)

    return _claim_page(request, "startup-loan", form, submit)


@resident_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim returned for correction: the same form, prefilled; resubmitted once (the form's token)."""
    case = get_claim_for_resident(request.user, pk)
    if case.state != CaseState.RETURNED:
        return redirect("claims:claim", pk=case.pk)
    data, files = _bound(request)
    initial = {**case.answers, "token": uuid.uuid4()}
    if case.kind in (CaseKind.TRAINING_SUBSIDY, CaseKind.LIVING_ALLOWANCE):
        form: Any = TrainingClaimForm(data, files, initial=initial)
        del form.fields["living_allowance"]
        if not rules_for(case.kind).takes_certificate:
            del form.fields["certificate_file"]
        slug = "training"
    elif case.kind == CaseKind.SKILL_UPGRADE:
        form = SkillUpgradeClaimForm(
            data, files, initial=initial, insured_months_known=insured_months_known(case.person)
        )
        slug = "skill-upgrade"
    else:
        form = StartupLoanClaimForm(data, initial=initial)
        slug = "startup-loan"
    if "bank_account" in form.fields and case.bank_account_masked:
        form.keep_bank_account(case.bank_account_masked)

    def submit(cleaned: dict[str, Any]) -> Case:
        return claim_resubmit(
            case=case,
            data=cleaned,
            bank_account=cleaned.get("bank_account", ""),
            token=cleaned["token"],
            actor=request.user,
            certificate=cleaned.get("certificate_file"),
        )

    return _claim_page(request, slug, form, submit, correcting=case)


@resident_required
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_claim_for_resident(request.user, pk)
    return render(
        request,
        "portal/claims/people/claim.html",
        {
            "case": case,
            "checks": claim_checks(case),
            "next_step": next_step(case),
            "history": history(case),
            "evidence": case.evidence.all(),
        },
    )
