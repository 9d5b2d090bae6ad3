"""Two-factor guard for staff: every request of a caseworker, officer or auditor, wherever its URL; the back office
(/workbench/, /admin/) for staff only; an idle staff session ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.roles import Role

BACK_OFFICE_PREFIXES = ("/workbench/", "/admin/")
# What a staff member who has given the password but not yet the TOTP code may reach: signing in (the two-factor
# step included) and out, the language switch, static files, the health probe and the home page. Deny by default,
# so a page added later (a notice download, an API endpoint) cannot forget the check.
UNVERIFIED_STAFF_MAY_REACH = ("/accounts/", "/static/", "/i18n/", "/jsi18n/", "/healthz")
LAST_SEEN_SESSION_KEY = "staff_last_seen"
# The last-seen time is written at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 30


class BackOfficeTwoFactorMiddleware:
    """Caseworkers, officers and auditors reach nothing but the sign-in pages until they pass the TOTP step.

    A guard here, rather than a decorator on each view, means a page added later cannot forget it. Views still
    check permissions and county scope.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The roles asked here came with the user (portal.auth.PhoneOrIdNumberBackend.get_user): no query of its own.
        if user.is_authenticated and user.is_back_office:
            refusal = self._idle(request) or self._unverified(request)
            if refusal is not None:
                return refusal
        if request.path.startswith(BACK_OFFICE_PREFIXES):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        """A staff session unused for STAFF_IDLE_TIMEOUT seconds ends: sign in (and pass two-factor) again."""
        now = time.time()
        last = request.session.get(LAST_SEEN_SESSION_KEY)
        if isinstance(last, int | float) and now - last > settings.STAFF_IDLE_TIMEOUT:
            logout(request)
            # The messages middleware runs after this one: the sign-in page says why from the query.
            query = urlencode({"next": request.get_full_path(), "idle": "1"})
            return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
        if not isinstance(last, int | float) or now - last > LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_SESSION_KEY] = now
        return None

    def _unverified(self, request: HttpRequest) -> HttpResponse | None:
        if request.user.is_verified() or request.path == "/" or request.path.startswith(UNVERIFIED_STAFF_MAY_REACH):
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('accounts:two-factor')}?{query}")

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
