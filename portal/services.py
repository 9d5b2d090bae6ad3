"""Account services: two-factor enrolment, resident sign-up with a phone code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import PhoneCode, ResidentAccount, User
from portal.roles import Role
from portal.sms import send_sms
from registry.audit import audit_record
from registry.crypto import id_number_index
from registry.identifiers import parse_id_number
from registry.models import County
from registry.refusals import Refused
from registry.services import person_find_by_id_number, person_register


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


def resident_signup(*, name: str, id_number: str, phone: str, password: str, residence_county: County) -> User:
    """Create an inactive resident account bound to the person's real-name record, and text a code to the phone.

    One account per person (the blind index finds the record; a record that already has an account is refused).
    A person already in the registry must give the name on record: the ID number alone does not claim a record.
    """

    parsed = parse_id_number(id_number)
    with transaction.atomic():
        # A sign-up abandoned before its code was entered does not block a new one.
        User.objects.filter(is_active=False, resident__phone_confirmed_at__isnull=True).filter(
            Q(username=phone) | Q(resident__person__id_number_index=id_number_index(parsed.number))
        ).delete()
        person = person_find_by_id_number(parsed.number)
        if person is not None:
            if hasattr(person, "account"):
                raise Refused(
                    _("An account already exists for this ID number. Sign in, or ask your service office for help."),
                    field="id_number",
                )
            if person.name != name.strip():
                raise Refused(_("The name does not match the name on record for this ID number."), field="name")
        else:
            person = person_register(
                id_number=parsed.number, name=name, residence_county=residence_county, phone=phone, actor=None
            )
        if User.objects.filter(username=phone).exists():
            raise Refused(_("This phone number already has an account. Sign in instead."), field="phone")
        user = User.objects.create_user(username=phone, password=password, phone=phone, is_active=False)
        user.first_name = person.name
        user.save(update_fields=["first_name"])
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
        ResidentAccount.objects.create(user=user, person=person)
        audit_record(actor=None, action="resident_signup", target=person, after={"account": user.pk})
        phone_code_send(phone=phone, purpose="signup")
    return user


def resident_confirm_phone(*, user: User, code: str) -> User:
    """The code from the text message activates the account."""
    phone_code_verify(phone=user.phone, purpose="signup", code=code)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        ResidentAccount.objects.filter(user=user).update(phone_confirmed_at=timezone.now())
        audit_record(actor=user, action="resident_confirm_phone", target=user.resident.person)
    return user
