"""What the policy says: dated parameters (and, later, what was decided)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Parameter(models.Model):
    """One dated value of a policy parameter (OpenFisca-style: value, period, legal reference).

    Never edited in place: a change is a new row whose valid_from closes the row in force before it
    (subsidies.services.parameter_add, under a row lock). History stays, so a result dated earlier never
    changes when a value dated later is added. The value is JSON typed by the key's definition in
    subsidies.parameters.DEFINITIONS (decimals as strings, so they stay exact).
    """

    key = models.CharField(_("key"), max_length=80)
    value = models.JSONField(_("value"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: in force until changed."))
    source = models.CharField(_("source"), max_length=200, help_text=_("The clause or national document."))
    note = models.TextField(_("note"), blank=True)
    is_sample = models.BooleanField(
        _("sample value"), default=False, help_text=_("A sample the prefecture HR bureau is expected to replace.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["key", "valid_from"]
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="parameter_one_value_per_key_and_start"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="parameter_valid_to_not_before_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.valid_from} .. {self.valid_to or ''})"

    def in_force_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class RefundOffer(models.Model):
    """免申即享: the standard-track stable-job refund (clause (一)) offered to an enterprise before it applies.

    Computed by `refund_offers_compute` from the registry's insurance year `year - 1`; one per enterprise and year.
    A rerun changes only offers whose result changed. The enterprise sees its offer when it signs in.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="refund_offers"
    )
    year = models.PositiveSmallIntegerField(_("year of the offer"), help_text=_("Based on the insurance year before."))
    as_of = models.DateField(_("parameters in force on"))
    eligible = models.BooleanField(_("eligible"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    layoff_rate = models.DecimalField(_("layoff rate"), max_digits=7, decimal_places=4)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    parameters = models.JSONField(_("parameters used"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("refund offer")
        verbose_name_plural = _("refund offers")
        ordering = ["-year", "enterprise_id"]
        constraints = [
            # Also the index of "this enterprise's offer for year Y" (sign-in) and the batch's lookup by year.
            models.UniqueConstraint(fields=["enterprise", "year"], name="refund_offer_once_per_enterprise_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="refund_offer_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(eligible=True) | models.Q(amount=0), name="refund_offer_ineligible_is_zero"
            ),
        ]
        indexes = [
            # The batch reads all offers of a year: WHERE year = Y.
            models.Index(fields=["year"], name="refund_offer_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}: {self.amount}"
