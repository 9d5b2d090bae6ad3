"""The JSON API for integrations, at /api/v1/ (django-ninja), with its OpenAPI document at /api/v1/openapi.json.

No session authentication and no CSRF: integrations POST plain JSON. Every error is JSON: 400 with errors naming
each field (never ninja's default 422), 404 for an unknown policy, never a 500 for any input.
"""

import json
import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict

from portal.ratelimits import over_limit, too_many_requests_json
from subsidies.calculators import POLICIES, InputErrors, Policy, run

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

api = NinjaAPI(
    title="Tacheng employment portal API",
    version="1",
    description="Check eligibility and amounts of the measures of 塔行发〔2019〕16号 before applying.",
    urls_namespace="api",
    docs_url=None,  # Swagger UI would load from a CDN; the portal never requests another host.
)


class FieldError(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[FieldError]


class NotFoundOut(Schema):
    detail: str


class Line(Schema):
    label: str
    value: str
    parameter: str | None
    clause: str | None


class ReasonOut(Schema):
    code: str
    failed: str
    fix: str
    clause: str | None


class ParameterUsed(Schema):
    key: str
    value: Any
    valid_from: str
    valid_to: str | None
    source: str
    is_sample: bool


class CalculationOut(Schema):
    """Common fields; each policy adds its own (layoff_rate, interest_subsidy, months_paid...)."""

    model_config = ConfigDict(extra="allow")

    policy: str
    as_of: str
    eligible: bool
    amount: str
    currency: str
    breakdown: list[Line]
    reasons: list[ReasonOut]
    citations: list[str]
    parameters: list[ParameterUsed]


class PolicyOut(Schema):
    policy: str
    clause: str
    title: str
    summary: str
    url: str
    inputs: dict[str, Any]


def _errors(errors: list[tuple[str, Any]], status: int = 400) -> JsonResponse:
    return JsonResponse(
        {
            "detail": _("The inputs are not valid."),
            "errors": [{"field": None if f == "__all__" else f, "message": force_str(m)} for f, m in errors],
        },
        status=status,
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    """ninja answers 422 by default; this API answers 400 and names the field."""
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        errors.append((loc[-1] if loc else "__all__", error.get("msg", "Invalid value.")))
    return _errors(errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    return JsonResponse({"detail": str(exc)}, status=exc.status_code)


def _inputs_schema(policy: Policy) -> dict[str, Any]:
    schema = policy.inputs.model_json_schema()
    schema.pop("title", None)
    return schema


@api.get(
    "/calculations/", response={200: list[PolicyOut], 429: ErrorsOut}, summary="List the policies and their inputs"
)
def list_calculations(request: HttpRequest) -> Any:
    if over_limit(request, "api"):
        return too_many_requests_json()
    return [
        {
            "policy": policy.slug,
            "clause": policy.clause,
            "title": force_str(policy.title),
            "summary": force_str(policy.summary),
            "url": reverse("api:calculate_" + policy.slug.replace("-", "_")),
            "inputs": _inputs_schema(policy),
        }
        for policy in POLICIES.values()
    ]


def _parse(request: HttpRequest) -> Any:
    too_large = InputErrors([("__all__", _("The body is too large."))])
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise too_large  # refused before reading it
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(body) > MAX_BODY_BYTES:
        raise too_large
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise InputErrors([("__all__", _("The body is not valid JSON."))]) from None


def _refuse_constant(name: str) -> None:
    raise ValueError(name)


def _calculate(request: HttpRequest, policy: Policy) -> JsonResponse:
    if over_limit(request, "api"):
        return too_many_requests_json()
    try:
        result = run(policy, _parse(request))
    except InputErrors as exc:
        return _errors(exc.errors)
    return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})


def _register(policy: Policy) -> None:
    def calculate(request: HttpRequest) -> JsonResponse:
        return _calculate(request, policy)

    name = "calculate_" + policy.slug.replace("-", "_")
    calculate.__name__ = name
    api.post(
        f"/calculations/{policy.slug}/",
        response={200: CalculationOut, 400: ErrorsOut, 429: ErrorsOut},
        url_name=name,
        operation_id=name,
        summary=f"{force_str(policy.title)} {policy.clause}",
        description=force_str(policy.summary),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _inputs_schema(policy)}},
            }
        },
    )(calculate)


for _policy in POLICIES.values():
    _register(_policy)


@api.post("/calculations/{policy}/", response={404: NotFoundOut}, include_in_schema=False)
def unknown_policy(request: HttpRequest, policy: str) -> JsonResponse:
    return JsonResponse({"detail": _("There is no policy called %(policy)s.") % {"policy": policy}}, status=404)
