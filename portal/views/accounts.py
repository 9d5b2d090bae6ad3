"""Sign in, sign out, and the two-factor step that back-office staff must pass."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from portal.forms import TokenForm
from portal.services import confirmed_totp_device, totp_device_confirm, totp_device_pending


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse(default)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying what to type: most residents know their phone, not a "user name"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Mobile phone, ID number or user name")
        field.help_text = _(
            "Residents: the mobile number you signed up with, or your ID number. Enterprises and staff: your user name."
        )
        field.max_length = 40
        field.widget.attrs.update({"maxlength": 40, "autocomplete": "username", "inputmode": "text"})
        for name, each in self.fields.items():  # full-size inputs on a phone; hints and errors announced
            each.widget.attrs.setdefault("class", "form-control")
            if each.help_text:
                each.widget.attrs["aria-describedby"] = f"id_{name}_hint"

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors:
            self.fields["username"].widget.attrs["aria-invalid"] = "true"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_default_redirect_url(self) -> str:
        # Caseworkers, officers and auditors land on the workbench (after the two-factor step).
        if self.request.user.is_back_office:
            return reverse("workbench:index")
        # Enterprise applicants land on "my applications" (their offers and cases).
        if self.request.user.has_perm("portal.apply_as_enterprise"):
            return reverse("apply:index")
        # Residents land on "my services" (registration, recognition, claims, notices).
        if self.request.user.has_perm("portal.apply_as_resident") and hasattr(self.request.user, "resident"):
            return reverse("residents:index")
        return super().get_default_redirect_url()

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        if self.request.user.is_back_office:
            return redirect(f"{reverse('accounts:two-factor')}?{urlencode({'next': self.get_success_url()})}")
        return response


logout = auth_views.LogoutView.as_view()


def _verified(request: HttpRequest, device: Any) -> None:
    """The TOTP step passed: a new session key (a key seen before the step, e.g. fixed by an attacker, is worth
    nothing after it), then mark the session verified."""
    request.session.cycle_key()
    otp_login(request, device)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code; a staff member with no confirmed device enrols one first."""
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request))
    device = confirmed_totp_device(user=user)
    if device is None:
        return enrol_two_factor(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            _verified(request, device)
            return redirect(_safe_next(request))
        form.add_error("otp_token", _("That code is wrong or has expired. Enter the code now shown in your app."))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request)})


def enrol_two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["otp_token"]):
            device.refresh_from_db()
            _verified(request, device)
            messages.success(request, _("Two-factor sign-in is set up. You will need your app each time you sign in."))
            return redirect(_safe_next(request))
        form.add_error("otp_token", _("That code is wrong or has expired. Enter the code now shown in your app."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code for your authenticator app"))
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": _safe_next(request)},
    )
