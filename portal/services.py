"""Account services: two-factor enrolment, resident sign-up with a phone code and identity proofing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.identity import Verdict, identity_verify
from portal.models import IdentityClaim, PhoneCode, ResidentAccount, User
from portal.roles import Role
from portal.sms import send_sms
from registry.access import county_scope, may_decide
from registry.audit import audit_record
from registry.crypto import decrypt_text, encrypt_text, id_number_index, mask_id_number, mask_phone
from registry.identifiers import parse_id_number
from registry.models import County, Person
from registry.refusals import Refused
from registry.services import person_name_matches, person_register


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device for enrolment, created once and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a device once the user has typed a code it generated. Returns whether the code was right."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


# --- Resident accounts (issue 6): real name + ID number + phone confirmed by a six-digit code -------------------

PHONE_CODE_TTL = timedelta(minutes=10)
PHONE_CODE_MAX_ATTEMPTS = 5
PHONE_CODE_RESEND_AFTER = timedelta(seconds=60)
PHONE_CODE_MAX_PER_HOUR = 5


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_code_send(*, phone: str, purpose: str) -> PhoneCode:
    """Send a fresh six-digit code. Throttled: one per minute and five per hour per phone and purpose."""
    now = timezone.now()
    recent = PhoneCode.objects.filter(phone=phone, purpose=purpose, created_at__gte=now - timedelta(hours=1))
    latest = recent.order_by("-created_at").first()
    if latest is not None and now - latest.created_at < PHONE_CODE_RESEND_AFTER:
        wait = int((PHONE_CODE_RESEND_AFTER - (now - latest.created_at)).total_seconds()) + 1
        raise Refused(_("A code was sent a moment ago. You can ask for a new one in %(s)s seconds.") % {"s": wait})
    if recent.count() >= PHONE_CODE_MAX_PER_HOUR:
        raise Refused(_("Too many codes were sent to this phone. Try again in an hour."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = PhoneCode.objects.create(
        phone=phone, purpose=purpose, code_hash=_code_hash(phone, code), expires_at=now + PHONE_CODE_TTL
    )

    transaction.on_commit(
        lambda: send_sms(
            phone, _("Your Tacheng employment services code is %(code)s. It expires in 10 minutes.") % {"code": code}
        )
    )
    return record


def phone_code_verify(*, phone: str, purpose: str, code: str) -> None:
    """Check the latest code of the phone; raises Refused (field "code") when wrong, expired or used up."""
    refusal = None
    with transaction.atomic():
        record = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.expires_at < timezone.now():
            refusal = _("This code has expired. Ask for a new one.")
        elif record.attempts >= PHONE_CODE_MAX_ATTEMPTS:
            refusal = _("Too many wrong codes. Ask for a new one.")
        elif not hmac.compare_digest(record.code_hash, _code_hash(phone, code.strip())):
            # Counted (and committed) before refusing: the limit must hold across requests.
            record.attempts += 1
            record.save(update_fields=["attempts"])
            refusal = _("That code is not right. %(left)s attempts left.") % {
                "left": PHONE_CODE_MAX_ATTEMPTS - record.attempts
            }
        else:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
    if refusal is not None:
        raise Refused(refusal, field="code")


@dataclass(frozen=True)
class PendingSignup:
    """A sign-up waiting for its phone code. Kept in the session only (the ID number encrypted); nothing is in the
    registry or among the accounts until the code is confirmed, so an abandoned sign-up blocks nobody."""

    name: str
    id_number: str
    phone: str
    password_hash: str
    residence_county_id: int

    def to_session(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": encrypt_text(self.id_number),
            "phone": self.phone,
            "password": self.password_hash,
            "county": self.residence_county_id,
        }

    @classmethod
    def from_session(cls, data: Any) -> PendingSignup | None:
        try:
            return cls(
                name=data["name"],
                id_number=decrypt_text(data["id"]),
                phone=data["phone"],
                password_hash=data["password"],
                residence_county_id=int(data["county"]),
            )
        except (KeyError, TypeError, ValueError, InvalidToken):
            return None


def resident_signup_start(
    *, name: str, id_number: str, phone: str, password: str, residence_county: County
) -> PendingSignup:
    """Text a code to the phone typed and return the pending sign-up. Writes nothing but the code.

    The answer is the same whether or not the ID number, the name or the phone is known: what exists is decided
    (and told) only after the code has proved who holds the phone.
    """
    parsed = parse_id_number(id_number)
    name = " ".join(name.split())
    if not name:
        raise Refused(_("Enter the name as on the ID card."), field="name")
    with transaction.atomic():
        phone_code_send(phone=phone, purpose="signup")
    return PendingSignup(
        name=name,
        id_number=parsed.number,
        phone=phone,
        password_hash=make_password(password),
        residence_county_id=residence_county.pk,
    )


def resident_signup_resend(*, pending: PendingSignup) -> None:
    with transaction.atomic():
        phone_code_send(phone=pending.phone, purpose="signup")


def _resident_bind(*, user: User, person: Person) -> ResidentAccount:
    user.first_name = person.name
    user.save(update_fields=["first_name"])
    user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
    return ResidentAccount.objects.create(user=user, person=person, phone_confirmed_at=timezone.now())


def resident_signup_confirm(*, pending: PendingSignup, code: str) -> User:
    """Check the code, then create the account, and bind it to the real-name record only when that is proven.

    - A new ID number: the person is registered with the name and phone given (unless the real-name service says
      they do not belong together).
    - A person already in the registry, with no account, whose name matches (dots and spaces normalised): bound
      when the phone on record is the phone that just received the code, or the real-name service confirms.
    - Anything else (another phone, another name, an account already bound): the account is created but bound to
      nothing; an identity claim waits for the county office to see the person's ID card. The account sees nothing
      of any record meanwhile.
    """
    phone_code_verify(phone=pending.phone, purpose="signup", code=code)
    with transaction.atomic():
        if User.objects.filter(username=pending.phone).exists():
            # Only the holder of the phone gets this far, so telling them is no leak.
            raise Refused(_("This phone number already has an account. Sign in instead."), field="code")
        county = County.objects.get(pk=pending.residence_county_id)
        user = User(
            username=pending.phone, phone=pending.phone, first_name=pending.name, password=pending.password_hash
        )
        user.save()
        index = id_number_index(pending.id_number)
        person = Person.objects.select_for_update().filter(id_number_index=index).first()
        bound = None
        if person is None:
            verdict = identity_verify(name=pending.name, id_number=pending.id_number, phone=pending.phone)
            if verdict is not Verdict.MISMATCH:
                person = person_register(
                    id_number=pending.id_number,
                    name=pending.name,
                    residence_county=county,
                    phone=pending.phone,
                    actor=user,
                )
                bound = _resident_bind(user=user, person=person)
        elif not hasattr(person, "account") and person_name_matches(person, pending.name):
            proven = person.phone.strip() == pending.phone or (
                identity_verify(name=person.name, id_number=pending.id_number, phone=pending.phone) is Verdict.MATCH
            )
            if proven:
                bound = _resident_bind(user=user, person=person)
        if bound is not None:
            audit_record(actor=user, action="resident_signup", target=bound.person, after={"account": user.pk})
        else:
            claim = IdentityClaim.objects.create(
                user=user,
                name=pending.name,
                id_number=pending.id_number,
                id_number_index=index,
                id_number_masked=mask_id_number(pending.id_number),
                residence_county=county,
            )
            audit_record(
                actor=user,
                action="identity_claim_open",
                target=claim,
                after={"id_number": claim.id_number_masked, "phone": mask_phone(pending.phone)},
            )
    return user


def identity_claims_for(*, user: Any) -> Any:
    """Open identity claims of the counties the back-office user works."""
    return county_scope(
        user,
        IdentityClaim.objects.filter(resolved_at__isnull=True).select_related("user", "residence_county"),
        "residence_county",
    ).order_by("created_at")


def identity_claim_confirm(*, claim: IdentityClaim, actor: Any, reason: str) -> ResidentAccount:
    """The county office has seen the person's ID card: bind the account to the record (registering the person
    if new). Refused when the record already has an account (that account must be closed at the office first)."""
    with transaction.atomic():
        claim = IdentityClaim.objects.select_for_update().select_related("user").get(pk=claim.pk)
        if claim.resolved_at is not None:
            raise Refused(_("This request has already been decided."))
        if not may_decide(actor, claim.residence_county_id):
            raise Refused(_("Only the office of the county where the person lives can confirm this."))
        person = Person.objects.select_for_update().filter(id_number_index=claim.id_number_index).first()
        if person is None:
            person = person_register(
                id_number=claim.id_number,
                name=claim.name,
                residence_county=claim.residence_county,
                phone=claim.user.phone,
                actor=actor,
            )
        elif hasattr(person, "account"):
            raise Refused(_("This person already has an account. Close it before binding another one."))
        account = _resident_bind(user=claim.user, person=person)
        claim.resolved_at = timezone.now()
        claim.resolved_by = actor
        claim.outcome = IdentityClaim.Outcome.CONFIRMED
        claim.save(update_fields=["resolved_at", "resolved_by", "outcome"])
        audit_record(actor=actor, action="identity_claim_confirm", target=claim, reason=reason)
        audit_record(actor=actor, action="resident_signup", target=person, after={"account": claim.user_id})
    return account


def identity_claim_refuse(*, claim: IdentityClaim, actor: Any, reason: str) -> None:
    """The person could not show that the ID number is theirs: the account stays bound to nothing."""
    with transaction.atomic():
        claim = IdentityClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.resolved_at is not None:
            raise Refused(_("This request has already been decided."))
        if not may_decide(actor, claim.residence_county_id):
            raise Refused(_("Only the office of the county where the person lives can confirm this."))
        claim.resolved_at = timezone.now()
        claim.resolved_by = actor
        claim.outcome = IdentityClaim.Outcome.REFUSED
        claim.save(update_fields=["resolved_at", "resolved_by", "outcome"])
        audit_record(actor=actor, action="identity_claim_refuse", target=claim, reason=reason)


# --- Password reset by a code texted to the account's phone (residents) ---------------------------------------------

PASSWORD_RESET = "password_reset"  # noqa: S105 - the purpose of a phone code, not a password


def _account_of_phone(phone: str) -> User | None:
    """The resident account whose mobile number this is (the sign-up phone is its user name)."""
    return (
        User.objects.filter(resident__isnull=False, is_active=True, username=phone).first()
        or User.objects.filter(resident__isnull=False, is_active=True, phone=phone).first()
    )


def password_reset_code_send(*, phone: str) -> None:
    """Text a reset code to the phone if a resident account has it. The caller answers alike either way, so the
    page never tells a stranger whether a phone has an account; only the owner of the phone receives the code."""
    if _account_of_phone(phone) is None:
        return
    phone_code_send(phone=phone, purpose=PASSWORD_RESET)


def password_reset_by_code(*, phone: str, code: str, password: str) -> User:
    """Set a new password once the code texted to the phone is right (Refused with field "code" otherwise). Every
    session of the account ends: the password's hash is part of each session."""
    user = _account_of_phone(phone)
    if user is None:
        raise Refused(_("This code has expired. Ask for a new one."), field="code")
    phone_code_verify(phone=phone, purpose=PASSWORD_RESET, code=code)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="password_reset", target=user, after={"by": "sms"})
    return user
