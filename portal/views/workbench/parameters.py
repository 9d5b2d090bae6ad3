"""Back office: the dated policy parameters, their history, and adding a new dated value (officers only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import refusal_on_form
from registry.refusals import Refused
from subsidies.forms import DateInput
from subsidies.impact import Impact, parameter_change_impact
from subsidies.models import Parameter, ParameterChange, ParameterChangeState
from subsidies.parameters import DEFINITIONS, Definition, InvalidParameterValue, display, parse_value
from subsidies.services import parameter_change_confirm, parameter_change_save, parameter_change_withdraw

MANAGE = "portal.manage_parameters"


class ParameterAddForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("New value"), max_length=200)
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=gettext_lazy("Valid to"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty: in force until the next change."),
    )
    source = forms.CharField(label=gettext_lazy("Source (clause or document)"), max_length=200)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_sample = forms.BooleanField(label=gettext_lazy("This is still a sample value"), required=False)

    def __init__(self, *args, definition: Definition, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.definition = definition
        hints = {
            "period": gettext_lazy("Two dates: 2019-01-01..2019-12-31"),
            "decimal_list": gettext_lazy("Numbers separated by commas: 0.10, 0.20, 0.30"),
            "choice": ", ".join(definition.choices),
            "decimal": gettext_lazy("A number, e.g. 0.50 or 1386.00"),
            "integer": gettext_lazy("A whole number"),
        }
        self.fields["value"].help_text = hints.get(definition.kind, "")

    def clean_value(self) -> object:
        raw = self.cleaned_data["value"]
        try:
            parse_value(self.definition.key, raw)
        except InvalidParameterValue as exc:
            raise forms.ValidationError(str(exc)) from None
        return raw


def _definition(key: str) -> Definition:
    definition = DEFINITIONS.get(key)
    if definition is None:
        raise Http404("no such parameter")
    return definition


def parameter_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("portal.access_workbench"):
        raise PermissionDenied
    today = timezone.localdate()
    rows: dict[str, list[Parameter]] = {}
    for row in Parameter.objects.order_by("key", "valid_from"):
        rows.setdefault(row.key, []).append(row)
    pending = {change.key: change for change in ParameterChange.objects.filter(state=ParameterChangeState.PENDING)}
    items = []
    for key, definition in DEFINITIONS.items():
        history = rows.get(key, [])
        current = next((r for r in reversed(history) if r.in_force_on(today)), None)
        items.append(
            {
                "key": key,
                "label": definition.label,
                "current": current,
                "current_text": display(key, parse_value(key, current.value)) if current else "",
                "changes": len(history),
                "pending": pending.get(key),
            }
        )
    return render(
        request,
        "portal/parameters/list.html",
        {"items": items, "today": today, "can_manage": request.user.has_perm(MANAGE), "pending": len(pending)},
    )


def _detail(
    request: HttpRequest, key: str, form: ParameterAddForm | None, status: int = 200, impact: Impact | None = None
) -> HttpResponse:
    definition = _definition(key)
    history = [
        {"row": row, "text": display(key, parse_value(key, row.value))}
        for row in Parameter.objects.filter(key=key).select_related("created_by").order_by("-valid_from")
    ]
    can_manage = request.user.has_perm(MANAGE)
    if can_manage and form is None:
        form = ParameterAddForm(definition=definition)
    return render(
        request,
        "portal/parameters/detail.html",
        {
            "definition": definition,
            "history": history,
            "form": form if can_manage else None,
            "today": timezone.localdate(),
            "impact": impact,
            "can_manage": can_manage,
            "pending": [
                {"change": change, "text": display(key, parse_value(key, change.value))}
                for change in ParameterChange.objects.filter(
                    key=key, state=ParameterChangeState.PENDING
                ).select_related("proposed_by")
            ],
        },
        status=status,
    )


@require_http_methods(["GET"])
def parameter_detail(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.has_perm("portal.access_workbench"):
        raise PermissionDenied
    return _detail(request, key, None)


@require_POST
def parameter_add_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    definition = _definition(key)
    form = ParameterAddForm(request.POST, definition=definition)
    if form.is_valid():
        data = form.cleaned_data
        # The impact on open cases and offers, under an overlay of the proposed value (subsidies.impact): shown
        # on "preview" (nothing saved), and kept in the audit row of the change when it is saved.
        impact = parameter_change_impact(
            key=key, value=data["value"], valid_from=data["valid_from"], valid_to=data["valid_to"]
        )
        if request.POST.get("preview"):
            return _detail(request, key, form, impact=impact)
        try:
            saved = parameter_change_save(
                impact=impact,
                key=key,
                value=data["value"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                source=data["source"],
                note=data["note"],
                is_sample=data["is_sample"],
                actor=request.user,
            )
        except Refused as exc:
            refusal_on_form(form, exc)
        else:
            if isinstance(saved, ParameterChange):
                messages.warning(
                    request,
                    _(
                        "The change moves more than the threshold: it is kept as a proposal and waits for a second "
                        "officer's confirmation. Nothing in force has changed."
                    ),
                )
                return redirect("workbench:parameter-change", pk=saved.pk)
            messages.success(request, _("The new value is saved; the previous one now ends the day before."))
            return redirect("workbench:parameter", key=key)
    return _detail(request, key, form, status=400)


# --- A proposal waiting for a second officer (clause （十四）) ------------------------------------------------


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it withdrawn?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def get_change_for_officer(user, pk: int) -> ParameterChange:  # type: ignore[no-untyped-def]
    """The proposal `pk`, for an officer who manages parameters (403 otherwise, 404 if there is none)."""
    if not user.has_perm(MANAGE):
        raise PermissionDenied
    return get_object_or_404(ParameterChange.objects.select_related("proposed_by", "confirmed_by", "closed_by"), pk=pk)


def _change_page(
    request: HttpRequest,
    change: ParameterChange,
    *,
    withdraw_form: WithdrawForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    impact = None
    if change.state == ParameterChangeState.PENDING:
        # Recomputed now: the cases may have moved since the change was proposed.
        impact = parameter_change_impact(
            key=change.key, value=change.value, valid_from=change.valid_from, valid_to=change.valid_to
        )
    return render(
        request,
        "portal/parameters/proposal.html",
        {
            "change": change,
            "definition": DEFINITIONS.get(change.key),
            "text": display(change.key, parse_value(change.key, change.value)),
            "impact": impact,
            "own": change.proposed_by_id == request.user.pk,
            "withdraw_form": withdraw_form or WithdrawForm(),
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET"])
def parameter_change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_page(request, get_change_for_officer(request.user, pk))


@require_POST
def parameter_change_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change_for_officer(request.user, pk)
    try:
        parameter_change_confirm(change=change, actor=request.user)
    except Refused as exc:
        change.refresh_from_db()
        return _change_page(request, change, error=str(exc), status=400)
    messages.success(request, _("Confirmed: the new value is saved; the previous one now ends the day before."))
    return redirect("workbench:parameter", key=change.key)


@require_POST
def parameter_change_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change_for_officer(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            parameter_change_withdraw(change=change, reason=form.cleaned_data["reason"], actor=request.user)
        except Refused as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("The proposal is withdrawn; nothing in force has changed."))
            return redirect("workbench:parameter", key=change.key)
    change.refresh_from_db()
    return _change_page(request, change, withdraw_form=form, status=400)
