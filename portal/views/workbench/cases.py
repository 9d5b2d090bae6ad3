"""The case workbench: queue, my cases, done; the review page and its decisions (one POST URL per decision).

Generic over CaseKind: the queue lists every kind; the review page renders the kind-specific part from
`portal/cases/kinds/<kind>.html` with context from KIND_DETAILS (a kind without its own falls back to the answers).
Scoping: cases_visible_to / get_case_for_staff (another county's case is a 404); deciding needs portal.decide_case
(auditors read everything and change nothing: their POSTs are a 403).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from html import escape
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.access import get_case_for_staff
from portal.forms import refusal_on_form
from portal.forms.cases import AmountConfirmForm, ApproveForm, QueueFilterForm, ReasonForm
from portal.views.apply import claims_enterprises as enterprise_claims
from portal.views.outcomes import decided_meanwhile, decided_message
from portal.views.workbench import review_claims_people, review_residents
from registry.access import sees_all_counties
from registry.audit import audit_trail
from registry.exports import xlsx_row
from registry.permissions import DECIDE_CASE, PUBLISH_LIST
from registry.refusals import Refused
from subsidies.cases.queue import cases_visible_to
from subsidies.cases.rules import rules_for
from subsidies.cases.states import DECIDED, IN_QUEUE, TRANSITIONS
from subsidies.cases.workflow import (
    case_amount_confirm,
    case_approve,
    case_reject,
    case_release,
    case_return,
    case_take,
)
from subsidies.measures.m01_stable_job_refund import registry_figures
from subsidies.models import Case, CaseKind, CaseState
from subsidies.templatetags.policy_text import local_moment, yuan

S = CaseState
PAGE_SIZE = 50
EXPORT_LIMIT = 200_000

# The columns the queue shows (never the answers, the calculation or the encrypted bank account), read as plain
# rows: building four model instances per row (case, county, enterprise or person, caseworker) cost more than the
# query itself.
LIST_FIELDS = [
    "id",
    "enterprise_id",
    "person_id",
    "assignee_id",
    "reference",
    "kind",
    "state",
    "county__code",
    "county__name",
    "county__name_en",
    "enterprise__name",
    "person__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "year",
    "calculated_amount",
    "approved_amount",
    "submitted_at",
]

TABS: dict[str, dict[str, Any]] = {
    "queue": {"label": gettext_lazy("Queue"), "states": list(IN_QUEUE), "sort": "submitted"},
    "mine": {"label": gettext_lazy("My cases"), "states": [S.IN_REVIEW], "sort": "submitted"},
    "returned": {"label": gettext_lazy("With the applicant"), "states": [S.RETURNED], "sort": "-submitted"},
    "done": {
        "label": gettext_lazy("Done"),
        "states": list(DECIDED),
        "sort": "-submitted",
    },
}


# --- The queue ---------------------------------------------------------------------------------------------------


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "queue")
    return tab if tab in TABS else "queue"


class _ListedCountyField(forms.ModelChoiceField):
    """The county filter answered from one list read per request: a plain ModelChoiceField validates the choice
    with a query of its own and lists its options through a second one (a server-side cursor on PostgreSQL)."""

    def __init__(self, original: forms.ModelChoiceField) -> None:
        super().__init__(
            queryset=original.queryset,
            required=original.required,
            label=original.label,
            empty_label=original.empty_label,
            widget=original.widget,
        )
        self.listed = {str(county.pk): county for county in original.queryset}
        self.choices = [("", self.empty_label), *[(pk, self.label_from_instance(c)) for pk, c in self.listed.items()]]

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        county = self.listed.get(str(value))
        if county is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return county


def _filter_form(request: HttpRequest, tab: str) -> QueueFilterForm:
    form = QueueFilterForm(request.GET, states=TABS[tab]["states"], show_county=sees_all_counties(request.user))
    if "county" in form.fields:
        form.fields["county"] = _ListedCountyField(form.fields["county"])
    return form


def _filtered(request: HttpRequest, tab: str, form: QueueFilterForm) -> tuple[QuerySet[Case], str]:
    """The tab's cases the user may see, narrowed by the valid filters (invalid ones are shown and ignored)."""
    cases = cases_visible_to(request.user).filter(state__in=TABS[tab]["states"])
    if tab == "mine":
        cases = cases.filter(assignee=request.user)
    form.is_valid()
    data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    if data.get("kind"):
        cases = cases.filter(kind=data["kind"])
    if data.get("state"):
        cases = cases.filter(state=data["state"])
    if data.get("county"):
        cases = cases.filter(county=data["county"])
    tz = timezone.get_current_timezone()
    if data.get("submitted_from"):
        cases = cases.filter(submitted_at__gte=datetime.combine(data["submitted_from"], time.min, tzinfo=tz))
    if data.get("submitted_to"):
        cases = cases.filter(submitted_at__lte=datetime.combine(data["submitted_to"], time.max, tzinfo=tz))
    sort = data.get("sort") or TABS[tab]["sort"]
    if data.get("amount_min") is not None or data.get("amount_max") is not None or sort.endswith("amount"):
        cases = cases.annotate(
            sort_amount=Coalesce(
                "approved_amount", "calculated_amount", Value(Decimal("0")), output_field=DecimalField()
            )
        )
        if data.get("amount_min") is not None:
            cases = cases.filter(sort_amount__gte=data["amount_min"])
        if data.get("amount_max") is not None:
            cases = cases.filter(sort_amount__lte=data["amount_max"])
    return cases, sort


