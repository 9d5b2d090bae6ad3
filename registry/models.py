"""Who people and enterprises are. The ground floor: imports nothing from subsidies or portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    """A county or county-level city of 塔城地区 (GB/T 2260). Each has its own caseworkers and queue.

    沙湾县 654223 became 沙湾市 654203 in 2021; both stay, because ID numbers and old records keep the old code.
    """

    code = models.CharField(_("area code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name in English"), max_length=80)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Minimum-wage tier (1-4) used by the internship and other rules; a sample the bureau edits.
    wage_tier = models.PositiveSmallIntegerField(_("minimum-wage tier"), default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^6542[0-9]{2}$"), name="county_code_in_tacheng"),
            models.CheckConstraint(condition=models.Q(wage_tier__gte=1, wage_tier__lte=4), name="county_wage_tier_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name


class AuditEvent(models.Model):
    """One change to the record, written by the service that made it, in the same transaction.

    Services call registry.audit.audit_record(); bulk imports write one row per changed record, which
    signal-based audit libraries miss. Rows are never updated or deleted.
    """

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("record type"), max_length=80)
    target_id = models.CharField(_("record id"), max_length=64)
    # Masked values only: never a full ID number or bank account.
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # A record's audit trail on its file page: WHERE target_type=.. AND target_id=.. ORDER BY occurred_at.
            models.Index(fields=["target_type", "target_id", "occurred_at"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"
