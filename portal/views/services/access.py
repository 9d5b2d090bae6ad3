"""One access helper per model for the resident pages. Outside the user's scope is a 404, never a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from registry.access import county_scope
from registry.models import DifficultyRecognition, Person, UnemploymentRegistration
from subsidies.cases.queue import cases_visible_to
from subsidies.models import Case, Evidence

APPLY_AS_RESIDENT = "portal.apply_as_resident"


def person_of(user: Any) -> Person:
    """The real-name record the resident account is bound to (a 403 for any other account)."""
    account = getattr(user, "resident", None) if user.is_authenticated else None
    if account is None or not user.has_perm(APPLY_AS_RESIDENT):
        raise PermissionDenied(_("Only resident accounts can use these services."))
    return account.person


def resident_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person_of(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def cases_for_resident(user: Any) -> QuerySet[Case]:
    """The resident's own applications. A case with an enterprise names the person (an intern) but is the
    enterprise's application: it is in the person's real-name file, never among the person's services."""
    return Case.objects.filter(person=person_of(user), enterprise__isnull=True).select_related("county", "person")


def get_case_for_resident(user: Any, pk: int) -> Case:
    try:
        return cases_for_resident(user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("no such case") from None


def get_registration_for_resident(user: Any, pk: int) -> UnemploymentRegistration:
    try:
        return UnemploymentRegistration.objects.select_related("residence_county").get(pk=pk, person=person_of(user))
    except UnemploymentRegistration.DoesNotExist:
        raise Http404("no such registration") from None


def recognitions_for_resident(user: Any) -> QuerySet[DifficultyRecognition]:
    return DifficultyRecognition.objects.filter(person=person_of(user))


def get_evidence_for_resident(user: Any, pk: int) -> Evidence:
    try:
        return Evidence.objects.select_related("case").get(
            pk=pk, case__person=person_of(user), case__enterprise__isnull=True
        )
    except Evidence.DoesNotExist:
        raise Http404("no such file") from None


def get_evidence_for_staff(user: Any, pk: int) -> Evidence:
    """A file of a case the back-office user may see (a draft's files are the applicant's business)."""
    try:
        return Evidence.objects.select_related("case").get(pk=pk, case__in=cases_visible_to(user))
    except Evidence.DoesNotExist:
        raise Http404("no such file") from None


def get_registration_for_staff(user: Any, pk: int) -> UnemploymentRegistration:
    registrations = county_scope(
        user, UnemploymentRegistration.objects.select_related("residence_county", "person"), "residence_county"
    )
    try:
        return registrations.get(pk=pk)
    except UnemploymentRegistration.DoesNotExist:
        raise Http404("no such registration") from None