def _key_field(sort: str) -> str:
    return "sort_amount" if sort.endswith("amount") else "submitted_at"


def _cursor_of(case: Any, sort: str) -> str:
    """The keyset cursor after a listed row (a row of LIST_FIELDS, with sort_amount when sorted by amount)."""
    if sort.endswith("amount"):
        return f"{case.sort_amount}_{case.id}"
    return f"{int(case.submitted_at.timestamp() * 1_000_000)}_{case.id}"


def _after(cases: QuerySet[Case], sort: str, cursor: str) -> QuerySet[Case]:
    """Keyset pagination: the rows after (key, id) in the sort order. A malformed cursor means the first page."""
    try:
        raw_key, raw_id = cursor.rsplit("_", 1)
        pk = int(raw_id)
        if sort.endswith("amount"):
            key: Any = Decimal(raw_key)
        else:
            key = datetime.fromtimestamp(int(raw_key) / 1_000_000, tz=UTC)
    except (ValueError, InvalidOperation, OverflowError, OSError):
        return cases
    field = _key_field(sort)
    op = "lt" if sort.startswith("-") else "gt"
    return cases.filter(Q(**{f"{field}__{op}": key}) | Q(**{field: key, f"id__{op}": pk}))


def _ordered(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    field = _key_field(sort)
    return cases.order_by(f"-{field}", "-id") if sort.startswith("-") else cases.order_by(field, "id")


def _filter_fields(form: QueueFilterForm) -> list[dict[str, Any]]:
    """The filters as plain data, rendered by one loop: the queue is the busiest page, and Django's per-option
    widget templates cost more than the page's query."""
    fields = []
    for bound in form:
        field = bound.field
        value = bound.value()
        value = "" if value is None else str(value)
        # A select's options written at once (escaped as the template would), not three template nodes per option.
        options = (
            mark_safe(  # noqa: S308 - every value is escaped
                "".join(
                    f'<option value="{escape(str(v))}"{" selected" if str(v) == value else ""}>{escape(str(label))}'
                    "</option>"
                    for v, label in field.choices
                )
            )
            if isinstance(field, forms.ChoiceField)
            else None
        )
        fields.append(
            {
                "name": bound.html_name,
                "id": bound.id_for_label,
                "label": bound.label,
                "errors": bound.errors,
                "value": value,
                "options": options,
                "type": "date" if isinstance(field, forms.DateField) else "text",
                "decimal": isinstance(field, forms.DecimalField),
            }
        )
    return fields


def _rows(page: list[Any], *, show_county: bool, take: tuple[str, ...]) -> SafeString:
    """The table's rows, written in one pass: the queue is the workbench's busiest page, and a dozen template
    variables, filters and conditions for each of its 50 rows cost about as much as the rest of the request. The
    markup is the table's own (queue.html holds its head); every value is escaped as the template would (Django's
    escape is html.escape), and `take` is the page's CSRF input and the translated "Take", or () when the user may
    not take cases. One reverse() for the page, not two per row; labels worked out once (get_FOO_display() hashes the
    whole choices list on every call); dates in the current time zone, as |date would show them."""
    case_url = reverse("workbench:case", args=[0]).removesuffix("0/")
    kind_labels = {value: escape(str(label)) for value, label in CaseKind.choices}
    state_labels = {value: escape(str(label)) for value, label in CaseState.choices}
    english = (get_language() or "").startswith("en")  # County.display_name
    rows = []
    for case in page:
        url = f"{case_url}{case.id}/"
        reference = escape(case.reference)
        if case.enterprise_id:
            applicant = escape(str(case.enterprise__name))
        elif case.person_id:
            applicant = escape(str(case.person__name))
        else:
            applicant = ""
        county = f"<td>{escape(case.county__name_en if english else case.county__name)}</td>" if show_county else ""
        if case.assignee_id:  # User.get_full_name, else the username
            full_name = f"{case.assignee__first_name} {case.assignee__last_name}".strip()
            assignee = escape(full_name or case.assignee__username)
        else:
            assignee = "—"
        amount = case.approved_amount if case.approved_amount is not None else case.calculated_amount  # Case.amount
        submitted = timezone.localtime(case.submitted_at).strftime("%Y-%m-%d %H:%M") if case.submitted_at else ""
        action = (
            f"""<td>
        <form method="post" action="{url}claim/">{take[0]}
          <button type="submit" class="btn btn-sm btn-outline-primary">{take[1]}"""
            f"""<span class="visually-hidden"> {reference}</span></button>
        </form>
      </td>"""
            if take
            else ""
        )
        rows.append(
            f"""
    <tr>
      <td><a href="{url}">{reference}</a></td>
      <td>{kind_labels.get(case.kind) or escape(case.kind)}</td>
      <td>{applicant}</td>
      {county}
      <td>{state_labels.get(case.state) or escape(case.state)}</td>
      <td class="text-end">{escape(yuan(amount))}</td>
      <td>{submitted}</td>
      <td>{assignee}</td>
      {action}
    </tr>
  """
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


@login_required
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    """Queue / my cases / with the applicant / done, filtered, sorted, one keyset page at a time (no COUNT)."""
    tab = _tab(request)
    form = _filter_form(request, tab)
    cases, sort = _filtered(request, tab, form)
    cursor = request.GET.get("after", "")
    if cursor:
        cases = _after(cases, sort, cursor)
    fields = [*LIST_FIELDS, "sort_amount"] if sort.endswith("amount") else LIST_FIELDS
    page = list(_ordered(cases, sort).values_list(*fields, named=True)[: PAGE_SIZE + 1])
    next_url = ""
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        params = {k: v for k, v in request.GET.items() if k != "after" and v}
        params["after"] = _cursor_of(page[-1], sort)
        next_url = f"{reverse('workbench:cases')}?{urlencode(params)}"
    base = {k: v for k, v in request.GET.items() if k not in ("after", "tab") and v}
    tabs = [
        {"key": key, "label": spec["label"], "url": f"{reverse('workbench:cases')}?{urlencode({'tab': key})}"}
        for key, spec in TABS.items()
    ]
    export_params = {k: v for k, v in request.GET.items() if k != "after" and v}
    export_params["tab"] = tab
    can_decide = request.user.has_perm(DECIDE_CASE)
    show_county = sees_all_counties(request.user)
    # One hidden CSRF input for the page's "Take" forms instead of a {% csrf_token %} per row.
    csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    take = (csrf_input, escape(_("Take"))) if tab == "queue" and can_decide else ()
    return render(
        request,
        "portal/cases/queue.html",
        {
            "tab": tab,
            "tab_label": TABS[tab]["label"],
            "tabs": tabs,
            "form": form,
            "filters": _filter_fields(form),
            "cases": page,
            "next_url": next_url,
            "first_url": f"{reverse('workbench:cases')}?{urlencode({**base, 'tab': tab})}" if cursor else "",
            "export_url": f"{reverse('workbench:export-cases')}?{urlencode(export_params)}",
            "rows": _rows(page, show_county=show_county, take=take),
            "can_decide": can_decide,
            "show_county": show_county,
        },
    )


@login_required
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an Excel file (write-only workbook; masked values only, never a bank account)."""
    from openpyxl import Workbook

    tab = _tab(request)
    form = _filter_form(request, tab)
    cases, sort = _filtered(request, tab, form)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(TABS[tab]["label"]))
    sheet.append(
        xlsx_row(
            sheet,
            [
                _("Reference number"),
                _("Policy"),
                _("State"),
                _("County"),
                _("Applicant"),
                _("Unified social credit code"),
                _("ID number"),
                _("Year"),
                _("Calculated amount (yuan)"),
                _("Approved amount (yuan)"),
                _("Submitted"),
                _("Caseworker"),
            ],
        )
    )
    rows = _ordered(cases, sort).select_related("county", "enterprise", "person", "assignee")[:EXPORT_LIMIT]
    for case in rows.iterator(chunk_size=2000):
        sheet.append(
            xlsx_row(
                sheet,
                [
                    case.reference,
                    case.get_kind_display(),
                    case.get_state_display(),
                    case.county.display_name,
                    _applicant_name(case),
                    case.enterprise.credit_code if case.enterprise_id else "",
                    case.person.id_number_masked if case.person_id else "",
                    case.year,
                    case.calculated_amount,
                    case.approved_amount,
                    case.submitted_at,
                    _user_name(case.assignee) if case.assignee_id else "",
                ],
            )
        )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{tab}-{stamp}.xlsx"'
    return response


def _applicant_name(case: Case) -> str:
    if case.enterprise_id:
        return case.enterprise.name
    return case.person.name if case.person_id else ""


def _user_name(user: Any) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.username


# --- History in plain words -----------------------------------------------------------------------------------

ACTION_WORDS: dict[str, Any] = {
    "case_draft_start": gettext_lazy("Application started"),
    "case_bank_account_change": gettext_lazy("Bank account changed"),
    "case_amount_confirm": gettext_lazy("Amount confirmed by a second officer"),
    "evidence_add": gettext_lazy("Document uploaded"),
    "evidence_remove": gettext_lazy("Document removed"),
    "case_referral": gettext_lazy("Referred to the civil affairs bureau"),
    **{f"case_{name}": step.label for name, step in TRANSITIONS.items()},
}


def case_history(case: Case) -> list[dict[str, Any]]:
    """The case's audit trail as sentences: when, who, what happened, why (oldest first)."""
    events = []
    for event in audit_trail(case).order_by("occurred_at", "id"):
        after = event.after or {}
        details = []
        if after.get("reference"):
            details.append(_("reference %(ref)s") % {"ref": after["reference"]})
        if after.get("approved_amount"):
            details.append(_("amount %(amount)s yuan") % {"amount": after["approved_amount"]})
        if event.action == "case_bank_account_change":
            details.append(
                _("bank account %(before)s → %(after)s")
                % {"before": (event.before or {}).get("bank_account") or "—", "after": after.get("bank_account") or "—"}
            )
        events.append(
            {
                "when": event.occurred_at,
                "who": _user_name(event.actor),
                "what": ACTION_WORDS.get(event.action, gettext_lazy("Recorded")),
                "details": "; ".join(details),
                "reason": event.reason,
            }
        )
    return events


# --- The review page ------------------------------------------------------------------------------------------

REFUND_FIELDS = {
    "standard": [
        ("ui_premiums_paid_last_year", gettext_lazy("UI premiums paid last year (yuan)")),
        ("ui_months_paid_in_full", gettext_lazy("Months of UI premiums paid in full")),
        ("insured_at_start", gettext_lazy("Insured employees at the start of last year")),
        ("insured_at_end", gettext_lazy("Insured employees at the end of last year")),
        ("retired_or_deceased", gettext_lazy("Retired or deceased during last year")),
    ],
    "hardship": [
        ("insured_employees", gettext_lazy("Insured employees")),
        ("monthly_social_insurance_due", gettext_lazy("Monthly social-insurance contributions owed (yuan)")),
    ],
}
ANSWER_LABELS: dict[str, Any] = {
    "figures_source": gettext_lazy("Source of the figures"),
    "figures_change_reason": gettext_lazy("Why the enterprise disagrees with the registry"),
    "figures_reason": gettext_lazy("Why the enterprise disagrees with the registry"),
    "figures_changed": gettext_lazy("Figures changed by the enterprise"),
    "bank_name": gettext_lazy("Bank and branch"),
    "declaration": gettext_lazy("Declaration"),
    "declared_at": gettext_lazy("Declared at"),
    "situation": gettext_lazy("Situation"),
    "recovery": gettext_lazy("Why do you expect to recover, and when?"),
    "measures": gettext_lazy("Job-keeping measures"),
    "layoffs_planned": gettext_lazy("How many employees do you plan to lay off this year?"),
    "agreement": gettext_lazy("Agreement with staff or union"),
    "agreement_details": gettext_lazy("When and how was it agreed?"),
    "documents": gettext_lazy("Documents"),
    "offer": gettext_lazy("From the refund offer (免申即享)"),
    "offer_amount": gettext_lazy("Amount offered (yuan)"),
    "first_submitted_on": gettext_lazy("First submitted on"),
    "track": gettext_lazy("Track"),
}
ANSWER_VALUES: dict[tuple[str, Any], Any] = {
    ("figures_source", "registry"): gettext_lazy("From the social-insurance system"),
    ("figures_source", "applicant"): gettext_lazy("Entered or changed by the enterprise"),
    ("figures_source", "enterprise"): gettext_lazy("Entered or changed by the enterprise"),
    ("agreement", "union"): gettext_lazy("Yes, with the trade union"),
    ("agreement", "staff"): gettext_lazy("Yes, with the staff or their representatives"),
    ("agreement", "none"): gettext_lazy("Not yet"),
    ("declaration", True): gettext_lazy("Made"),
}


def _same(answer: Any, registry: Any) -> bool:
    try:
        return Decimal(str(answer)) == Decimal(str(registry))
    except (InvalidOperation, ValueError):
        return str(answer).strip() == str(registry).strip()


def _answer_value(key: str, value: Any) -> Any:
    if key.endswith("_at"):
        return local_moment(value)  # a moment, in Tacheng's time, never a UTC ISO string
    if key == "offer":
        return _("Yes")
    if isinstance(value, list):
        labels = {k: label for rows in REFUND_FIELDS.values() for k, label in rows}
        return ", ".join(str(labels.get(v, v)) for v in value)
    try:
        return ANSWER_VALUES.get((key, value), value)
    except TypeError:  # an unhashable answer (a dict): shown as it is
        return value


def _other_answers(case: Case, shown: set[str]) -> list[dict[str, Any]]:
    return [
        {"label": ANSWER_LABELS.get(key, gettext_lazy("Other answer")), "value": _answer_value(key, value)}
        for key, value in case.answers.items()
        if key not in shown and value not in (None, "", [], {})
    ]


def _refund_details(case: Case) -> dict[str, Any]:
    """The answers beside the registry's insurance year before the year applied for; differences flagged."""
    figures = registry_figures(enterprise=case.enterprise, year=case.year) if case.enterprise_id else None
    fields = REFUND_FIELDS["hardship" if case.track == "hardship" else "standard"]
    rows = []
    for key, label in fields:
        answer = case.answers.get(key)
        registry = figures.get(key) if figures else None
        rows.append(
            {
                "label": label,
                "answer": answer,
                "registry": registry,
                "differs": figures is not None and answer not in (None, "") and not _same(answer, registry),
            }
        )
    return {
        "comparison": rows,
        "registry_year": case.year - 1,
        "has_registry": figures is not None,
        "differences": sum(1 for r in rows if r["differs"]),
        # Both tracks' figures are prefilled; the other track's are not part of this application.
        "other_answers": _other_answers(case, {key for rows in REFUND_FIELDS.values() for key, _label in rows}),
    }


def _answers_details(case: Case) -> dict[str, Any]:
    return {"other_answers": _other_answers(case, set())}


# Kind -> context for its template portal/cases/kinds/<kind>.html: every kind's entry, here and only here.
KIND_DETAILS: dict[str, Callable[[Case], dict[str, Any]]] = {
    CaseKind.STABLE_JOB_REFUND: _refund_details,
    CaseKind.UNEMPLOYMENT_REGISTRATION: review_residents.registration_details,
    CaseKind.DIFFICULTY_RECOGNITION: review_residents.recognition_details,
    CaseKind.TRAINING_SUBSIDY: review_claims_people.claim_details,
    CaseKind.LIVING_ALLOWANCE: review_claims_people.claim_details,
    CaseKind.SKILL_UPGRADE: review_claims_people.claim_details,
    CaseKind.STARTUP_LOAN: review_claims_people.startup_loan_details,
    CaseKind.INTERNSHIP_BASE: enterprise_claims.review_details,
    CaseKind.INTERNSHIP: enterprise_claims.review_details,
    CaseKind.IN_JOB_TRAINING: enterprise_claims.review_details,
    CaseKind.GUARANTEE_REFERRAL: enterprise_claims.review_details,
}


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_decide = user.has_perm(DECIDE_CASE)
    holds = case.state == S.IN_REVIEW and case.assignee_id == user.pk
    details = KIND_DETAILS.get(case.kind, _answers_details)(case)
    return {
        "case": case,
        "kind_template": select_template([f"portal/cases/kinds/{case.kind}.html", "portal/cases/kinds/_answers.html"]),
        "details": details,
        # An enterprise's uploaded documents (a resident's are shown by their kind's template).
        "documents": case.evidence.all() if case.enterprise_id else [],
        "calculation": case.calculation,
        "history": case_history(case),
        "notice_entries": case.notice_entries.select_related("notice").order_by("-id"),
        "may_claim": may_decide and case.state in IN_QUEUE,
        "may_decide": may_decide and holds,
        "has_amount": case.calculation is not None,
        # A bank account changed after it was first given is where a diverted payment shows.
        "bank_account_changes": audit_trail(case).filter(action="case_bank_account_change").count(),
        "approve_form": forms.get("approve_form") or ApproveForm(prefix="approve"),
        "may_confirm_amount": case.state == S.APPROVED
        and case.amount_awaits_confirmation
        and user.has_perm(PUBLISH_LIST)
        and case.assignee_id != user.pk,
        "confirm_form": forms.get("confirm_form") or AmountConfirmForm(prefix="confirm"),
        "return_form": forms.get("return_form") or ReasonForm(prefix="return"),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject"),
        "open_form": forms.get("open_form", ""),
    }


@login_required
@never_cache
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_staff(request.user, pk)
    return render(request, "portal/cases/detail.html", _case_context(request, case))


def _decider(request: HttpRequest, pk: int) -> Case:
    """The case, if the user may see it (else 404) and may decide cases (else 403: auditors read only)."""
    case = get_case_for_staff(request.user, pk)
    if not request.user.has_perm(DECIDE_CASE):
        raise PermissionDenied
    return case


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    case = _decider(request, pk)
    try:
        case_take(case=case, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("You hold this case now."))
    return redirect("workbench:case", pk=case.pk)


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    case = _decider(request, pk)
    try:
        case_release(case=case, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("workbench:case", pk=case.pk)
    messages.success(request, _("The case is back in the queue."))
    return redirect("workbench:cases")


def _refused(request: HttpRequest, case: Case, form: Any, name: str, refused: Refused) -> HttpResponse:
    if decided_meanwhile(case):
        # Lost a race (another tab, another caseworker): say who decided it instead of a bare refusal.
        messages.warning(request, decided_message(case, request.user))
        return redirect("workbench:case", pk=case.pk)
    refusal_on_form(form, refused)
    case.refresh_from_db()
    context = _case_context(request, case, **{f"{name}_form": form, "open_form": name})
    return render(request, "portal/cases/detail.html", context, status=400)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    case = _decider(request, pk)
    form = ApproveForm(request.POST, prefix="approve")
    if not form.is_valid():
        return render(
            request,
            "portal/cases/detail.html",
            _case_context(request, case, approve_form=form, open_form="approve"),
            status=400,
        )
    try:
        case_approve(
            case=case,
            actor=request.user,
            amount=form.cleaned_data["amount"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except Refused as refused:
        return _refused(request, case, form, "approve", refused)
    case.refresh_from_db()
    if case.amount_awaits_confirmation:
        messages.warning(
            request,
            _(
                "Approved, but the amount is above the calculated amount or the ceiling: "
                "a second officer must confirm it."
            ),
        )
    elif rules_for(case.kind).published_as is not None:
        messages.success(request, _("Approved. The case waits for the next public notice."))
    else:
        messages.success(request, _("Approved. The decision is final and its notice is being prepared."))
    return redirect("workbench:case", pk=case.pk)


def _with_reason(request: HttpRequest, pk: int, name: str, service: Callable[..., Case], done: str) -> HttpResponse:
    case = _decider(request, pk)
    form = ReasonForm(request.POST, prefix=name)
    if not form.is_valid():
        context = _case_context(request, case, **{f"{name}_form": form, "open_form": name})
        return render(request, "portal/cases/detail.html", context, status=400)
    try:
        service(case=case, reason=form.cleaned_data["reason"], actor=request.user)
    except Refused as refused:
        return _refused(request, case, form, name, refused)
    messages.success(request, done)
    return redirect("workbench:case", pk=case.pk)


@login_required
@require_POST
def return_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, "return", case_return, _("Returned to the applicant for correction."))


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, "reject", case_reject, _("Rejected. The applicant is told why."))


@login_required
@require_POST
def confirm_amount(request: HttpRequest, pk: int) -> HttpResponse:
    """The second pair of eyes on an approved amount (clause （十四）)."""
    case = get_case_for_staff(request.user, pk)
    if not request.user.has_perm(PUBLISH_LIST):
        raise PermissionDenied
    form = AmountConfirmForm(request.POST, prefix="confirm")
    if not form.is_valid():
        context = _case_context(request, case, confirm_form=form, open_form="confirm")
        return render(request, "portal/cases/detail.html", context, status=400)
    try:
        case_amount_confirm(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    except Refused as refused:
        # The case is decided by design here (approved, awaiting the second officer): no race to report, the
        # refusal (a reason without substance, the approver confirming their own amount) goes next to the field.
        refusal_on_form(form, refused)
        case.refresh_from_db()
        context = _case_context(request, case, confirm_form=form, open_form="confirm")
        return render(request, "portal/cases/detail.html", context, status=400)
    messages.success(request, _("The approved amount is confirmed."))
    return redirect("workbench:case", pk=case.pk)


@login_required
@never_cache
def overrides(request: HttpRequest) -> HttpResponse:
    """Approved amounts that differ from the calculated amount, per county and caseworker, the unconfirmed first."""
    cases = (
        cases_visible_to(request.user)
        .filter(state__in=DECIDED, approved_amount__isnull=False)
        .filter(
            Q(calculated_amount__isnull=True, approved_amount__gt=0)
            | ~Q(approved_amount=F("calculated_amount"))
            | Q(amount_confirmation_needed=True)
        )
        .select_related("county", "assignee", "enterprise", "person", "amount_confirmed_by")
        .order_by("county__code", "assignee__username", "-decided_at")
    )
    rows = list(cases[:1000])
    summary: dict[tuple[str, str], dict[str, Any]] = {}
    for case in rows:
        key = (str(case.county), _user_name(case.assignee) if case.assignee else "")
        line = summary.setdefault(key, {"county": key[0], "caseworker": key[1], "count": 0, "above": 0, "waiting": 0})
        line["count"] += 1
        if case.approved_amount > (case.calculated_amount or Decimal(0)):
            line["above"] += 1
        if case.amount_awaits_confirmation:
            line["waiting"] += 1
    return render(
        request,
        "portal/cases/overrides.html",
        {"cases": rows, "summary": list(summary.values())},
    )
