"""Public pages: the measures of the plan (/policies/) and "check before you apply" (/calculator/<policy>/)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from subsidies.calculators import POLICIES, InputErrors, run
from subsidies.catalogue import MEASURES
from subsidies.forms import calculator_form_class, inputs_from_form
from subsidies.parameters import ParameterNotInForce, parameter_snapshot


def policies(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    measures = []
    with parameter_snapshot():
        for measure in MEASURES:
            try:
                amounts = measure.amounts(today)
            except ParameterNotInForce:
                amounts = []
            measures.append(
                {
                    "measure": measure,
                    "amounts": amounts,
                    "calculators": [POLICIES[slug] for slug in measure.calculators],
                }
            )
    return render(request, "subsidies/policies.html", {"measures": measures, "today": today})


@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest, policy: str) -> HttpResponse:
    """A plain form; the result, breakdown and reasons show beside it. POST keeps inputs (birth dates) out of URLs."""
    found = POLICIES.get(policy)
    if found is None:
        raise Http404("no such policy")
    form_class = calculator_form_class(found)
    result = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                result = run(found, inputs_from_form(form)).as_dict()
            except InputErrors as exc:
                for field, message in exc.errors:
                    form.add_error(field if field in form.fields else None, message)
    else:
        form = form_class(initial={found.date_field: timezone.localdate()})
    return render(
        request,
        "subsidies/calculator.html",
        {"policy": found, "form": form, "result": result, "policies": POLICIES.values()},
    )
