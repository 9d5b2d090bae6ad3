"""（一） The hardship list: the reviewer's finding on each factor the prefecture weighs, and the finance bureau's
confirmation, each on its own page of the case (the measure decides: subsidies.measures.m01_stable_job_refund).

> 统筹考虑全地区产业结构、环境保护、失业保险基金支付能力以及企业生产经营状况、稳定就业岗位措施、诚实守信等因素……
> 牵头单位：地区人社局  配合单位：地区财政局 (塔行发〔2019〕16号（一）)
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal.access import get_case_for_staff
from portal.forms import StyledForm, refusal_on_form
from registry.permissions import PUBLISH_LIST
from registry.refusals import Refused
from subsidies.measures.m01_stable_job_refund import (
    FINDINGS,
    HARDSHIP_FACTORS,
    hardship_assessment_record,
    hardship_finance_confirmation_record,
    hardship_registry_facts,
)
from subsidies.models import Case, CaseKind

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class HardshipAssessmentForm(StyledForm):
    """One finding and one note per factor of （一）."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields: dict[str, forms.Field] = {}
        for key, label in HARDSHIP_FACTORS.items():
            fields[f"{key}_finding"] = forms.ChoiceField(
                label=label, choices=list(FINDINGS.items()), widget=forms.RadioSelect
            )
            fields[f"{key}_note"] = forms.CharField(
                label=gettext_lazy("What the finding rests on"),
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.base_fields = {**self.base_fields, **fields}
        super().__init__(*args, **kwargs)

    def findings(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {key: {"finding": data[f"{key}_finding"], "note": data[f"{key}_note"]} for key in HARDSHIP_FACTORS}


class FinanceConfirmationForm(StyledForm):
    document = forms.CharField(
        label=gettext_lazy("Finance bureau's document number"),
        max_length=100,
        help_text=gettext_lazy("For example 塔地财函〔2019〕12号."),
    )
    confirmed_on = forms.DateField(label=gettext_lazy("Confirmed on"), widget=DATE_WIDGET)
    confirmed_by = forms.CharField(label=gettext_lazy("Confirmed by (official of the finance bureau)"), max_length=100)

    def clean_confirmed_on(self) -> Any:
        day = self.cleaned_data["confirmed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The confirmation cannot be dated in the future."))
        return day


def _recognition(request: HttpRequest, pk: int) -> Case:
    case = get_case_for_staff(request.user, pk)
    if case.kind != CaseKind.HARDSHIP_RECOGNITION:
        raise Http404("not a hardship recognition")
    return case


def _page(request: HttpRequest, case: Case, template: str, form: forms.Form, status: int = 200) -> HttpResponse:
    facts = case.answers.get("registry_facts") or hardship_registry_facts(
        enterprise=case.enterprise, year=case.year, on=timezone.localdate()
    )
    return render(
        request,
        template,
        {"case": case, "form": form, "facts": facts, "factors": HARDSHIP_FACTORS, "findings": FINDINGS},
        status=status,
    )


@login_required
@never_cache
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """The caseworker holding a hardship recognition records a finding on each factor."""
    case = _recognition(request, pk)
    if case.assignee_id != request.user.pk:
        raise PermissionDenied
    template = "portal/cases/kinds/hardship_assessment.html"
    if request.method != "POST":
        initial = {}
        for key, value in (case.answers.get("assessment") or {}).get("factors", {}).items():
            initial[f"{key}_finding"], initial[f"{key}_note"] = value["finding"], value["note"]
        return _page(request, case, template, HardshipAssessmentForm(initial=initial))
    form = HardshipAssessmentForm(request.POST)
    if not form.is_valid():
        return _page(request, case, template, form, status=400)
    try:
        hardship_assessment_record(case=case, findings=form.findings(), actor=request.user)
    except Refused as refused:
        refusal_on_form(form, refused)
        return _page(request, case, template, form, status=400)
    messages.success(request, _("The assessment of the factors is recorded."))
    return redirect("workbench:case", pk=case.pk)


@login_required
@never_cache
def finance_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """A prefecture officer records the finance bureau's confirmation of an assessed recognition."""
    case = _recognition(request, pk)
    if not request.user.has_perm(PUBLISH_LIST):
        raise PermissionDenied
    template = "portal/cases/kinds/hardship_finance.html"
    if request.method != "POST":
        return _page(request, case, template, FinanceConfirmationForm())
    form = FinanceConfirmationForm(request.POST)
    if not form.is_valid():
        return _page(request, case, template, form, status=400)
    try:
        hardship_finance_confirmation_record(case=case, actor=request.user, **form.cleaned_data)
    except Refused as refused:
        refusal_on_form(form, refused)
        return _page(request, case, template, form, status=400)
    messages.success(request, _("The finance bureau's confirmation is recorded."))
    return redirect("workbench:case", pk=case.pk)
