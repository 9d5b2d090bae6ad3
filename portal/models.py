"""Accounts, roles and the public contact data of the portal."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.roles import STAFF_ROLES, Role
from registry.crypto import EncryptedTextField
from registry.models import InsuranceYear, Source
from registry.permissions import DECLARED as DECLARED_PERMISSIONS


class User(AbstractUser):
    """Everyone who signs in: enterprise and resident applicants, caseworkers, officers, auditors.

    The role is a group (see portal.roles); a county caseworker is bound to one county.
    """

    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    county = models.ForeignKey(
        "registry.County",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("The county whose queue a county caseworker works."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = DECLARED_PERMISSIONS

    @property
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def is_back_office(self) -> bool:
        """Caseworkers, officers and auditors: people who must pass two-factor sign-in."""
        return self.is_superuser or bool(self.role_names & {r.value for r in STAFF_ROLES})


class ServiceOffice(models.Model):
    """A public employment service office, shown in every page footer (clause （十四）). Edited in the admin."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150)
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("service phone"), max_length=30)
    complaints_phone = models.CharField(_("complaints phone"), max_length=30)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_sample = models.BooleanField(
        _("sample data"), default=True, help_text=_("Set by the seed; clear it once the real details are entered.")
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("service office")
        verbose_name_plural = _("service offices")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["EnterpriseMembership"]):
    def in_force(self) -> models.QuerySet[EnterpriseMembership]:
        """Memberships that let an account act for the enterprise: approved, except an account's approval of its
        own sign-up for an enterprise that was not in the registry once an import has matched that enterprise
        (credit-code squatting): that waits for the county's approval, as ADR 0004 asks for imported enterprises."""
        imported = InsuranceYear.objects.filter(enterprise=OuterRef("enterprise"), source=Source.IMPORT)
        return self.filter(approved_at__isnull=False).exclude(
            Q(registered_enterprise=True, approved_by__isnull=True) & Exists(imported)
        )


class EnterpriseMembership(models.Model):
    """A user who may act for an enterprise (several staff of one enterprise may share access)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    # Credit codes are public, so knowing one must not open an enterprise's file: a sign-up for an enterprise
    # already in the registry waits (approved_at empty) until a colleague already acting for it, or a caseworker
    # of its county, approves it (portal.services_accounts.enterprise_account_register / membership_approve).
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, default=timezone.now)
    approved_by = models.ForeignKey(
        User,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships_approved",
    )
    # The account registered the enterprise itself (its credit code was not in the registry yet).
    registered_enterprise = models.BooleanField(_("registered the enterprise at sign-up"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise membership")
        verbose_name_plural = _("enterprise memberships")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise_id}"

    @property
    def awaits_county_check(self) -> bool:
        """Approved at sign-up for an enterprise that an import has since matched: the county must approve it."""
        return self.approved_at is not None and not EnterpriseMembership.objects.in_force().filter(pk=self.pk).exists()


class ResidentAccount(models.Model):
    """A resident's account, bound to their real-name record (one account per person, through the blind index)."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="resident")
    person = models.OneToOneField(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="account"
    )
    phone_confirmed_at = models.DateTimeField(_("phone confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")

    def __str__(self) -> str:
        return f"{self.user} -> {self.person_id}"


class PhoneCode(models.Model):
    """A six-digit code sent to a phone. Stored hashed; expires; a few attempts only; resends throttled."""

    phone = models.CharField(_("mobile phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=30)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        indexes = [
            # The latest code of a phone for a purpose, and the resend throttle: WHERE phone=.. AND purpose=..
            # ORDER BY created_at DESC.
            models.Index(fields=["phone", "purpose", "created_at"], name="phone_code_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class IdentityClaim(models.Model):
    """An account that could not prove online that an ID number is its holder's (another phone or name on record,
    or a record already bound): it sees nothing of any record until the county office has seen the ID card."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed at the office")
        REFUSED = "refused", _("refused")

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="identity_claim")
    name = models.CharField(_("name"), max_length=60)
    id_number = EncryptedTextField(_("ID number"))
    # Not unique: several accounts may claim one ID number; the office decides which (if any) is the person's.
    id_number_index = models.CharField(_("ID number index"), max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    residence_county = models.ForeignKey(
        "registry.County", verbose_name=_("county where the person lives"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("identity claim")
        verbose_name_plural = _("identity claims")

    def __str__(self) -> str:
        return f"{self.user} ? {self.id_number_masked}"
