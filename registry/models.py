"""Who people and enterprises are. The ground floor: imports nothing from subsidies or portal."""

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
