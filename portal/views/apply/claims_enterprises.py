"""Enterprise claims: one page of facts per claim, check your answers (with the cross-checks and the calculator's
amount), submit, and the confirmation of "my applications". Clauses （二）, （三）, （五）, （六）.

Access: enterprise accounts only (enterprise_required), their own enterprises only (portal.access); the intern's ID
number is posted, validated and stored encrypted, never put in a URL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import enterprises_of, get_case_for_applicant
from portal.forms import SubmitForm, refusal_on_form
from portal.forms import claims_enterprises as f
from portal.services_accounts import email_confirmed
from portal.views.apply.wizard import enterprise_required
from portal.views.outcomes import decided_message, may_still
from registry.identifiers import error_text
from registry.refusals import Refused
from subsidies.cases import claims, workflow
from subsidies.cases.evidence import evidence_add
from subsidies.cases.states import EDITABLE
from subsidies.catalogue import ParameterText, money_of, number_of, percent_of
from subsidies.measures import (
    m01_stable_job_refund,
    m02_guarantee_referral,
    m03_startup_loan,
    m05_internship,
    m06_in_job_training,
)
from subsidies.models import Case, CaseKind, InternCategory, InternshipPlacement


@dataclass(frozen=True)
class Claim:
    slug: str
    kind: str
    title: Any
    lead: Any
    form_class: type[f.ClaimForm]


CLAIMS = {
    c.slug: c
    for c in [
        Claim(
            "internship-base",
            CaseKind.INTERNSHIP_BASE,
            gettext_lazy("Register as an internship base"),
            gettext_lazy(
                "Host internships for graduates who left school unemployed and unemployed youth aged 16-24 "
                "(clause （五）). The county HR bureau approves the base; then you claim the subsidy for each intern."
            ),
            f.InternshipBaseForm,
        ),
        Claim(
            "internship",
            CaseKind.INTERNSHIP,
            gettext_lazy("Claim the internship subsidy for an intern"),
            gettext_lazy(
                "The intern receives the local minimum wage each month from the employment subsidy fund for 3 to 12 "
                "months; you pay at least half of it and buy accident insurance. If you hire the intern early on a "
                "contract of 2 years or more with social insurance, the remaining months are paid to you."
            ),
            f.InternForm,
        ),
        Claim(
            "startup-loan",
            CaseKind.STARTUP_LOAN,
            gettext_lazy("Ask for start-up loan eligibility"),
            ParameterText(
                gettext_lazy(
                    "Small and micro enterprises whose new hires of qualifying persons this year reach %(share)s of "
                    "current staff (%(large_share)s above %(large)s staff), on contracts of %(years)s year or more, "
                    "can get a guaranteed loan of up to %(cap)s with the interest subsidised in years 1 and 2 (clause "
                    "（三）)."
                ),
                share=percent_of("startup_loan.hiring_ratio"),
                large_share=percent_of("startup_loan.hiring_ratio_large"),
                large=number_of("startup_loan.large_staff_threshold"),
                years=number_of("startup_loan.min_contract_years"),
                cap=money_of("startup_loan.cap_enterprise"),
            ),
            f.StartupLoanForm,
        ),
        Claim(
            "in-job-training",
            CaseKind.IN_JOB_TRAINING,
            gettext_lazy("Claim in-job training support (2019)"),
            gettext_lazy(
                "Recognised hardship enterprises that trained their employees in 2019 can claim the part of the "
                "training costs their employee education fund does not cover; the county reviews the amount "
                "(clause （六）)."
            ),
            f.InJobTrainingForm,
        ),
        Claim(
            "guarantee-referral",
            CaseKind.GUARANTEE_REFERRAL,
            gettext_lazy("Ask for a referral to the guarantee company"),
            gettext_lazy(
                "Small and micro enterprises on the prefecture's quality-enterprise list can be referred to the "
                "government financing-guarantee company (clause （二）)."
            ),
            f.GuaranteeReferralForm,
        ),
    ]
}
CLAIM_OF_KIND = {c.kind: c for c in CLAIMS.values()}


def claim_for(case: Case) -> Claim:
    try:
        return CLAIM_OF_KIND[CaseKind(case.kind)]
    except (KeyError, ValueError):
        raise Http404("not an enterprise claim") from None


def resume_url(case: Case) -> str:
    """Where an unfinished (or returned) claim continues: its facts page, or the check page once they are saved."""
    if case.answers:
        return reverse("enterprise_claims:check", args=[case.pk])
    return reverse("enterprise_claims:edit", args=[case.pk])


# --- Pages --------------------------------------------------------------------------------------------------------


@enterprise_required
def index(request: HttpRequest) -> HttpResponse:
    """What an enterprise can claim, with what each needs from the registry."""
    enterprises = list(enterprises_of(request.user))
    rows = []
    for enterprise in enterprises:
        rows.append(
            {
                "enterprise": enterprise,
                "base": m05_internship.internship_base_approved(enterprise=enterprise),
                "small_or_micro": enterprise.size_class in m03_startup_loan.SMALL_OR_MICRO,
                "quality_list": enterprise.on_quality_list,
                "hardship": m01_stable_job_refund.hardship_list_includes(
                    enterprise=enterprise, year=m06_in_job_training.IN_JOB_TRAINING_YEAR
                ),
            }
        )
    return render(request, "portal/claims/enterprises/index.html", {"claims": CLAIMS.values(), "rows": rows})


def _form(claim: Claim, request: HttpRequest, case: Case | None) -> f.ClaimForm:
    data = request.POST if request.method == "POST" else None
    kwargs: dict[str, Any] = {"enterprises": enterprises_of(request.user)}
    initial: dict[str, Any] = {}
    if case is not None:
        kwargs["fixed"] = case.enterprise
        initial = {k: v for k, v in case.answers.items() if v is not None}
        if claim.kind == CaseKind.INTERNSHIP:
            kwargs["masked_id"] = case.answers.get("intern_id_number", "")
            initial.pop("intern_id_number", None)
    files = request.FILES if request.method == "POST" else None
    return claim.form_class(data, files, initial=initial, **kwargs)


def _save(claim: Claim, form: f.ClaimForm, request: HttpRequest, case: Case | None) -> Case:
    data = form.cleaned_data
    enterprise = data["enterprise"]
    actor = request.user
    if claim.kind == CaseKind.INTERNSHIP:
        id_number = data["id_number"]
        if not id_number and case is not None:
            id_number = InternshipPlacement.objects.select_related("intern").get(case=case).intern.id_number
        return m05_internship.internship_claim_save(
            enterprise=enterprise,
            actor=actor,
            id_number=id_number,
            intern_name=data["intern_name"],
            category=data["category"],
            start_date=data["start_date"],
            months=data["months"],
            host_monthly_pay=data["host_monthly_pay"],
            accident_policy_number=data["accident_policy_number"],
            hired_after_months=data["hired_after_months"],
            contract_years=data["contract_years"],
            social_insurance=data["social_insurance"],
            case=case,
        )
    answers = form.answers()
    if case is not None:
        return workflow.case_draft_save(case=case, answers=answers, actor=actor)
    if claim.kind == CaseKind.INTERNSHIP_BASE:
        return m05_internship.internship_base_start(enterprise=enterprise, answers=answers, actor=actor)
    if claim.kind == CaseKind.STARTUP_LOAN:
        year = timezone.localdate().year
        return m03_startup_loan.startup_loan_enterprise_start(
            enterprise=enterprise, year=year, answers=answers, actor=actor
        )
    if claim.kind == CaseKind.IN_JOB_TRAINING:
        return m06_in_job_training.in_job_training_start(enterprise=enterprise, answers=answers, actor=actor)
    return m02_guarantee_referral.guarantee_referral_start(enterprise=enterprise, answers=answers, actor=actor)


# Evidence.purpose of the documents an enterprise uploads with a claim (as with its applications).
DOCUMENTS_PURPOSE = "documents"


def _attach(case: Case, upload: Any, actor: Any) -> None:
    """Keep a supporting document with the claim; a file the portal refuses is said next to the upload field."""
    try:
        evidence_add(case=case, purpose=DOCUMENTS_PURPOSE, upload=upload, actor=actor)
    except Refused as refused:
        raise Refused(str(refused), field="document") from None


def _facts_page(request: HttpRequest, claim: Claim, case: Case | None) -> HttpResponse:
    form = _form(claim, request, case)
    if request.method == "POST" and form.is_valid():
        if case is None and claim.kind == CaseKind.INTERNSHIP and not form.cleaned_data["id_number"]:
            form.add_error("id_number", _("Enter the intern's ID number."))
        else:
            try:
                saved = _save(claim, form, request, case)
                if form.cleaned_data.get("document"):
                    _attach(saved, form.cleaned_data["document"], request.user)
            except ValidationError as exc:
                field = next(iter(exc.message_dict)) if hasattr(exc, "error_dict") else None
                form.add_error(field if field in form.fields else None, error_text(exc))
            except Refused as exc:
                refusal_on_form(form, exc)
            else:
                if saved.state not in EDITABLE:
                    return redirect("apply:case", pk=saved.pk)
                return redirect("enterprise_claims:check", pk=saved.pk)
    status = 400 if form.is_bound and form.errors else 200
    back = reverse("enterprise_claims:check", args=[case.pk]) if case else reverse("enterprise_claims:index")
    return render(
        request,
        "portal/claims/enterprises/form.html",
        {
            "claim": claim,
            "form": form,
            "case": case,
            "back_url": back,
            "evidence": case.evidence.all() if case is not None else [],
        },
        status=status,
    )


@enterprise_required
def new(request: HttpRequest, claim: str) -> HttpResponse:
    spec = CLAIMS.get(claim)
    if spec is None:
        raise Http404("no such claim")
    return _facts_page(request, spec, None)


@enterprise_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_applicant(request.user, pk)
    spec = claim_for(case)
    if case.state not in EDITABLE:
        return redirect("apply:case", pk=case.pk)
    return _facts_page(request, spec, case)


def answer_rows(case: Case) -> list[dict[str, Any]]:
    """The claim's answers in words, for the check page and the review page (masked values only)."""
    claim = CLAIM_OF_KIND.get(CaseKind(case.kind))
    if claim is None:
        return []
    fields = claim.form_class.base_fields
    rows = []
    for key, value in case.answers.items():
        if value in (None, "") or key in ("checks",):
            continue
        if key == "intern_id_number":
            label: Any = _("Intern's resident ID number")
        elif key in fields:
            label = fields[key].label
        else:
            continue
        if key == "category":
            value = InternCategory(value).label
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append({"label": label, "value": value, "key": key})
    return rows


