"""Enterprise sign-up and email confirmation (under /accounts/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms.apply import EnterpriseSignupForm
from portal.ratelimits import over_limit, too_many_requests
from portal.services_accounts import (
    confirmation_email_send,
    confirmation_user,
    email_confirmed,
    enterprise_account_register,
    membership_email_confirm,
    signup_with_used_email_notify,
)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def signup(request: HttpRequest) -> HttpResponse:
    """Create an enterprise applicant's account, bound to the registry's enterprise (matched or registered)."""
    if request.method == "POST" and over_limit(request, "enterprise_signup", email=request.POST.get("email", "")):
        return too_many_requests(request)
    form = EnterpriseSignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.email_in_use():
            # The same answer as for a new address: only the address's owner learns of the attempt.
            signup_with_used_email_notify(email=data["email"], site_url=_site_url(request))
            return redirect("accounts:signup-sent")
        try:
            enterprise_account_register(
                credit_code=data["credit_code"],
                enterprise_name=data["enterprise_name"],
                contact_name=data["contact_name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"],
                county=data.get("county"),
                size_class=data.get("size_class") or "",
                site_url=_site_url(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Not signed in yet: the next page must look the same whether or not the address was new.
            return redirect("accounts:signup-sent")
    return render(request, "accounts/enterprise_signup.html", {"form": form})


def signup_sent(request: HttpRequest) -> HttpResponse:
    """After sign-up, for every address alike: open the email we sent, then sign in."""
    return render(request, "accounts/signup_sent.html")


@login_required
def check_email(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("enterprise")
    return render(
        request,
        "accounts/check_email.html",
        {
            "memberships": memberships,
            "matched": request.session.get("signup_matched"),
            "confirmed": email_confirmed(user=request.user),
        },
    )


@require_POST
@login_required
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    if over_limit(request, "email_resend", email=request.user.email):
        return too_many_requests(request)
    if request.user.memberships.exists() and not email_confirmed(user=request.user):
        confirmation_email_send(user=request.user, site_url=_site_url(request))
        messages.info(request, _("We sent the link again to %(email)s.") % {"email": request.user.email})
    return redirect("accounts:check-email")


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email opens a page with a button: the confirmation itself is a POST (mail scanners GET)."""
    user = confirmation_user(token=token)
    if user is None:
        return render(request, "accounts/confirm_email.html", {"invalid": True}, status=400)
    if request.method == "POST":
        membership_email_confirm(user=user)
        messages.success(request, _("Your email address is confirmed. You can now submit applications."))
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("apply:index")
        return redirect("accounts:login")
    return render(request, "accounts/confirm_email.html", {"confirm_user": user, "invalid": False})
