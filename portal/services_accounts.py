"""Enterprise accounts: sign-up bound to the registry's enterprise, and email confirmation.

An account acts for an enterprise through portal.models.EnterpriseMembership. The enterprise is matched by its
unified social credit code when it is already in the registry (imported from the social-insurance system, or
registered by a colleague), and registered through registry.services.enterprise_register when it is new.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from portal.models import EnterpriseMembership, User
from portal.roles import Role
from registry.access import may_decide
from registry.audit import audit_record
from registry.crypto import mask_phone
from registry.identifiers import parse_credit_code
from registry.models import County, Enterprise
from registry.refusals import Refused
from registry.services import enterprise_register

CONFIRM_SALT = "portal.enterprise-email-confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 3  # three days


def enterprise_find(*, credit_code: str) -> Enterprise | None:
    """The registry's enterprise with this credit code, if any (the code is validated first)."""
    return Enterprise.objects.filter(credit_code=parse_credit_code(credit_code)).select_related("county").first()


def enterprise_account_register(
    *,
    credit_code: str,
    enterprise_name: str,
    contact_name: str,
    phone: str,
    email: str,
    password: str,
    site_url: str,
    county: County | None = None,
    size_class: str = "",
) -> tuple[User, EnterpriseMembership, bool]:
    """Create an enterprise applicant's account and bind it to the registry's enterprise.

    Returns (user, membership, matched): matched is True when the enterprise was already in the registry. The
    account signs in with its email address; it may not submit until the email is confirmed. The confirmation
    email (a link under `site_url`, e.g. "https://jobs.example") goes out once the transaction has committed.
    """
    code = parse_credit_code(credit_code)
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("An account with this email address already exists. Sign in instead.")})
        user = User(username=email, email=email, first_name=contact_name.strip(), phone=phone.strip())
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"email": _("An account with this email address already exists. Sign in instead.")}
            ) from None
        user.groups.add(Group.objects.get(name=Role.ENTERPRISE_APPLICANT.value))
        enterprise = Enterprise.objects.select_for_update().filter(credit_code=code).first()
        matched = enterprise is not None
        if enterprise is None:
            errors = {}
            if county is None:
                errors["county"] = _("Choose the county where your enterprise is registered.")
            if not size_class:
                errors["size_class"] = _("Choose the size of your enterprise.")
            if errors:
                raise ValidationError(errors)
            enterprise = enterprise_register(
                credit_code=code, name=enterprise_name, county=county, size_class=size_class, actor=user
            )
        # A new enterprise is the applicant's own; one already in the registry waits for approval.
        membership = EnterpriseMembership.objects.create(
            user=user,
            enterprise=enterprise,
            approved_at=None if matched else timezone.now(),
            registered_enterprise=not matched,
        )
        audit_record(
            actor=user,
            action="enterprise_account_register",
            target=membership,
            after={
                "enterprise": enterprise.pk,
                "matched": matched,
                "user": user.pk,
                "phone": mask_phone(user.phone) if user.phone else "",
            },
        )
        transaction.on_commit(lambda: confirmation_email_send(user=user, site_url=site_url))
    return user, membership, matched


def _email_digest(user: User) -> str:
    # Binds the link to the address it was sent to, without putting the address in the URL.
    return salted_hmac(CONFIRM_SALT, user.email.lower()).hexdigest()[:16]


def confirmation_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": _email_digest(user)}, salt=CONFIRM_SALT, compress=True)