def checks_context(case: Case) -> dict[str, Any]:
    try:
        checks, calculation = claims.evaluate(case)
    except (InternshipPlacement.DoesNotExist, ValueError):
        return {"checks": [], "calculation": None}
    return {"checks": [c.as_dict() for c in checks], "calculation": calculation}


@enterprise_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, the cross-checks and the amount; submit once (the form's token makes it idempotent)."""
    case = get_case_for_applicant(request.user, pk)
    spec = claim_for(case)
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid() and case.submission_token == form.cleaned_data["token"]:
            return redirect("apply:confirmation", pk=case.pk)
        if case.state not in EDITABLE:
            # Another member of the enterprise submitted it first: say who, and when.
            messages.warning(request, decided_message(case, request.user))
            return redirect("apply:case", pk=case.pk)
        if form.is_valid():
            if not email_confirmed(user=request.user):
                form.add_error(None, _("Confirm your email address before you submit: open the link we sent you."))
            else:
                try:
                    case = claims.claim_submit(case=case, token=form.cleaned_data["token"], actor=request.user)
                except Refused as exc:
                    if not may_still(case, "submit") and case.state not in EDITABLE:
                        messages.warning(request, decided_message(case, request.user))
                        return redirect("apply:case", pk=case.pk)
                    form.add_error(None, str(exc))
                else:
                    return redirect("apply:confirmation", pk=case.pk)
        status = 400
    else:
        if case.state not in EDITABLE:
            return redirect("apply:case", pk=case.pk)
        form = SubmitForm(initial={"token": uuid.uuid4()})
        status = 200
    context = {
        "claim": spec,
        "case": case,
        "rows": answer_rows(case),
        "evidence": case.evidence.all(),
        "form": form,
        "confirmed": email_confirmed(user=request.user),
        **checks_context(case),
    }
    context["blocked"] = any(not c["passed"] for c in context["checks"])
    return render(request, "portal/claims/enterprises/check.html", context, status=status)


# --- The workbench's review page: context for templates/portal/cases/kinds/<kind>.html ---------------------------


def review_details(case: Case) -> dict[str, Any]:
    """The answers, the cross-checks as they stand now, and the calculation's split (internships)."""
    context = {"answer_rows": answer_rows(case), **checks_context(case)}
    if case.kind == CaseKind.INTERNSHIP:
        placement = InternshipPlacement.objects.filter(case=case).select_related("intern").first()
        context["placement"] = placement
        calc = case.calculation or context.get("calculation") or {}
        context["to_intern"] = calc.get("to_intern")
        context["to_host"] = calc.get("to_host")
    if case.kind == CaseKind.GUARANTEE_REFERRAL:
        context["referral"] = getattr(case, "referral", None)
        context["referral_form"] = f.ReferralResponseForm()
    return context


def startup_loan_review_details(case: Case) -> dict[str, Any]:
    """An enterprise's start-up loan case: its answers and checks; a person's keeps the answers list."""
    if case.enterprise_id and not case.person_id:
        return review_details(case)
    return {}


def amount_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"
