"""/progress/: where a case stands, without an account (issue 18, point 3).

Someone who has the reference number and the phone (or, for an enterprise, the credit code) given on the
application sees the case's state, its timeline in the applicant's own words (portal.views.apply.status.history,
public variant: no reason, amount, file name or document), what to do next and the office to call. No name, amount
or ID number is shown.

A stranger must learn nothing from it:
- the typed phone or credit code is compared through keyed blind indexes (registry.crypto.blind_index) against the
  case's own contacts, read at lookup time; it is never stored, logged or put in a URL (the form is POSTed and the
  answer is not cached);
- a wrong phone and an unknown reference get the same page, the same message and the same work: the case is looked
  up and the same number of blind indexes are compared either way;
- lookups are counted per client address and per reference (portal.ratelimits, settings.RATE_LIMITS["progress"]):
  guessing the phone of a known reference stops after a few tries.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.forms.progress import ProgressForm
from portal.models import ServiceOffice
from portal.ratelimits import over_limit
from portal.roles import STAFF_ROLES
from portal.views.apply.status import STATE_BADGE, history
from registry.crypto import blind_index
from registry.identifiers import normalise_credit_code
from subsidies.cases.states import NEXT_STEP
from subsidies.models import Case, CaseState
from subsidies.notifications import normalise_phone

INDEX_LABEL = "progress_contact"
# Every lookup compares this many indexes (the case's contacts, padded), found or not.
CONTACTS_COMPARED = 3
_NO_CONTACT = "\x00"


def contacts_of(case: Case) -> list[str]:
    """What the applicant may type for a case, normalised as the form normalises: the phone of the account that
    applied (not a caseworker's, for a case entered at the desk), the phone in the person's real-name file, the
    enterprise's credit code."""
    contacts = []
    if not case.applied_at_desk and normalise_phone(case.created_by.phone):
        contacts.append(normalise_phone(case.created_by.phone))
    if case.person_id is not None and normalise_phone(case.person.phone):
        contacts.append(normalise_phone(case.person.phone))
    if case.enterprise_id is not None:
        contacts.append(normalise_credit_code(case.enterprise.credit_code))
    return contacts


def case_for_progress(*, reference: str, contact: str) -> Case | None:
    """The submitted case with this reference whose applicant gave this phone or credit code (both normalised);
    None when there is no such reference or the contact is not the case's. Both outcomes do the same work: one
    query (the contacts and whether a caseworker entered the case come with it) and the same number of keyed
    hashes."""
    staff = Group.objects.filter(user=OuterRef("created_by"), name__in=[role.value for role in STAFF_ROLES])
    case = (
        Case.objects.select_related("county", "person", "enterprise", "created_by")
        .annotate(applied_at_desk=Exists(staff) | Q(created_by__is_superuser=True))
        .filter(reference=reference)
        .exclude(state=CaseState.DRAFT)
        .first()
    )
    candidates = contacts_of(case) if case is not None else []
    candidates = (candidates + [_NO_CONTACT] * CONTACTS_COMPARED)[:CONTACTS_COMPARED]
    typed = blind_index(contact, label=INDEX_LABEL)
    # Every candidate is compared (no early exit), so a near miss and a stranger's guess take the same time.
    found = [hmac.compare_digest(typed, blind_index(candidate, label=INDEX_LABEL)) for candidate in candidates]
    return case if any(found) else None


def offices_for(case: Case) -> list[ServiceOffice]:
    """The county's office(s) to call about the case; the prefecture bureau's when the county has none."""
    offices = list(ServiceOffice.objects.filter(county=case.county))
    return offices or list(ServiceOffice.objects.filter(county__isnull=True))


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _period(rate: str) -> int:
    """The period of a django-ratelimit rate in seconds: "6/h" -> 3600, "10/5m" -> 300."""
    per = rate.partition("/")[2]
    return int(per[:-1] or 1) * _SECONDS[per[-1]]


def _try_again_at() -> Any:
    """The latest moment the counts have emptied: now plus the longer of the two periods."""
    periods = [_period(rate) for rate in settings.RATE_LIMITS["progress"].values()]
    return timezone.now() + timedelta(seconds=max(periods))


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """The lookup form; on POST, the case's progress or one message for every failure."""
    if request.method != "POST":
        return render(request, "portal/progress/lookup.html", {"form": ProgressForm()})
    form = ProgressForm(request.POST)
    typed_reference = "".join(str(request.POST.get("reference", "")).split()).upper()[:40]
    if over_limit(request, "progress", reference=typed_reference):
        retry = _try_again_at()
        response = render(request, "portal/progress/too_many.html", {"try_again_at": retry}, status=429)
        response["Retry-After"] = str(int((retry - timezone.now()).total_seconds()))
        return response
    if not form.is_valid():
        return render(request, "portal/progress/lookup.html", {"form": form})
    case = case_for_progress(reference=form.cleaned_data["reference"], contact=form.cleaned_data["contact"])
    if case is None:
        return render(request, "portal/progress/lookup.html", {"form": ProgressForm(), "not_found": True})
    state = CaseState(case.state)
    return render(
        request,
        "portal/progress/result.html",
        {
            "case": case,
            "badge": STATE_BADGE[state],
            "next_step": NEXT_STEP[state],
            "history": history(case, public=True),
            "offices": offices_for(case),
        },
    )
