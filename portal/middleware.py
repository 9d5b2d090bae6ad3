"""Two-factor guard for the back office: every page under /workbench/ and /admin/."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.roles import Role

BACK_OFFICE_PREFIXES = ("/workbench/", "/admin/")


class BackOfficeTwoFactorMiddleware:
    """Caseworkers, officers and auditors reach the back office only after a TOTP check.

    A guard here, rather than a decorator on each view, means a back-office page added later
    cannot forget it. Views still check permissions and county scope.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(BACK_OFFICE_PREFIXES):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        query = urlencode({"next": request.get_full_path()})
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
        if not user.is_back_office:
            raise PermissionDenied("back office only")
        if not user.is_verified():
            return HttpResponseRedirect(f"{reverse('accounts:two-factor')}?{query}")
        if user.has_role(Role.COUNTY_CASEWORKER) and user.county_id is None and not user.is_superuser:
            # A county caseworker works one county's queue; without one there is nothing they may see.
            raise PermissionDenied("caseworker without a county")
        return None
