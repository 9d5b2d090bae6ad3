"""Workbench: guaranteed start-up loans after certification （三）, the quality-enterprise list （二） and the
guarantee company's answers to referrals.

Scoping: caseworkers see their county's loans (another county's is a 404), officers and auditors all. Recording a
loan or a payment and changing the list need the officer permission LOAN_PERMISSION (no bank role exists: officers
record what the handling bank reports). Every change is a POST to its own URL and goes through a service.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.forms import refusal_on_form
from portal.forms.claims_enterprises import LoanForm, PaymentForm, ReferralResponseForm, RewardYearForm
from registry.access import counties_for_user, enterprises_for_user
from registry.models import Enterprise
from registry.refusals import Refused
from registry.services import QUALITY_LIST_PERMISSION, enterprise_quality_list_set
from subsidies.cases.queue import cases_visible_to
from subsidies.measures.m02_guarantee_referral import referral_respond
from subsidies.measures.m03_startup_loan import (
    LOAN_PERMISSION,
    certified_amount,
    certified_cases_visible_to,
    interest_payment_record,
    loan_calculation,
    loan_record,
    loan_rewards,
    loan_schedule,
    loans_visible_to,
)
from subsidies.models import Case, GuaranteeReferral, Loan

# --- Access helpers (one per model) -------------------------------------------------------------------------------


def get_loan_for_staff(user: Any, pk: int) -> Loan:
    try:
        return loans_visible_to(user).get(pk=pk)
    except Loan.DoesNotExist:
        raise Http404("no such loan") from None


def get_certified_case_for_staff(user: Any, pk: int) -> Case:
    try:
        return certified_cases_visible_to(user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("no such case") from None


def get_referral_for_staff(user: Any, pk: int) -> GuaranteeReferral:
    try:
        return GuaranteeReferral.objects.select_related("case").get(pk=pk, case__in=cases_visible_to(user))
    except GuaranteeReferral.DoesNotExist:
        raise Http404("no such referral") from None


def _officer(request: HttpRequest) -> None:
    if not request.user.has_perm(LOAN_PERMISSION):
        raise PermissionDenied


# --- Loans -----------------------------------------------------------------------------------------------------


@login_required
@never_cache
def loan_list(request: HttpRequest) -> HttpResponse:
    """Certified start-up loan cases: with their loan (schedule), or waiting for it to be recorded."""
    cases = certified_cases_visible_to(request.user).select_related("loan").order_by("-finalised_at", "-id")[:500]
    rows = [{"case": c, "loan": getattr(c, "loan", None), "certified": certified_amount(c)} for c in cases]
    return render(
        request,
        "portal/loans/list.html",
        {"rows": rows, "may_record": request.user.has_perm(LOAN_PERMISSION)},
    )


@login_required
@never_cache
def loan_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_certified_case_for_staff(request.user, case_pk)
    existing = Loan.objects.filter(case=case).first()
    if existing is not None:
        return redirect("workbench:loan", pk=existing.pk)
    _officer(request)
    form = LoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = loan_record(
                case=case,
                lender=data["lender"],
                amount=data["amount"],
                granted_on=data["granted_on"],
                annual_rate=data["annual_rate_percent"] / Decimal(100),
                term_months=data["term_months"],
                actor=request.user,
            )
        except Refused as exc:
            field = {"annual_rate": "annual_rate_percent"}.get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The loan is recorded."))
            return redirect("workbench:loan", pk=loan.pk)
    return render(
        request,
        "portal/loans/new.html",
        {"case": case, "form": form, "certified": certified_amount(case)},
        status=400 if form.is_bound and form.errors else 200,
    )


def _loan_context(request: HttpRequest, loan: Loan, form: PaymentForm | None = None) -> dict[str, Any]:
    result = loan_calculation(loan)
    return {
        "loan": loan,
        "case": loan.case,
        "schedule": loan_schedule(loan),
        "calculation": result.as_dict(),
        "payments": loan.payments.select_related("recorded_by"),
        "form": form or PaymentForm(initial={"paid_on": timezone.localdate()}),
        "may_record": request.user.has_perm(LOAN_PERMISSION),
        "rate_percent": loan.annual_rate * 100,
    }


@login_required
@never_cache
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_staff(request.user, pk)
    return render(request, "portal/loans/detail.html", _loan_context(request, loan))


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_staff(request.user, pk)
    _officer(request)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            interest_payment_record(
                loan=loan,
                loan_year=data["loan_year"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                actor=request.user,
            )
        except Refused as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("workbench:loan", pk=loan.pk)
    return render(request, "portal/loans/detail.html", _loan_context(request, loan, form), status=400)


@login_required
@never_cache
def rewards(request: HttpRequest) -> HttpResponse:
    """The reward per county and year: 1% of the county's recorded new loans of the year (clause （三）)."""
    form = RewardYearForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    counties = counties_for_user(request.user)
    rows = loan_rewards(year=year, counties=counties)
    return render(request, "portal/loans/rewards.html", {"form": form, "year": year, "rows": rows})


# --- Referrals and the quality-enterprise list ----------------------------------------------------------------------


@login_required
@require_POST
def referral_answer(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for_staff(request.user, pk)
    if not request.user.has_perm("portal.decide_case"):
        raise PermissionDenied
    form = ReferralResponseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral_respond(
                referral=referral,
                accepted=data["answer"] == "accepted",
                responded_on=data["responded_on"],
                note=data["note"],
                actor=request.user,
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The guarantee company's answer is recorded."))
    else:
        messages.error(request, _("Choose the answer and enter its date."))
    return redirect("workbench:case", pk=referral.case_id)


@login_required
@never_cache
def quality_list(request: HttpRequest) -> HttpResponse:
    """The quality-enterprise list (名优企业名录): every enterprise the user may see, with a toggle for officers."""
    query = request.GET.get("q", "").strip()[:100]
    enterprises = enterprises_for_user(request.user).select_related("county")
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code=query.upper()))
    else:
        enterprises = enterprises.filter(on_quality_list=True)
    return render(
        request,
        "portal/loans/quality_list.html",
        {
            "enterprises": enterprises.order_by("-on_quality_list", "name")[:200],
            "query": query,
            "may_change": request.user.has_perm(QUALITY_LIST_PERMISSION),
        },
    )


@login_required
@require_POST
def quality_list_set(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        enterprise = enterprises_for_user(request.user).get(pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404("no such enterprise") from None
    if not request.user.has_perm(QUALITY_LIST_PERMISSION):
        raise PermissionDenied
    on_list = request.POST.get("on_list") == "1"
    enterprise_quality_list_set(enterprise=enterprise, on_list=on_list, actor=request.user)
    if on_list:
        messages.success(request, _("%(name)s is on the quality-enterprise list.") % {"name": enterprise.name})
    else:
        messages.success(request, _("%(name)s is off the quality-enterprise list.") % {"name": enterprise.name})
    return redirect(f"{reverse('workbench:quality-list')}?{urlencode({'q': enterprise.credit_code})}")
