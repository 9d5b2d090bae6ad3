"""One access helper per model for the portal's case pages (staff and applicants).

A record outside the user's scope is a 404, never a 403, so its existence is not revealed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from portal.models import EnterpriseMembership
from registry.compiled import SENTINEL_ID, SENTINEL_OTHER_ID, SENTINEL_UUID, CompiledQuery
from registry.models import Enterprise
from subsidies.cases.queue import cases_visible_to
from subsidies.cases.workflow import case_submission_query, case_submission_rows
from subsidies.models import Case, Evidence, RefundOffer

APPLY_AS_ENTERPRISE = "portal.apply_as_enterprise"


def get_case_for_staff(user: Any, pk: int) -> Case:
    """A submitted case the back-office user may see: caseworkers their county's, officers and auditors all."""
    try:
        return cases_visible_to(user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("no such case") from None


# --- Applicants: the enterprises an account acts for (portal.models.EnterpriseMembership) ---------------------


def _memberships_of(user_id: Any) -> QuerySet[EnterpriseMembership]:
    # Memberships in force only: a sign-up's own approval of a squatted credit code ends when an import matches it.
    return EnterpriseMembership.objects.in_force().filter(user_id=user_id).values("enterprise")


def _may_apply(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm(APPLY_AS_ENTERPRISE))


def _acting_for(user: Any) -> QuerySet[EnterpriseMembership] | list[int] | None:
    """The ids of the enterprises this account acts for: as read with the signed-in user (portal.auth, in the
    request's user query), else as a subquery; None when it may not act for any."""
    if not _may_apply(user):
        return None
    preloaded = getattr(user, "_acting_enterprise_ids", None)
    if preloaded is not None:
        return preloaded
    return _memberships_of(user.pk)


def enterprises_of(user: Any) -> QuerySet[Enterprise]:
    """The enterprises this account acts for (several staff of one enterprise may share access)."""
    acting = _acting_for(user)
    if acting is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(pk__in=acting).select_related("county").order_by("name", "id")


def cases_for_applicant(user: Any) -> QuerySet[Case]:
    acting = _acting_for(user)
    if acting is None:
        return Case.objects.none()
    return _cases_acting_for(acting)


def _cases_acting_for(acting: QuerySet[EnterpriseMembership] | list[int]) -> QuerySet[Case]:
    # The memberships' enterprise ids straight into the case query (not through a query of the enterprises too):
    # the busiest applicant pages, submission included, plan and run it on every request.
    return Case.objects.filter(enterprise__in=acting).select_related("enterprise", "county")


# The submission's query (subsidies.cases.workflow.case_submission_query) among the cases of the enterprises the
# account acts for, compiled once per process (registry.compiled): it runs on every submission.
_SUBMISSION_LOCK = CompiledQuery(
    Case,
    lambda user_id, pk, token: case_submission_query(_cases_acting_for(_memberships_of(user_id)), pk=pk, token=token),
    SENTINEL_ID,
    SENTINEL_OTHER_ID,
    SENTINEL_UUID,
    write=True,
)


def lock_case_for_applicant(user: Any, pk: int, token: uuid.UUID) -> tuple[Case | None, Case | None]:
    """In the caller's transaction: the account's case `pk`, locked, and any case of theirs this token already
    submitted (subsidies.cases.workflow.case_submission_rows). (None, None) for an account that acts for none.

    A token that submitted a case outside the account's is not found: submitting with it then fails on the token's
    unique constraint (IntegrityError), which the wizard reports as a form used already."""
    if not _may_apply(user):
        return None, None
    return case_submission_rows(_SUBMISSION_LOCK.instances(user.pk, pk, token), pk=pk, token=token)


def get_case_for_applicant(user: Any, pk: int) -> Case:
    """A case of an enterprise the account acts for; any other case is a 404."""
    try:
        return cases_for_applicant(user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("no such case") from None


def get_enterprise_for_applicant(user: Any, pk: int) -> Enterprise:
    try:
        return enterprises_of(user).get(pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404("no such enterprise") from None


def get_offer_for_applicant(user: Any, pk: int) -> RefundOffer:
    """An eligible refund offer (免申即享) of an enterprise the account acts for; any other is a 404."""
    try:
        return RefundOffer.objects.select_related("enterprise").get(
            pk=pk, eligible=True, enterprise__in=enterprises_of(user)
        )
    except RefundOffer.DoesNotExist:
        raise Http404("no such offer") from None


def get_evidence_for_applicant(user: Any, pk: int) -> Evidence:
    """A file uploaded with a case of an enterprise the account acts for; any other is a 404."""
    try:
        return Evidence.objects.select_related("case").get(pk=pk, case__in=cases_for_applicant(user))
    except Evidence.DoesNotExist:
        raise Http404("no such file") from None
