"""Incubators (clause （四）): the list with target vs actual, recording an incubator and its tenants (officers).

Everyone with the workbench reads the list; only officers (subsidies.incubators.RECORD_PERMISSION) record, and
their POSTs go to one URL per action. The services write the audit rows.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from registry.access import county_scope, sees_all_counties
from registry.models import County, Enterprise
from subsidies.forms import DateInput
from subsidies.measures import m04_incubators
from subsidies.models import Incubator, IncubatorKind, IncubatorLevel


class IncubatorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=IncubatorKind.choices)
    level = forms.ChoiceField(label=gettext_lazy("Level of recognition"), choices=IncubatorLevel.choices)
    county = forms.ModelChoiceField(label=gettext_lazy("County"), queryset=County.objects.order_by("code"))
    recognised_on = forms.DateField(label=gettext_lazy("Recognised on"), widget=DateInput)
    recognised_by = forms.CharField(label=gettext_lazy("Recognised by"), max_length=200, required=False)
    mentors = forms.IntegerField(label=gettext_lazy("Start-up mentors"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["county"].label_from_instance = lambda c: c.display_name
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f, forms.ChoiceField) else "form-control"

    def clean_recognised_on(self):  # type: ignore[no-untyped-def]
        day = self.cleaned_data["recognised_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of recognition cannot be in the future."))
        return day


class TenantForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Firm's name"), max_length=200)
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code (if in the registry)"), max_length=18, required=False
    )
    agricultural = forms.BooleanField(label=gettext_lazy("Agricultural firm or new farm business"), required=False)
    entered_on = forms.DateField(label=gettext_lazy("Entered on"), widget=DateInput)
    left_on = forms.DateField(label=gettext_lazy("Left on"), widget=DateInput, required=False)
    jobs_created = forms.IntegerField(label=gettext_lazy("Jobs created"), min_value=0, initial=0)
    rural_leaders = forms.IntegerField(label=gettext_lazy("Rural start-up leaders trained"), min_value=0, initial=0)
    agricultural_talent = forms.IntegerField(
        label=gettext_lazy("Agricultural science and technology start-up talent gathered"),
        min_value=0,
        initial=0,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if not isinstance(f, forms.BooleanField):
                f.widget.attrs["class"] = "form-control"

    def clean_agricultural_talent(self) -> int:
        return self.cleaned_data.get("agricultural_talent") or 0

    def clean_credit_code(self):  # type: ignore[no-untyped-def]
        code = self.cleaned_data["credit_code"].strip().upper()
        if not code:
            return None
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this code is in the registry."))
        return enterprise


def _check_read(request: HttpRequest) -> None:
    if not request.user.has_perm("portal.access_workbench"):
        raise PermissionDenied


def _check_record(request: HttpRequest) -> None:
    if not request.user.has_perm(m04_incubators.RECORD_PERMISSION):
        raise PermissionDenied


def _incubators_for(request: HttpRequest):  # type: ignore[no-untyped-def]
    return county_scope(request.user, Incubator.objects.select_related("county"), "county")


def _list(request: HttpRequest, form: IncubatorForm | None, status: int = 200) -> HttpResponse:
    can_record = request.user.has_perm(m04_incubators.RECORD_PERMISSION)
    return render(
        request,
        "portal/incubators/list.html",
        {
            "incubators": _incubators_for(request).order_by("county__code", "name"),
            "progress": m04_incubators.progress(today=timezone.localdate())
            if sees_all_counties(request.user)
            else None,
            "form": (form or IncubatorForm()) if can_record else None,
        },
        status=status,
    )


@require_GET
def incubator_list(request: HttpRequest) -> HttpResponse:
    _check_read(request)
    return _list(request, None)


@require_POST
def incubator_add(request: HttpRequest) -> HttpResponse:
    _check_record(request)
    form = IncubatorForm(request.POST)
    if form.is_valid():
        try:
            incubator = m04_incubators.incubator_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, _("The incubator is recorded."))
            return redirect("workbench:incubator", pk=incubator.pk)
    return _list(request, form, status=400)


def _detail(request: HttpRequest, incubator: Incubator, form: TenantForm | None, status: int = 200) -> HttpResponse:
    can_record = request.user.has_perm(m04_incubators.RECORD_PERMISSION)
    return render(
        request,
        "portal/incubators/detail.html",
        {
            "incubator": incubator,
            "tenants": incubator.tenants.select_related("enterprise").order_by("name"),
            "form": (form or TenantForm()) if can_record else None,
        },
        status=status,
    )


@require_GET
def incubator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check_read(request)
    return _detail(request, get_object_or_404(_incubators_for(request), pk=pk), None)


@require_POST
def tenant_add(request: HttpRequest, pk: int) -> HttpResponse:
    _check_record(request)
    incubator = get_object_or_404(_incubators_for(request), pk=pk)
    form = TenantForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["enterprise"] = data.pop("credit_code")
        try:
            m04_incubators.tenant_record(incubator=incubator, actor=request.user, **data)
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, _("The firm is recorded."))
            return redirect("workbench:incubator", pk=incubator.pk)
    return _detail(request, incubator, form, status=400)
