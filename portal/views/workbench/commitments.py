"""告知承诺制 on the workbench: the post-checks of the county (pending first, overdue marked), recording what a check
found, and the dated table of documents a commitment may replace (prefecture officers). The rules are in
subsidies.commitments; another county's check is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import get_case_for_staff
from portal.forms import refusal_on_form
from portal.forms.commitments import CommitmentCheckForm, CommitmentItemEndForm, CommitmentItemForm
from registry.access import may_decide
from registry.permissions import MANAGE_PARAMETERS
from registry.refusals import Refused
from subsidies.commitments import (
    case_commitments,
    checks_for_user,
    commitment_check_decide,
    commitment_check_order,
    commitment_item_add,
    commitment_item_end,
    get_check_for_user,
)
from subsidies.models import CommitmentCheckState, CommitmentItem

STATES = {
    "pending": [CommitmentCheckState.PENDING],
    "done": [CommitmentCheckState.CONFIRMED, CommitmentCheckState.FALSE],
}


@login_required
@require_GET
def check_list(request: HttpRequest) -> HttpResponse:
    """The post-checks the user's county must do (all counties for officers), pending by due date."""
    shown = request.GET.get("state") if request.GET.get("state") in STATES else "pending"
    checks = checks_for_user(request.user).filter(state__in=STATES[shown]).order_by("due_on", "id")[:200]
    return render(
        request,
        "portal/commitments/checks.html",
        {"checks": checks, "shown": shown, "today": timezone.localdate()},
    )


def _detail(request: HttpRequest, pk: int, form: CommitmentCheckForm, status: int = 200) -> HttpResponse:
    check = get_check_for_user(request.user, pk)
    context = {
        "check": check,
        "case": check.case,
        "commitments": case_commitments(check.case),
        "form": form,
        "may_decide": may_decide(request.user, check.county_id),
        "today": timezone.localdate(),
    }
    return render(request, "portal/commitments/check.html", context, status=status)


@login_required
@require_GET
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, CommitmentCheckForm())


@login_required
@require_POST
def check_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what the check found; found false revokes the decision (subsidies.commitments)."""
    check = get_check_for_user(request.user, pk)
    form = CommitmentCheckForm(request.POST)
    if form.is_valid():
        try:
            commitment_check_decide(
                check=check,
                found_false=form.cleaned_data["outcome"] == "false",
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            messages.success(request, _("The check is recorded."))
            return redirect("workbench:commitment-check", pk=check.pk)
    return _detail(request, pk, form, status=400)


@login_required
@require_POST
def check_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Order a check of a decided case's commitments outside the sample, with a reason (a tip-off, a doubt)."""
    case = get_case_for_staff(request.user, pk)
    try:
        check = commitment_check_order(case=case, reason=request.POST.get("reason", ""), actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("workbench:case", pk=case.pk)
    messages.success(request, _("A post-check is opened, due %(day)s.") % {"day": check.due_on.isoformat()})
    return redirect("workbench:commitment-check", pk=check.pk)


def _officer(request: HttpRequest) -> None:
    if not request.user.has_perm(MANAGE_PARAMETERS):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest) -> HttpResponse:
    """Which documents a commitment may replace, for which kind of case, from when to when; officers add rows."""
    may_manage = request.user.has_perm(MANAGE_PARAMETERS)
    form = CommitmentItemForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST":
        _officer(request)
        if form.is_valid():
            try:
                commitment_item_add(**form.cleaned_data, actor=request.user)
            except Refused as refused:
                refusal_on_form(form, refused)
            else:
                messages.success(request, _("The document may now be replaced by a commitment as entered."))
                return redirect("workbench:commitment-items")
    context = {
        "rows": CommitmentItem.objects.order_by("kind", "purpose", "valid_from"),
        "form": form if may_manage else None,
        "end_form": CommitmentItemEndForm(initial={"valid_to": timezone.localdate()}),
        "today": timezone.localdate(),
    }
    return render(request, "portal/commitments/items.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def item_end(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    item = get_object_or_404(CommitmentItem, pk=pk)
    form = CommitmentItemEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the last day as a date."))
        return redirect("workbench:commitment-items")
    try:
        commitment_item_end(item=item, valid_to=form.cleaned_data["valid_to"], actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The row ends on %(day)s.") % {"day": form.cleaned_data["valid_to"].isoformat()})
    return redirect("workbench:commitment-items")
