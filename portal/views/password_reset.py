"""Forgotten passwords: residents get a code by SMS on the phone of their account; enterprise clerks get a link by
email (Django's reset views, with the portal's pages). Neither page says whether an account exists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.auth import normalise_phone
from portal.forms import StyledForm, refusal_on_form
from portal.ratelimits import over_limit, too_many_requests
from portal.services import password_reset_by_code, password_reset_code_send
from registry.refusals import Refused

SESSION_PHONE = "password_reset_phone"


class PhoneForm(StyledForm):
    phone = forms.CharField(
        label=_("Mobile phone of your account"),
        max_length=20,
        help_text=_("We text a code to this phone if it belongs to a resident account."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(_("Enter an 11-digit mobile number, e.g. 139 9901 2345."))
        return phone


class NewPasswordForm(StyledForm):
    code = forms.CharField(
        label=_("The code we texted you"),
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


@require_http_methods(["GET", "POST"])
def reset_by_phone(request: HttpRequest) -> HttpResponse:
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if over_limit(request, "resident_code", phone=phone):
            return too_many_requests(request)
        try:
            password_reset_code_send(phone=phone)
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            request.session[SESSION_PHONE] = phone  # never in the URL
            return redirect("accounts:password-reset-code")
    return render(request, "accounts/password_reset_phone.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def reset_code(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("accounts:password-reset")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "resident_code", phone=phone):
            return too_many_requests(request)
        try:
            password_reset_by_code(phone=phone, code=form.cleaned_data["code"], password=form.cleaned_data["password"])
        except Refused as refused:
            refusal_on_form(form, refused)
        else:
            del request.session[SESSION_PHONE]
            return render(request, "accounts/password_reset_complete.html")
    context: dict[str, Any] = {"form": form}
    return render(request, "accounts/password_reset_code.html", context, status=400 if form.errors else 200)


class RateLimitedEmailReset(auth_views.PasswordResetView):
    """Django's reset by email, for enterprise clerks; counted per address and per email like the other emails."""

    template_name = "accounts/password_reset_email.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-email-sent")
    form_class = PasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if over_limit(request, "email_resend", email=request.POST.get("email", "")):
            return too_many_requests(request)
        return super().post(request, *args, **kwargs)


email_reset = RateLimitedEmailReset.as_view()
email_sent = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_email_sent.html")
email_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_new.html", success_url=reverse_lazy("accounts:password-reset-complete")
)
complete = auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