def confirmation_user(*, token: str) -> User | None:
    """The user a confirmation link was made for, or None if it is wrong, expired or for an old address."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u")).first() if isinstance(data, dict) else None
    if user is None or data.get("e") != _email_digest(user):
        return None
    return user


def confirmation_email_send(*, user: User, site_url: str) -> None:
    """Send the link that confirms the email address (Django's email backend; console in development)."""
    path = reverse("accounts:confirm-email", args=[confirmation_token(user=user)])
    context = {"user": user, "url": site_url.rstrip("/") + path}
    send_mail(
        subject=str(_("Confirm your email address for Tacheng Employment Services")),
        message=render_to_string("accounts/confirm_email_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def signup_with_used_email_notify(*, email: str, site_url: str) -> None:
    """Someone signed up with an address that already has an account: tell the address's owner (who may have
    forgotten), and nobody else. The sign-up page answers exactly as for a new address."""
    context = {
        "login_url": site_url.rstrip("/") + reverse("accounts:login"),
        "reset_url": site_url.rstrip("/") + reverse("accounts:password-reset-email"),
    }
    send_mail(
        subject=str(_("Someone tried to create an account with your address")),
        message=render_to_string("accounts/email/signup_address_in_use.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def membership_email_confirm(*, user: User) -> int:
    """Mark the user's email as confirmed on every membership that is not yet; returns how many changed."""
    with transaction.atomic():
        pending = list(EnterpriseMembership.objects.select_for_update().filter(user=user, email_confirmed_at=None))
        now = timezone.now()
        for membership in pending:
            membership.email_confirmed_at = now
            membership.save(update_fields=["email_confirmed_at"])
            audit_record(actor=user, action="enterprise_email_confirm", target=membership, after={"confirmed": True})
    user.__dict__.pop("_email_confirmed", None)  # read with the user (portal.auth): confirmed from now on
    return len(pending)


def email_confirmed(*, user: Any) -> bool:
    """May this account submit? Only once its email address is confirmed. (Read with the signed-in user by
    portal.auth when it is the request's.)"""
    known = getattr(user, "_email_confirmed", None)
    if known is not None:
        return bool(known)
    return EnterpriseMembership.objects.filter(user=user, email_confirmed_at__isnull=False).exists()


def membership_may_decide(*, membership: EnterpriseMembership, actor: Any) -> bool:
    """A colleague already acting for the enterprise, or a caseworker/officer who decides cases in its county. The
    re-check of a sign-up an import has matched is the county's alone."""
    if not membership.awaits_county_check and (
        EnterpriseMembership.objects.in_force()
        .filter(user=actor, enterprise_id=membership.enterprise_id)
        .exclude(user_id=membership.user_id)
        .exists()
    ):
        return True
    return may_decide(actor, membership.enterprise.county_id)


def membership_approve(*, membership: EnterpriseMembership, actor: Any) -> EnterpriseMembership:
    """Let a pending account act for the enterprise (sees its cases and offers, may apply)."""
    with transaction.atomic():
        membership = EnterpriseMembership.objects.select_for_update().select_related("enterprise").get(pk=membership.pk)
        if not membership_may_decide(membership=membership, actor=actor):
            raise Refused(
                _("Only a colleague already acting for this enterprise, or its county's office, can approve.")
            )
        if membership.approved_at is None or membership.awaits_county_check:
            membership.approved_at = timezone.now()
            membership.approved_by = actor
            membership.save(update_fields=["approved_at", "approved_by"])
            audit_record(
                actor=actor, action="enterprise_membership_approve", target=membership, after={"approved": True}
            )
    return membership


def membership_refuse(*, membership: EnterpriseMembership, actor: Any) -> None:
    """Turn a pending request down: the account no longer asks to act for the enterprise."""
    with transaction.atomic():
        membership = EnterpriseMembership.objects.select_for_update().select_related("enterprise").get(pk=membership.pk)
        if not membership_may_decide(membership=membership, actor=actor):
            raise Refused(
                _("Only a colleague already acting for this enterprise, or its county's office, can approve.")
            )
        if membership.approved_at is not None and not membership.awaits_county_check:
            raise Refused(_("This person already acts for the enterprise."))
        audit_record(
            actor=actor,
            action="enterprise_membership_refuse",
            target=membership.enterprise,
            before={"user": membership.user_id},
        )
        membership.delete()


def memberships_pending_for(*, user: Any) -> Any:
    """Requests the user may decide: other accounts waiting to act for an enterprise the user acts for."""
    return (
        EnterpriseMembership.objects.filter(
            approved_at__isnull=True,
            enterprise__memberships__user=user,
            enterprise__memberships__approved_at__isnull=False,
        )
        .exclude(user=user)
        .select_related("user", "enterprise")
        .distinct()
    )
