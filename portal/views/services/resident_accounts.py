"""Resident sign-up: real name, ID number, county, phone and password; the phone confirmed by a six-digit code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms.resident_accounts import PhoneCodeForm, ResidentSignupForm
from portal.models import User
from portal.services import phone_code_send, resident_confirm_phone, resident_signup
from registry.crypto import mask_phone
from registry.refusals import Refused

PENDING_SESSION_KEY = "resident_signup_user"


def signup(request: HttpRequest) -> HttpResponse:
    form = ResidentSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = resident_signup(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password"],
                residence_county=data["residence_county"],
            )
        except Refused as exc:
            form.add_error(exc.field, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The pending account travels in the session, never in the URL.
            request.session[PENDING_SESSION_KEY] = user.pk
            return redirect("accounts:resident-confirm")
    return render(request, "accounts/resident_signup.html", {"form": form})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_SESSION_KEY)
    return User.objects.filter(pk=pk, is_active=False, resident__isnull=False).first() if pk else None


def confirm(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:resident-signup")
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident_confirm_phone(user=user, code=form.cleaned_data["code"])
        except Refused as exc:
            form.add_error("code", str(exc))
        else:
            del request.session[PENDING_SESSION_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your phone is confirmed and your account is ready."))
            return redirect("residents:index")

    return render(request, "accounts/resident_confirm.html", {"form": form, "phone": mask_phone(user.phone)})


@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:resident-signup")
    try:
        phone_code_send(phone=user.phone, purpose="signup")
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("A new code is on its way."))
    return redirect("accounts:resident-confirm")
