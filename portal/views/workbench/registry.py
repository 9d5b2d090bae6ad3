"""Registry pages of the workbench: search, the real-name file of a person or enterprise, imports.

County scoping lives in registry.access (one helper per model); a record of another county is a 404.
Full ID numbers never appear in a URL: search is a GET only for names, phones and credit codes, a full ID number is
looked up through the blind index and the reveal is a POST whose answer is rendered, not redirected.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.forms.registry import IdentityClaimDecisionForm, ImportForm, RevealForm, SearchForm
from portal.models import EnterpriseMembership
from portal.services import identity_claim_confirm, identity_claim_refuse, identity_claims_for
from portal.services_accounts import membership_approve, membership_refuse
from registry.access import enterprises_for_user, get_enterprise_for_user, get_person_for_user, people_for_user
from registry.audit import audit_trail
from registry.crypto import id_number_index, mask_id_number
from registry.identifiers import normalise_id_number
from registry.imports import import_job_create, import_job_retry
from registry.models import ImportJob
from registry.refusals import Refused
from registry.services import person_reveal_id_number

RESULT_LIMIT = 50
ID_NUMBER_RE = re.compile(r"^[0-9]{17}[0-9X]$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-Z]{18}$")


def _search_people(user, query: str):  # type: ignore[no-untyped-def]
    people = people_for_user(user)
    compact = normalise_id_number(query)
    if ID_NUMBER_RE.match(compact):
        return people.filter(id_number_index=id_number_index(compact))
    if re.fullmatch(r"\+?[0-9][0-9 -]{4,19}", query):
        return people.filter(phone=re.sub(r"[ -]", "", query))
    return people.filter(name__icontains=query)


def _search_enterprises(user, query: str):  # type: ignore[no-untyped-def]
    enterprises = enterprises_for_user(user)
    code = query.replace(" ", "").upper()
    if CREDIT_CODE_RE.match(code):
        return enterprises.filter(credit_code=code)
    return enterprises.filter(Q(name__icontains=query) | Q(credit_code__startswith=code))


@login_required
@never_cache
def search(request: HttpRequest) -> HttpResponse:
    """Search people or enterprises within the user's counties. A full ID number is POSTed (never in a URL)."""
    data = request.POST if request.method == "POST" else (request.GET if "q" in request.GET else None)
    if request.method != "POST" and ID_NUMBER_RE.match(normalise_id_number(request.GET.get("q", ""))):
        # A full ID number in a URL ends up in logs, history and the language switcher's "next": not searched.
        messages.error(request, _("Search for a full ID number with the form: it is never put in an address."))
        return redirect("workbench:registry-search")
    form = SearchForm(data, initial={"kind": SearchForm.Kind.PEOPLE})
    results = None
    if data is not None and form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        if kind == SearchForm.Kind.ENTERPRISES:
            results = list(_search_enterprises(request.user, query).order_by("name")[:RESULT_LIMIT])
        else:
            results = list(_search_people(request.user, query).order_by("name")[:RESULT_LIMIT])
        # Echo the query back, but a full ID number only masked: the page must not hold it.
        shown = mask_id_number(query) if ID_NUMBER_RE.match(normalise_id_number(query)) else query
        form = SearchForm(initial={"kind": kind, "q": shown})
    else:
        kind = SearchForm.Kind.PEOPLE
    return render(
        request,
        "registry/search.html",
        {"form": form, "results": results, "kind": kind, "limit": RESULT_LIMIT},
    )


def _person_context(request: HttpRequest, person, reveal_form: RevealForm, revealed: str = "") -> dict:  # type: ignore[no-untyped-def]
    return {
        "person": person,
        "registrations": person.registrations.select_related("residence_county"),
        "benefit_periods": person.benefit_periods.all(),
        "insurance": getattr(person, "insurance", None),
        "trail": audit_trail(person).select_related("actor")[:100],
        "reveal_form": reveal_form,
        "can_reveal": request.user.has_perm("portal.reveal_sensitive"),
        "revealed": revealed,
    }


