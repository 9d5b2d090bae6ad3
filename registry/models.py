"""Who people and enterprises are. The ground floor: imports nothing from subsidies or portal."""

from datetime import date as date_type
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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

    # Not indexed on its own: the trail pages read it through audit_target_idx, the admin's list pages by id
    # (the order rows were written in); an index here cost every audited change one more entry (ADR 0009).
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)
    # Indexed only where there is an actor (audit_actor_idx below): "what did this person do" never asks for the
    # rows the system wrote (imports from the command line, beat, the refund offers), which are most of them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
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
            # A person's actions, and the PROTECT check when a user is deleted: WHERE actor_id = .. (an equality
            # implies NOT NULL, so the partial index serves it).
            models.Index(fields=["actor"], name="audit_actor_idx", condition=models.Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


# --- The real-name registry (实名制, clause （十四）) ---------------------------------------------------------
# Full ID numbers and bank accounts are stored encrypted (registry.crypto.EncryptedTextField); uniqueness and
# exact search go through a keyed blind index; pages show the stored masked form.

from registry.crypto import EncryptedTextField  # noqa: E402


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Education(models.TextChoices):
    NONE = "", _("not recorded")
    PRIMARY = "primary", _("primary school or less")
    JUNIOR = "junior", _("junior secondary")
    SENIOR = "senior", _("senior secondary")
    VOCATIONAL = "vocational", _("secondary vocational or technician college")
    COLLEGE = "college", _("junior college (大专)")
    BACHELOR = "bachelor", _("bachelor")
    POSTGRADUATE = "postgraduate", _("postgraduate")


class Person(models.Model):
    """A resident known to the public employment service, identified by the resident ID number."""

    name = models.CharField(
        pgettext_lazy("person", "name"),
        max_length=60,
        help_text=_("As on the ID card; minority names keep the middle dot (·)."),
    )
    id_number = EncryptedTextField(_("ID number"))
    # HMAC of the normalised number (registry.crypto.id_number_index): uniqueness and exact search.
    id_number_index = models.CharField(_("ID number index"), max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    hukou_area_code = models.CharField(
        _("household registration (area code)"),
        max_length=6,
        blank=True,
        help_text=_("May be anywhere in China: people register where they live (clause （九）)."),
    )
    residence_county = models.ForeignKey(
        County, verbose_name=_("county of habitual residence"), on_delete=models.PROTECT, related_name="residents"
    )
    address = models.CharField(_("address of habitual residence"), max_length=200, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True, default="")
    graduation_date = models.DateField(_("graduation date"), null=True, blank=True)
    is_disabled = models.BooleanField(_("disabled person"), default=False)
    low_income_family = models.BooleanField(_("member of a minimum-living-allowance (低保) family"), default=False)
    zero_employment_family = models.BooleanField(_("zero-employment family"), default=False)
    de_capacity_worker = models.BooleanField(_("worker from a de-capacity enterprise"), default=False)
    land_expropriated_farmer = models.BooleanField(_("farmer whose land was expropriated"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [
            # Search by name within a county: WHERE residence_county_id=.. AND name LIKE '..%'.
            models.Index(fields=["residence_county", "name"], name="person_county_name_idx"),
            # Search by phone: WHERE phone = ..
            models.Index(fields=["phone"], name="person_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=["M", "F"]), name="person_sex_m_f"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"


class SizeClass(models.TextChoices):
    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")
    MICRO = "micro", _("micro")


class Enterprise(models.Model):
    """An employer, identified by its unified social credit code."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="enterprises")
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    on_quality_list = models.BooleanField(
        _("on the quality-enterprise list"), default=False, help_text=_("名优企业名录, clause （二）.")
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    bank_account = EncryptedTextField(_("bank account"), blank=True, default="")
    bank_account_masked = models.CharField(_("bank account"), max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [
            # Search by name within a county: WHERE county_id=.. AND name LIKE '%..%' ORDER BY name.
            models.Index(fields=["county", "name"], name="enterprise_county_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_code__regex=r"^[0-9A-Z]{18}$"), name="enterprise_code_18"),
            models.CheckConstraint(
                condition=models.Q(size_class__in=["large", "medium", "small", "micro"]), name="enterprise_size_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class Source(models.TextChoices):
    IMPORT = "import", _("import from the social-insurance system")
    MANUAL = "manual", _("entered by a caseworker")
    DEMO = "demo", _("demo data")


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("enterprises")
    INSURANCE = "insurance", _("social insurance by enterprise and year")
    PERSONS = "persons", _("people")


class ImportJob(models.Model):
    """One import of a file (command line or web). The web upload is kept encrypted until the task has read it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("import failed")

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(_("file name"), max_length=200)
    # The uploaded bytes, Fernet-encrypted (the file may hold ID numbers); emptied once imported.
    upload = models.BinaryField(_("upload"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Row-level report as CSV (row, column, masked value, message): masked values only.
    report = models.TextField(_("report"), blank=True)
    # The outbox (registry.imports): how many runs started, when the sweeper may send a waiting job again, and the
    # last sign of life of the run in progress (a run whose heartbeat is older than IMPORT_STALE_SECONDS is dead).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper's query: jobs waiting or running, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="importjob_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.FAILED}:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"

    @property
    def is_stale(self) -> bool:
        """Running, but no sign of life for IMPORT_STALE_SECONDS: its process died (killed worker or command)."""
        if self.status != self.Status.RUNNING:
            return False
        limit = timedelta(seconds=settings.IMPORT_STALE_SECONDS)
        return (self.heartbeat_at or self.created_at) < timezone.now() - limit

    @property
    def may_retry(self) -> bool:
        """An officer may send it again: it failed for another reason than its content, or its run died."""
        return self.upload is not None and (self.status == self.Status.FAILED or self.is_stale)


class InsuranceYear(models.Model):
    """What the social-insurance system says about one enterprise in one year (the basis of clause （一）)."""

    # No index of its own: the unique (enterprise, year) below starts with it and serves every "this enterprise's
    # years" lookup and the cascade; a second index only made each imported row cost one more index entry.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="insurance_years",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    insured_at_start = models.PositiveIntegerField(_("insured employees at the start of the year"))
    insured_at_end = models.PositiveIntegerField(_("insured employees at the end of the year"))
    retired_or_deceased = models.PositiveIntegerField(_("retired or deceased during the year"), default=0)
    ui_premiums_paid = models.DecimalField(
        _("unemployment-insurance premiums actually paid (yuan)"), max_digits=14, decimal_places=2
    )
    ui_months_paid_in_full = models.PositiveSmallIntegerField(_("months of UI premiums paid in full"))
    monthly_social_insurance_due = models.DecimalField(
        _("monthly social-insurance contributions owed (yuan)"), max_digits=14, decimal_places=2
    )
    in_arrears = models.BooleanField(_("in arrears"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.IMPORT)
    # Not indexed: no page or query looks insurance years up by their import (the audit rows name the import), and
    # import jobs are never deleted (read-only in the admin), so the SET NULL never has to find them.
    import_job = models.ForeignKey(
        ImportJob, verbose_name=_("import batch"), on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("insurance year")
        verbose_name_plural = _("insurance years")
        ordering = ["enterprise", "-year"]
        constraints = [
            # Also the index for "this enterprise's year N" (the refund calculator and the import upsert).
            models.UniqueConstraint(fields=["enterprise", "year"], name="insurance_year_once_per_enterprise"),
            models.CheckConstraint(condition=models.Q(year__gte=1990, year__lte=2100), name="insurance_year_range"),
            models.CheckConstraint(condition=models.Q(ui_premiums_paid__gte=0), name="insurance_premiums_not_negative"),
            models.CheckConstraint(
                condition=models.Q(monthly_social_insurance_due__gte=0), name="insurance_due_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(ui_months_paid_in_full__lte=12), name="insurance_months_at_most_12"
            ),
            # Nobody can retire or die who was not insured at the start of the year.
            models.CheckConstraint(
                condition=models.Q(retired_or_deceased__lte=models.F("insured_at_start")),
                name="insurance_retired_within_insured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.credit_code} {self.year}"


class PersonInsurance(models.Model):
    """A person's insurance history as the social-insurance system reports it (clauses （八）, （十）)."""

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="insurance")
    insured_months = models.PositiveIntegerField(_("months insured (employment)"), default=0)
    ui_contribution_months = models.PositiveIntegerField(_("months of unemployment-insurance contributions"), default=0)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.IMPORT)

    class Meta:
        verbose_name = _("person's insurance facts")
        verbose_name_plural = _("people's insurance facts")

    def __str__(self) -> str:
        return f"{self.person} {self.insured_months}"


class BenefitPeriod(models.Model):
    """A period of unemployment-insurance benefit (失业保险金), by month. Open while end_month is empty.

    Months are stored as the first day of the month. Re-employment ends the period from the next month (clause （十）).
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="benefit_periods"
    )
    start_month = models.DateField(_("first month"))
    end_month = models.DateField(_("last month"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.IMPORT)

    class Meta:
        verbose_name = _("unemployment-benefit period")
        verbose_name_plural = _("unemployment-benefit periods")
        ordering = ["person", "-start_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(end_month__isnull=True), name="benefit_one_open_period"
            ),
            models.CheckConstraint(
                condition=models.Q(end_month__isnull=True) | models.Q(end_month__gte=models.F("start_month")),
                name="benefit_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.end_month:%Y-%m}" if self.end_month else "…"
        return f"{self.person} {self.start_month:%Y-%m}–{end}"

    def covers(self, month_start: date_type) -> bool:
        return self.start_month <= month_start and (self.end_month is None or month_start <= self.end_month)


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class EndReason(models.TextChoices):
    REEMPLOYED = "reemployed", _("found work")
    MOVED = "moved", _("moved away")
    WITHDRAWN = "withdrawn", _("withdrew the registration")
    RETIRED = "retired", _("reached retirement age")
    OTHER = "other", _("other")


class UnemploymentRegistration(models.Model):
    """Unemployment registration at the place of habitual residence (常住地失业登记, clause （九）)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations")
    residence_county = models.ForeignKey(
        County, verbose_name=_("county of habitual residence"), on_delete=models.PROTECT, related_name="registrations"
    )
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=EndReason.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("unemployment registration")
        verbose_name_plural = _("unemployment registrations")
        ordering = ["-registered_on", "-id"]
        constraints = [
            # At most one active registration per person: the database, not the view, is the guard.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="active"), name="registration_one_active_per_person"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="active", ended_on__isnull=True, end_reason="")
                    | (models.Q(status="ended", ended_on__isnull=False) & ~models.Q(end_reason=""))
                ),
                name="registration_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("registered_on")),
                name="registration_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.registered_on} {self.get_status_display()}"


class SensitiveAccessLog(models.Model):
    """Who revealed whose full ID number or bank account, when and why (PIPL). Never updated or deleted."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        BANK_ACCOUNT = "bank_account", _("bank account")

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("what"), max_length=20, choices=Field.choices)
    reason = models.TextField(_("why"))

    class Meta:
        verbose_name = _("access to sensitive data")
        verbose_name_plural = _("accesses to sensitive data")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(enterprise__isnull=False),
                name="sensitive_access_has_subject",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="sensitive_access_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.field}"


class DifficultyCategory(models.TextChoices):
    """就业困难人员 categories (clause （九）, Xinjiang practice)."""

    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family", _("Zero-employment family or both spouses unemployed")
    LOW_INCOME_UNEMPLOYED = "low_income_unemployed", _("Minimum-living-allowance (低保) recipient unemployed 6+ months")
    DISABLED_UNEMPLOYED = "disabled_unemployed", _("Partly disabled person unemployed 6+ months")
    OLDER_WORKER = "older_worker", _("Woman aged 45 or over, or man aged 55 or over")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Unemployed for a year or more")
    GRADUATE_UNEMPLOYED = "graduate_unemployed", _("Graduate unemployed for a year or more")
    LAND_EXPROPRIATED = "land_expropriated", _("Farmer whose land was expropriated")


class DifficultyRecognition(models.Model):
    """A person recognised as employment-difficult (就业困难人员认定), with the categories and dates that apply."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="difficulty_recognitions"
    )
    registration = models.ForeignKey(
        UnemploymentRegistration,
        verbose_name=_("unemployment registration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="difficulty_recognitions",
    )
    categories = models.JSONField(_("categories"), default=list)
    recognised_on = models.DateField(_("recognised on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("employment-difficult recognition")
        verbose_name_plural = _("employment-difficult recognitions")
        ordering = ["-recognised_on", "-id"]
        indexes = [
            # "Is this person recognised on day D?": WHERE person_id=.. AND recognised_on <= D.
            models.Index(fields=["person", "recognised_on"], name="difficulty_person_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.recognised_on}"


class ReferralKind(models.TextChoices):
    """Where a person in need is referred to the civil affairs bureau (民政局), clause （十一）."""

    LOW_INCOME = "low_income", _("Minimum living allowance (低保)")
    TEMPORARY_ASSISTANCE = "temporary_assistance", _("Temporary assistance")


class Referral(models.Model):
    """A caseworker referred a person to the civil affairs bureau (clause （十一）); part of the real-name file.

    The case it was made from is kept by its reference only (the registry does not depend on subsidies).
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("referred for"), max_length=30, choices=ReferralKind.choices)
    note = models.TextField(_("note"))
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="referrals")
    case_reference = models.CharField(_("from case"), max_length=40, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral to civil affairs")
        verbose_name_plural = _("referrals to civil affairs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(note=""), name="referral_has_note"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["low_income", "temporary_assistance"]), name="referral_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_kind_display()} {self.created_at:%Y-%m-%d}"
