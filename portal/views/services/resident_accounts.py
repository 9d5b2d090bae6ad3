"""Resident sign-up: real name, ID number, county, phone and password; the phone confirmed by a six-digit code.

The pending sign-up travels in the session (the ID number encrypted), never in the URL or the database: nothing is
written to the registry before the code is confirmed. Whether the ID number, name or phone is known is told to no
one before the code proves who holds the phone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.auth import SIGN_IN_BACKEND
from portal.forms.resident_accounts import PhoneCodeForm, ResidentSignupForm
from portal.ratelimits import over_limit, too_many_requests
from portal.services import PendingSignup, resident_signup_confirm, resident_signup_resend, resident_signup_start
from registry.crypto import mask_phone
from registry.refusals import Refused

PENDING_SESSION_KEY = "resident_signup"


def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and over_limit(request, "resident_signup", phone=request.POST.get("phone", "")):
        return too_many_requests(request)
    form = ResidentSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = resident_signup_start(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password"],
                residence_county=data["residence_county"],
            )
        except Refused as exc:
            form.add_error(exc.field, str(exc))
        else:
            request.session[PENDING_SESSION_KEY] = pending.to_session()
            return redirect("accounts:resident-confirm")
    return render(request, "accounts/resident_signup.html", {"form": form})


def _pending(request: HttpRequest) -> PendingSignup | None:
    data = request.session.get(PENDING_SESSION_KEY)
    return PendingSignup.from_session(data) if data else None


def confirm(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("accounts:resident-signup")
    if request.method == "POST" and over_limit(request, "resident_code", phone=pending.phone):
        return too_many_requests(request)
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = resident_signup_confirm(pending=pending, code=form.cleaned_data["code"])
        except Refused as exc:
            form.add_error("code", str(exc))
        else:
            del request.session[PENDING_SESSION_KEY]
            login(request, user, backend=SIGN_IN_BACKEND)
            if hasattr(user, "resident"):
                messages.success(request, _("Your phone is confirmed and your account is ready."))
                return redirect("residents:index")
            return redirect("accounts:resident-pending")
    return render(request, "accounts/resident_confirm.html", {"form": form, "phone": mask_phone(pending.phone)})


@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("accounts:resident-signup")
    if over_limit(request, "resident_code", phone=pending.phone):
        return too_many_requests(request)
    try:
        resident_signup_resend(pending=pending)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("A new code is on its way."))
    return redirect("accounts:resident-confirm")


def pending(request: HttpRequest) -> HttpResponse:
    """What an account bound to no record sees: the same words whatever the reason, and what to bring."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    claim = getattr(request.user, "identity_claim", None)
    if hasattr(request.user, "resident"):
        return redirect("residents:index")
    return render(request, "accounts/resident_pending.html", {"claim": claim})