@login_required
@never_cache
def person_file(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    return render(request, "registry/person_file.html", _person_context(request, person, RevealForm()))


@login_required
@require_POST
@never_cache
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number on this response only, after logging who, whose, when and why."""
    person = get_person_for_user(request.user, pk)
    if not request.user.has_perm("portal.reveal_sensitive"):
        raise PermissionDenied
    form = RevealForm(request.POST)
    revealed = ""
    if form.is_valid():
        try:
            revealed = person_reveal_id_number(person=person, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
    status = 200 if revealed else 400
    return render(request, "registry/person_file.html", _person_context(request, person, form, revealed), status=status)


@login_required
@never_cache
def enterprise_file(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, pk)
    return render(
        request,
        "registry/enterprise_file.html",
        {
            "enterprise": enterprise,
            "insurance_years": enterprise.insurance_years.order_by("-year"),
            "trail": audit_trail(enterprise).select_related("actor")[:100],
            "memberships": enterprise.memberships.select_related("user").order_by("approved_at", "id"),
            # Every application of the enterprise, with its amount (实名制: the history of help in one place).
            "cases": enterprise.cases.exclude(state="draft").select_related("loan").order_by("-year", "-submitted_at"),
            "may_decide": request.user.has_perm("portal.decide_case"),
        },
    )


@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A caseworker of the enterprise's county approves or turns down an account's request to act for it."""
    membership = get_object_or_404(EnterpriseMembership.objects.select_related("enterprise", "user"), pk=pk)
    enterprise = get_enterprise_for_user(request.user, membership.enterprise_id)  # 404 outside the county
    try:
        if request.POST.get("decision") == "approve":
            membership_approve(membership=membership, actor=request.user)
            messages.success(request, _("The account can now act for the enterprise."))
        else:
            membership_refuse(membership=membership, actor=request.user)
            messages.info(request, _("The request was turned down."))
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect("workbench:registry-enterprise", pk=enterprise.pk)


@login_required
@permission_required("portal.import_registry", raise_exception=True)
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a file exported by the social-insurance system; the import runs as a background task."""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = import_job_create(
                kind=form.cleaned_data["kind"], data=upload.read(), file_name=upload.name, actor=request.user
            )
            messages.success(request, _("The file was received; the import has started."))
            return redirect("workbench:registry-import", pk=job.pk)
    else:
        form = ImportForm()
    jobs = ImportJob.objects.select_related("created_by")[:20]
    return render(request, "registry/imports.html", {"form": form, "jobs": jobs})


@login_required
@permission_required("portal.import_registry", raise_exception=True)
@never_cache
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of an import: the page reloads itself (meta refresh, no JavaScript) until the import is done."""
    job = get_object_or_404(ImportJob, pk=pk)
    running = job.status in {ImportJob.Status.PENDING, ImportJob.Status.RUNNING} and not job.is_stale
    return render(
        request,
        "registry/import_detail.html",
        {"job": job, "running": running, "refresh_url": reverse("workbench:registry-import", args=[job.pk])},
    )


@login_required
@permission_required("portal.import_registry", raise_exception=True)
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed import, or one whose worker died, to the workers again."""
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        import_job_retry(job=job, actor=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The import was sent again; nothing of the stopped run was kept."))
    return redirect("workbench:registry-import", pk=job.pk)


@login_required
@permission_required("portal.import_registry", raise_exception=True)
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The row-level report (masked values only) as a CSV file Excel opens."""
    job = get_object_or_404(ImportJob, pk=pk, status=ImportJob.Status.DONE)
    response = HttpResponse(("\ufeff" + job.report).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


@login_required
@permission_required("portal.decide_case", raise_exception=True)
@never_cache
def identity_claims(request: HttpRequest) -> HttpResponse:
    """Accounts waiting for the county office to see the person's ID card before they are bound to a record."""
    claims = identity_claims_for(user=request.user)
    return render(request, "registry/identity_claims.html", {"claims": claims, "form": IdentityClaimDecisionForm()})


@login_required
@permission_required("portal.decide_case", raise_exception=True)
@require_POST
def identity_claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(identity_claims_for(user=request.user), pk=pk)  # 404 outside the county
    form = IdentityClaimDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "confirm":
                identity_claim_confirm(claim=claim, actor=request.user, reason=data["reason"])
                messages.success(request, _("The account is now bound to the person's real-name file."))
            else:
                identity_claim_refuse(claim=claim, actor=request.user, reason=data["reason"])
                messages.info(request, _("The request was turned down."))
        except Refused as exc:
            messages.error(request, str(exc))
        return redirect("workbench:identity-claims")
    claims = identity_claims_for(user=request.user)
    return render(request, "registry/identity_claims.html", {"claims": claims, "form": form}, status=400)
