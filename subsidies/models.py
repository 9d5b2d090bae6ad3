"""What the policy says: dated parameters (and, later, what was decided)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.crypto import EncryptedTextField


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
    """免申即享: the standard-track stable-job refund (clause （一）) offered to an enterprise before it applies.

    Computed by `refund_offers_compute` from the registry's insurance year `year - 1`; one per enterprise and year.
    A rerun changes only offers whose result changed, and reads only those whose fingerprint changed. The enterprise
    sees its offer when it signs in; once it confirms it (case_from_offer), the offer never changes.
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
    # md5 of the rules (parameters in force, calculator) and the insurance figures the offer was computed from; the
    # nightly run skips, in SQL, every offer whose fingerprint is unchanged. Empty: compute it again.
    fingerprint = models.CharField(_("fingerprint of its facts"), max_length=32, blank=True, default="")
    confirmed_at = models.DateTimeField(
        _("confirmed"), null=True, blank=True, help_text=_("Confirmed by the enterprise: never recomputed after.")
    )

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


# --- Cases: applications, their review and decision (clause （一） first; later journeys add kinds) -------------


class CaseKind(models.TextChoices):
    # Enterprises, clause （一）
    STABLE_JOB_REFUND = "stable_job_refund", _("Stable-job refund")
    HARDSHIP_RECOGNITION = "hardship_recognition", _("Hardship-enterprise recognition")
    # Residents, clause （九）
    UNEMPLOYMENT_REGISTRATION = "unemployment_registration", _("Unemployment registration")
    DIFFICULTY_RECOGNITION = "difficulty_recognition", _("Employment-difficult recognition")
    # Claims, clauses （二）, （三）, （五）, （六）, （七）, （八）
    TRAINING_SUBSIDY = "training_subsidy", _("Training subsidy")
    LIVING_ALLOWANCE = "living_allowance", _("Training living allowance")
    SKILL_UPGRADE = "skill_upgrade", _("Skill-upgrade subsidy")
    INTERNSHIP_BASE = "internship_base", _("Internship base registration")
    INTERNSHIP = "internship", _("Internship subsidy")
    STARTUP_LOAN = "startup_loan", _("Guaranteed start-up loan")
    IN_JOB_TRAINING = "in_job_training", _("In-job training support")
    GUARANTEE_REFERRAL = "guarantee_referral", _("Financing-guarantee referral")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for correction")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ON_NOTICE = "on_notice", _("On public notice")
    FINAL = "final", _("Final")
    # 告知承诺制: a post-check found a commitment false, so the decision was revoked (subsidies.commitments).
    REVOKED = "revoked", _("Revoked after a false commitment")


class Track(models.TextChoices):
    STANDARD = "standard", _("Standard track")
    HARDSHIP = "hardship", _("Hardship track")


class Case(models.Model):
    """One application and everything decided about it. The state changes only through subsidies.cases services.

    The history of a case is its audit trail (registry.audit): every transition writes one row with the states
    before and after, the actor and the reason.
    """

    reference = models.CharField(_("reference number"), max_length=40, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT)
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="cases"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year applied for."))
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, blank=True)
    # The applicant's answers, step by step (masked values only: the bank account is kept encrypted below).
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    bank_account = EncryptedTextField(_("bank account"), blank=True, default="")
    bank_account_masked = models.CharField(_("bank account"), max_length=40, blank=True, default="")
    # The calculator's result (subsidies.calculators Result.as_dict()) when submitted or last recalculated.
    calculation = models.JSONField(_("calculation"), null=True, blank=True)
    calculated_amount = models.DecimalField(
        _("calculated amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    approved_amount = models.DecimalField(
        _("approved amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    override_reason = models.TextField(_("reason for changing the calculated amount"), blank=True)
    # Four-eyes on money (clause （十四）): an approved amount above the calculated amount (beyond a dated margin) or
    # above the measure's dated ceiling is not final, published or paid until a second officer confirms it.
    amount_confirmation_needed = models.BooleanField(_("amount awaits a second officer"), default=False)
    amount_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("amount confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amounts_confirmed",
    )
    amount_confirmed_at = models.DateTimeField(_("amount confirmed"), null=True, blank=True)
    amount_confirmation_reason = models.TextField(_("reason of the second officer"), blank=True)
    decision_reason = models.TextField(_("reason of the last decision"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="cases_created",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_assigned",
    )
    # The token of the submit form: a retried or doubled POST finds the case it already submitted.
    submission_token = models.UUIDField(_("submission token"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(person__isnull=False),
                name="case_has_an_applicant",
            ),
            # One live application per enterprise, kind and year (a draft included); a rejected one may be
            # followed by a new application.
            # Internship claims are one per intern (clause （五）), so a host has several in a year.
            models.UniqueConstraint(
                fields=["kind", "enterprise", "year"],
                condition=models.Q(enterprise__isnull=False)
                & ~models.Q(state="rejected")
                & ~models.Q(kind="internship"),
                name="case_one_live_per_enterprise_kind_year",
            ),
            # A case in review is held by exactly one caseworker.
            models.CheckConstraint(
                condition=~models.Q(state="in_review") | models.Q(assignee__isnull=False),
                name="case_in_review_has_assignee",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(reference__isnull=False),
                name="case_submitted_has_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True) | models.Q(approved_amount__gte=0),
                name="case_approved_amount_not_negative",
            ),
        ]
        indexes = [
            # The workbench queue: WHERE county_id=.. AND state IN (..) ORDER BY submitted_at, id (keyset pages).
            models.Index(fields=["county", "state", "submitted_at", "id"], name="case_queue_idx"),
            # "My cases": WHERE assignee_id=.. AND state=..
            models.Index(fields=["assignee", "state"], name="case_assignee_idx"),
            # The dashboard (subsidies.statistics): cases received / decided in a period, grouped by county and kind.
            models.Index(fields=["submitted_at", "county", "kind"], name="case_submitted_stats_idx"),
            models.Index(fields=["decided_at", "county", "kind"], name="case_decided_stats_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def amount_awaits_confirmation(self) -> bool:
        return self.amount_confirmation_needed and self.amount_confirmed_at is None

    @property
    def amount(self) -> Decimal | None:
        """The amount that counts: approved when decided, else calculated."""
        return self.approved_amount if self.approved_amount is not None else self.calculated_amount


class ReferenceCounter(models.Model):
    """The last sequence number given per prefix, county and year (WG-654201-2019-000123)."""

    prefix = models.CharField(max_length=8)
    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "county_code", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.county_code}-{self.year}: {self.last}"


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a weekend day worked instead (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        WORKING_DAY = "working_day", _("Working weekend day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class NoticeListKind(models.TextChoices):
    REFUND_APPROVALS = "refund_approvals", _("Approved stable-job refunds")
    HARDSHIP_RECOGNITIONS = "hardship_recognitions", _("Recognised hardship enterprises")


class NoticeListState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    PUBLISHED = "published", _("On public notice")
    FINAL = "final", _("Final")


class PublicNotice(models.Model):
    """公示: a list of decided cases published for a number of working days before it takes effect."""

    kind = models.CharField(_("kind"), max_length=40, choices=NoticeListKind.choices)
    county = models.ForeignKey(
        "registry.County",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the whole prefecture."),
    )
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=20, choices=NoticeListState.choices, default=NoticeListState.DRAFT)
    starts_on = models.DateField(_("first day of the notice period"), null=True, blank=True)
    ends_on = models.DateField(_("last day of the notice period"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | (models.Q(starts_on__isnull=False) & models.Q(ends_on__gte=models.F("starts_on"))),
                name="public_notice_published_has_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PublicNoticeEntry(models.Model):
    """One case on a list. An upheld objection withdraws it (the case goes back to review)."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("public notice"), on_delete=models.CASCADE, related_name="entries"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notice_entries")
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("public notice entry")
        verbose_name_plural = _("public notice entries")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["notice", "case"], name="public_notice_entry_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.case_id}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """异议: anyone may object to an entry of a published list; a caseworker resolves it before finalisation."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("public notice"), on_delete=models.CASCADE, related_name="objections"
    )
    entry = models.ForeignKey(
        PublicNoticeEntry, verbose_name=_("entry objected to"), on_delete=models.CASCADE, related_name="objections"
    )
    objector_name = models.CharField(_("your name"), max_length=60)
    objector_contact = models.CharField(_("phone or email"), max_length=100)
    text = models.TextField(_("objection"))
    state = models.CharField(_("state"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    resolution_reason = models.TextField(_("reason of the resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "id"]
        indexes = [
            # Finalisation asks: does this list have an open objection?
            models.Index(fields=["notice", "state"], name="objection_notice_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.get_state_display()}"


# --- Notices (PDF): the documents an applicant holds, made exactly once by Celery ----------------------------


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("Approval notice")
    REJECTION = "rejection", _("Rejection notice")
    REGISTRATION_CERTIFICATE = "registration_certificate", _("Unemployment registration certificate")
    PUBLIC_NOTICE_LIST = "public_notice_list", _("Published list")


class NoticeJobState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class NoticeJob(models.Model):
    """The order to make one document. The database is the source of truth; Redis only carries the job id.

    Written in the transaction of the decision (subsidies.document_jobs), so a committed decision always has its job;
    the worker (subsidies.tasks.notice_render) and the sweeper (subsidies.tasks.notice_jobs_sweep) bring it to done.
    The verification code is chosen when the job is written, so a rerun renders the very same document.
    """

    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="notice_jobs"
    )
    registration = models.ForeignKey(
        "registry.UnemploymentRegistration",
        verbose_name=_("unemployment registration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_jobs",
    )
    public_notice = models.ForeignKey(
        PublicNotice,
        verbose_name=_("public notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_jobs",
    )
    state = models.CharField(_("state"), max_length=10, choices=NoticeJobState.choices, default=NoticeJobState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the sweeper may (re)enqueue it: now for a new job, after the backoff for a retry, after the lease for
    # a running job (a running job whose worker died is no longer locked, and is taken again after its lease).
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_on = models.DateField(_("date of issue"))
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notice job")
        verbose_name_plural = _("notice jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(case__isnull=False), name="notice_job_once_per_case"
            ),
            models.UniqueConstraint(
                fields=["registration", "kind"],
                condition=models.Q(registration__isnull=False),
                name="notice_job_once_per_registration",
            ),
            models.UniqueConstraint(
                fields=["public_notice", "kind"],
                condition=models.Q(public_notice__isnull=False),
                name="notice_job_once_per_public_notice",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["approval", "rejection"], case__isnull=False)
                    & models.Q(registration__isnull=True, public_notice__isnull=True)
                )
                | (
                    models.Q(kind="registration_certificate", registration__isnull=False)
                    & models.Q(case__isnull=True, public_notice__isnull=True)
                )
                | (
                    models.Q(kind="public_notice_list", public_notice__isnull=False)
                    & models.Q(case__isnull=True, registration__isnull=True)
                ),
                name="notice_job_one_subject_of_its_kind",
            ),
        ]
        indexes = [
            # The sweeper: WHERE state IN ('pending', 'running') AND next_attempt_at <= now.
            models.Index(fields=["state", "next_attempt_at"], name="notice_job_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"


class Notice(models.Model):
    """A made document: the PDF in storage at a path fixed by its job, its SHA-256 and its verification code."""

    job = models.OneToOneField(NoticeJob, verbose_name=_("job"), on_delete=models.PROTECT, related_name="notice")
    file = models.CharField(_("file in storage"), max_length=255, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    reference = models.CharField(_("reference number"), max_length=60)
    # Shown on the public verify page: the holder (an enterprise's name, or a person's name masked there).
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_is_person = models.BooleanField(_("holder is a person"), default=False)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    issued_on = models.DateField(_("date of issue"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.job.get_kind_display()})"

    @property
    def kind(self) -> str:
        return self.job.kind


# --- Incubators, clause （四）: targets to the end of 2020 as data, and what was recognised -----------------------


class IncubatorKind(models.TextChoices):
    MAKER_SPACE = "maker_space", _("Maker space (众创空间)")
    TECH_INCUBATOR = "tech_incubator", _("Technology business incubator (科技企业孵化器)")
    INNOVATION_BASE = "innovation_base", _("Innovation base (众创基地)")
    STAR_SPACE = "star_space", _("Rural innovation space (星创天地)")
    DEMONSTRATION_BASE = "demonstration_base", _("Start-up incubation demonstration base")


class IncubatorLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Autonomous region")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County or city")


class IncubatorGoal(models.TextChoices):
    """The programme goals of clause （四） beside the counts of incubators."""

    JOBS = "jobs", _("Jobs created by incubated firms")
    AGRICULTURAL_FIRMS = "agricultural_firms", _("Agricultural firms and new farm businesses incubated")
    RURAL_LEADERS = "rural_leaders", _("Rural science and technology start-up leaders trained")
    MENTORS = "mentors", _("Start-up mentors")
    # （四） "聚集涉农科技创新创业人才 100 人以上".
    AGRICULTURAL_TALENT = "agricultural_talent", _("Agricultural science and technology start-up talent gathered")


class IncubatorTarget(models.Model):
    """One target of clause （四）: a number of incubators of a kind and level, or a programme goal, by a deadline."""

    kind = models.CharField(_("kind"), max_length=30, choices=IncubatorKind.choices, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=IncubatorLevel.choices, blank=True)
    goal = models.CharField(_("goal"), max_length=30, choices=IncubatorGoal.choices, blank=True)
    target = models.PositiveIntegerField(_("target"))
    deadline = models.DateField(_("to be reached by"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("incubator target")
        verbose_name_plural = _("incubator targets")
        ordering = ["goal", "kind", "level"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(goal="") & ~models.Q(kind="") & ~models.Q(level=""))
                | (~models.Q(goal="") & models.Q(kind="", level="")),
                name="incubator_target_count_or_goal",
            ),
            models.UniqueConstraint(fields=["kind", "level", "goal", "deadline"], name="incubator_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.goal or self.kind}/{self.level}: {self.target} by {self.deadline}"


class Incubator(models.Model):
    """A recognised start-up carrier (maker space, incubator, 众创基地, 星创天地) at the level that recognised it."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=IncubatorKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=IncubatorLevel.choices)
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="incubators"
    )
    recognised_on = models.DateField(_("recognised on"))
    recognised_by = models.CharField(_("recognised by"), max_length=200, blank=True)
    mentors = models.PositiveIntegerField(_("start-up mentors"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")
        ordering = ["county__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind", "level"], name="incubator_once_per_kind_level"),
        ]

    def __str__(self) -> str:
        return self.name


class IncubatorTenant(models.Model):
    """A firm (or farm business) incubated: entered, maybe left, with the jobs it created."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.CASCADE, related_name="tenants"
    )
    name = models.CharField(_("name"), max_length=200)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise in the registry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incubator_tenancies",
    )
    agricultural = models.BooleanField(_("agricultural firm or new farm business"), default=False)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"), default=0)
    rural_leaders = models.PositiveIntegerField(_("rural start-up leaders trained"), default=0)
    agricultural_talent = models.PositiveIntegerField(
        _("agricultural science and technology start-up talent"), default=0
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("incubator tenant")
        verbose_name_plural = _("incubator tenants")
        ordering = ["incubator_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["incubator", "name"], name="incubator_tenant_once"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("entered_on")),
                name="incubator_tenant_left_after_entering",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Enterprise claims: internships （五）, start-up loans （三）, guarantee referrals （二） -------------------------


class InternCategory(models.TextChoices):
    GRADUATE = "graduate", _("Graduate who left school unemployed")
    YOUTH = "youth", _("Unemployed youth aged 16-24")


class InternshipPlacement(models.Model):
    """One intern at a host enterprise: the facts of an internship claim (clause （五）), one per case.

    The intern is a registry Person found (or added) by the blind index of the ID number; the number itself is
    never stored here.
    """

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="placement")
    intern = models.ForeignKey(
        "registry.Person", verbose_name=_("intern"), on_delete=models.PROTECT, related_name="internships"
    )
    category = models.CharField(_("category"), max_length=20, choices=InternCategory.choices)
    start_date = models.DateField(_("start date"))
    months = models.PositiveSmallIntegerField(_("months"))
    host_monthly_pay = models.DecimalField(_("host's monthly pay (yuan)"), max_digits=10, decimal_places=2)
    accident_policy_number = models.CharField(_("accident-insurance policy number"), max_length=60)
    hired_after_months = models.PositiveSmallIntegerField(_("hired after (months)"), null=True, blank=True)
    contract_years = models.PositiveSmallIntegerField(_("contract length (years)"), null=True, blank=True)
    social_insurance = models.BooleanField(_("social insurance paid"), default=False)

    class Meta:
        verbose_name = _("internship placement")
        verbose_name_plural = _("internship placements")
        constraints = [
            models.CheckConstraint(condition=models.Q(months__gte=1), name="placement_months_positive"),
            models.CheckConstraint(condition=models.Q(host_monthly_pay__gte=0), name="placement_pay_not_negative"),
        ]
        indexes = [
            # "Is this intern already placed?": WHERE intern_id = ..
            models.Index(fields=["intern", "start_date"], name="placement_intern_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.intern_id} from {self.start_date}"


class Loan(models.Model):
    """A guaranteed start-up loan actually granted (clause （三）), recorded against a certified startup_loan case."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="loan")
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="loans"
    )
    lender = models.CharField(_("lending bank"), max_length=120)
    amount = models.DecimalField(_("amount granted (yuan)"), max_digits=14, decimal_places=2)
    granted_on = models.DateField(_("granted on"))
    annual_rate = models.DecimalField(_("annual interest rate"), max_digits=8, decimal_places=6)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("start-up loan")
        verbose_name_plural = _("start-up loans")
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(annual_rate__gte=0) & models.Q(annual_rate__lte=1), name="loan_rate_0_1"
            ),
            models.CheckConstraint(condition=models.Q(term_months__gte=1), name="loan_term_positive"),
        ]
        indexes = [
            # The reward: SUM(amount) WHERE county_id=.. AND granted_on BETWEEN Jan 1 and Dec 31.
            models.Index(fields=["county", "granted_on"], name="loan_county_granted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lender} {self.amount} ({self.granted_on})"


class InterestSubsidyPayment(models.Model):
    """One payment of interest subsidy (贴息) on a loan, for a period within one loan year."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="payments")
    loan_year = models.PositiveSmallIntegerField(_("loan year"))
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest-subsidy payment")
        verbose_name_plural = _("interest-subsidy payments")
        ordering = ["loan", "period_from", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="interest_payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")), name="interest_payment_period_order"
            ),
            models.CheckConstraint(
                condition=models.Q(loan_year__gte=1) & models.Q(loan_year__lte=3), name="interest_payment_year_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.amount} ({self.period_from}..{self.period_to})"


class ReferralState(models.TextChoices):
    REFERRED = "referred", _("Referred to the guarantee company")
    ACCEPTED = "accepted", _("Accepted by the guarantee company")
    DECLINED = "declined", _("Declined by the guarantee company")


class GuaranteeReferral(models.Model):
    """A quality-list enterprise referred to the government guarantee company (clause （二）); no amount."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referral")
    guarantee_company = models.CharField(_("guarantee company"), max_length=120)
    state = models.CharField(_("state"), max_length=20, choices=ReferralState.choices, default=ReferralState.REFERRED)
    referred_on = models.DateField(_("referred on"))
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("guarantee referral")
        verbose_name_plural = _("guarantee referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="referred") | models.Q(responded_on__isnull=False),
                name="referral_answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_state_display()}"


# --- Evidence uploads of applicants (resident journey, clause （九）; claims may use them too) -----------------


class Evidence(models.Model):
    """A file an applicant uploaded for a case: PDF, JPEG or PNG, type checked from the content.

    Stored in the private storage (settings.PRIVATE_MEDIA_ROOT, never under a public URL) at a path fixed by the
    row; served only by a view that checks who asks (subsidies.residents.evidence_for_*).
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evidence")
    # What it proves: "residence", or a DifficultyCategory value, or a claim's own purpose.
    purpose = models.CharField(_("what it shows"), max_length=40)
    file = models.CharField(_("file in private storage"), max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="evidence_type_allowed",
            ),
            models.CheckConstraint(condition=models.Q(size__lte=5 * 1024 * 1024), name="evidence_at_most_5_mb"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.original_name}"


# --- A parameter change waiting for a second officer (clause （十四）: funds are supervised) -------------------


class ParameterChangeState(models.TextChoices):
    PENDING = "pending", _("waiting for a second officer")
    CONFIRMED = "confirmed", _("confirmed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    SUPERSEDED = "superseded", _("superseded by a later proposal")


class ParameterChange(models.Model):
    """A new dated parameter value whose previewed impact moves more than the threshold: nothing is in force yet.

    A different officer confirms it (then subsidies.services.parameter_add runs, with the impact recomputed at
    confirmation) or withdraws it with a reason. At most one proposal of a key waits at a time; a newer one
    supersedes it.
    """

    key = models.CharField(_("key"), max_length=80)
    value = models.JSONField(_("value"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    is_sample = models.BooleanField(_("sample value"), default=False)
    # subsidies.impact.Impact.summary() as previewed when proposed, with the reasons it needs a second officer.
    impact = models.JSONField(_("impact when proposed"), default=dict)
    state = models.CharField(
        _("state"), max_length=12, choices=ParameterChangeState.choices, default=ParameterChangeState.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    parameter = models.OneToOneField(
        Parameter,
        verbose_name=_("value added"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    close_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("parameter change proposal")
        verbose_name_plural = _("parameter change proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state="pending"),
                name="parameter_change_one_pending_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True) | ~models.Q(confirmed_by=models.F("proposed_by")),
                name="parameter_change_confirmed_by_another_officer",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="confirmed")
                | models.Q(confirmed_by__isnull=False, confirmed_at__isnull=False, parameter__isnull=False),
                name="parameter_change_confirmed_has_confirmer",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="parameter_change_valid_to_not_before_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["state", "key"], name="parameter_change_state_key")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} from {self.valid_from} ({self.state})"


# --- Notifications: SMS and email telling applicants (and objectors) what happened, sent once by Celery --------


class NotificationEvent(models.TextChoices):
    SUBMITTED = "submitted", _("Application received")
    RESUBMITTED = "resubmitted", _("Corrections received")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Published for public notice")
    REOPENED = "reopened", _("Reviewed again after an objection")
    FINAL = "final", _("Decision final")
    REFERRAL = "referral", _("Referred to civil affairs")
    OBJECTION_RESOLVED = "objection_resolved", _("Objection resolved")
    FOLLOW_UP_CLOSED = "follow_up_closed", _("Your rating was followed up")
    REVOKED = "revoked", _("Decision revoked after a false commitment")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    NO_CONTACT = "no_contact", _("No phone or email to send to")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message (SMS and email) about one event of a case, or about a resolved objection (the outbox).

    Written in the transaction of the event (subsidies.notifications), so a committed decision always has its
    message; the worker (subsidies.tasks.notification_send) and the sweeper send it once. The phone number and the
    email address are read when it is sent, never stored here nor given to a task. `occurrence` counts the times
    the event happened to the case (a case may be returned twice): one message per case, event and occurrence.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("objection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=30, choices=NotificationEvent.choices)
    occurrence = models.PositiveSmallIntegerField(_("occurrence"), default=1)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # What the message says about the event, fixed when it happened (reason, amount, dates): no phone, no email.
    details = models.JSONField(_("details"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    # Each channel once: a retry after a failed email does not send the SMS again.
    sms_sent_at = models.DateTimeField(_("SMS sent"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "event", "occurrence"],
                condition=models.Q(objection__isnull=True),
                name="notification_once_per_case_event",
            ),
            models.UniqueConstraint(
                fields=["objection", "event"],
                condition=models.Q(objection__isnull=False),
                name="notification_once_per_objection",
            ),
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(objection__isnull=False),
                name="notification_has_a_subject",
            ),
        ]
        indexes = [
            # The sweeper: WHERE state = 'pending' AND next_attempt_at <= now.
            models.Index(fields=["state", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} #{self.pk} ({self.get_state_display()})"


class CaseTally(models.Model):
    """The dashboard's summaries (subsidies.summaries): how many cases, with what approved amount, share one basis,
    county, kind, state and period. Kept in step with every transition, in its transaction, by adding to the
    counts (never read-modify-write), so that the dashboard reads a few hundred rows whatever the number of cases.
    """

    class Basis(models.TextChoices):
        # period: the month (its first day) of submission, decision or finality, in Asia/Shanghai.
        RECEIVED = "received", _("received")
        DECIDED = "decided", _("decided")
        FINAL = "final", _("final")
        # period: the day of submission, of the cases waiting for a caseworker (the service target counts days).
        WAITING = "waiting", _("waiting")
        # period: the month of decision; days: whole days from submission to decision; state: "" (every state).
        DECISION_TIME = "decision_time", _("time to decision")

    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    period = models.DateField(_("period"))
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=40, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices)
    cases = models.IntegerField(_("cases"), default=0)
    amount = models.DecimalField(_("approved amount (yuan)"), max_digits=18, decimal_places=2, default=0)
    # The decision-time basis only (a histogram for the percentiles, which do not add up); 0 for the others.
    days = models.IntegerField(_("days"), default=0)

    class Meta:
        verbose_name = _("case tally")
        verbose_name_plural = _("case tallies")
        constraints = [
            # The upsert's conflict target, and the dashboard's read: WHERE basis = .. AND period BETWEEN .. AND ..
            models.UniqueConstraint(
                fields=["basis", "period", "county", "kind", "state", "days"], name="case_tally_key_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.basis} {self.period} {self.county_id} {self.kind} {self.state} {self.days}: {self.cases}"


# --- 告知承诺制: commitments instead of certificates, their post-checks and consequences (subsidies.commitments) ----


class CommitmentItem(models.Model):
    """An evidence item (Evidence.purpose) that an applicant of a kind of case may replace by a signed commitment,
    over a dated window. Edited by prefecture officers like a dated parameter: never changed in place, a row is
    added or its window closed (subsidies.commitments.commitment_item_add / _end), each audited."""

    kind = models.CharField(_("kind"), max_length=40, choices=CaseKind.choices)
    purpose = models.CharField(_("evidence item"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: in force until changed."))
    source = models.CharField(_("source"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        ordering = ["kind", "purpose", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "purpose", "valid_from"], name="commitment_item_one_per_start"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="commitment_item_valid_to_not_before_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.purpose} ({self.valid_from} .. {self.valid_to or ''})"


class Commitment(models.Model):
    """A commitment (承诺书) the applicant signed instead of uploading one evidence item of a case. Kept as signed:
    the text's version and digest, when, by whom, from which address."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="commitments")
    purpose = models.CharField(_("evidence item"), max_length=40)
    text_version = models.CharField(_("text version"), max_length=20)
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64)
    signed_name = models.CharField(_("name as signed"), max_length=100)
    signed_at = models.DateTimeField(_("signed"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("address signed from"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["case", "purpose"]
        constraints = [
            models.UniqueConstraint(fields=["case", "purpose"], name="commitment_once_per_case_item"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.purpose}"


class CommitmentDraw(models.Model):
    """The post-check draw of one decided case with commitments: reproducible (an HMAC of the reference and the seed
    gives the score; sampled when the score is below the rate in force), done once per case."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="commitment_draw")
    seed = models.CharField(_("seed"), max_length=40)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=10)
    rate = models.DecimalField(_("sample rate"), max_digits=5, decimal_places=4)
    sampled = models.BooleanField(_("sampled"))
    drawn_at = models.DateTimeField(_("drawn"), auto_now_add=True)

    class Meta:
        verbose_name = _("post-check draw")
        verbose_name_plural = _("post-check draws")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score} < {self.rate}: {self.sampled}"


class CommitmentCheckState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed true")
    FALSE = "false", _("Found false")


class CommitmentCheck(models.Model):
    """A verification task: the county checks the commitments of a sampled case by the due date."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="commitment_check")
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="commitment_checks"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=CommitmentCheckState.choices, default=CommitmentCheckState.PENDING
    )
    due_on = models.DateField(_("due"))
    outcome_note = models.TextField(_("what the check found"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("checked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment check")
        verbose_name_plural = _("commitment checks")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="pending") | models.Q(decided_at__isnull=False),
                name="commitment_check_decided_has_time",
            ),
        ]
        indexes = [
            # The workbench list: WHERE county_id = .. AND state = .. ORDER BY due_on.
            models.Index(fields=["county", "state", "due_on"], name="commitment_check_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_state_display()} (due {self.due_on})"


class CommitmentBan(models.Model):
    """After a false commitment the applicant (person or enterprise) is offered no commitment until `ends_on`."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment_check = models.OneToOneField(
        CommitmentCheck, verbose_name=_("check"), on_delete=models.PROTECT, related_name="ban"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("commitment ban")
        verbose_name_plural = _("commitment bans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(enterprise__isnull=False),
                name="commitment_ban_has_an_applicant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id or self.enterprise_id}: {self.starts_on} .. {self.ends_on}"


class Recovery(models.Model):
    """An amount to recover after a decision was revoked (the approved amount; nothing when none was approved)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="recovery")
    amount = models.DecimalField(_("amount to recover (yuan)"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="recovery_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.amount}"


# --- 好差评: ratings of a decided case and the follow-up of a bad one (subsidies.ratings; 国办发〔2019〕51号) -------


class RatingLevel(models.IntegerChoices):
    """The five national levels; the first three count as satisfied (好评), the last two as a bad rating (差评)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online, from the case's page")
    SMS = "sms", _("From the link in a text message")
    COUNTER = "counter", _("At the counter, recorded by a caseworker")


class Rating(models.Model):
    """How the applicant rated the service of one decided case: once per case (the one-to-one is the constraint, so
    a doubled POST makes one rating)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="rating")
    level = models.PositiveSmallIntegerField(_("rating"), choices=RatingLevel.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=500)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    # The applicant's own account online; the caseworker at the counter; nobody for a link in a text message.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="rating_level_one_to_five"),
            models.CheckConstraint(
                condition=~models.Q(channel="counter") | models.Q(recorded_by__isnull=False),
                name="rating_at_counter_has_recorder",
            ),
        ]
        indexes = [
            # The dashboard's satisfaction table: WHERE created_at BETWEEN .. (grouped by county, kind and month).
            models.Index(fields=["created_at"], name="rating_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.level}"

    @property
    def is_bad(self) -> bool:
        return self.level <= RatingLevel.DISSATISFIED


class FollowUpState(models.TextChoices):
    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Overdue, escalated to the prefecture")
    CLOSED = "closed", _("Closed")


class FollowUpOutcome(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    EXPLAINED = "explained", _("Explained")


class FollowUp(models.Model):
    """The county's follow-up of a bad rating: contact the person, verify, rectify or explain, by `due_on` (working
    days from the calendar); overdue, it is escalated to the prefecture. The outcome is shown to the person."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="follow_up"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="follow_ups")
    county = models.ForeignKey(
        "registry.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    state = models.CharField(_("state"), max_length=12, choices=FollowUpState.choices, default=FollowUpState.OPEN)
    due_on = models.DateField(_("due by"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FollowUpOutcome.choices, blank=True)
    outcome_text = models.TextField(_("what we tell the person"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up of a bad rating")
        verbose_name_plural = _("follow-ups of bad ratings")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="closed") | (models.Q(closed_at__isnull=False) & ~models.Q(outcome="")),
                name="follow_up_closed_has_outcome",
            ),
        ]
        indexes = [
            # The escalation sweep: WHERE state = 'open' AND due_on < today; the list: WHERE county_id = .. AND state.
            models.Index(fields=["state", "due_on"], name="follow_up_due_idx"),
            models.Index(fields=["county", "state"], name="follow_up_county_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.state} by {self.due_on}"


class FollowUpStepKind(models.TextChoices):
    CONTACT = "contact", _("Contacted the person")
    VERIFY = "verify", _("Verified the facts")
    RECTIFY = "rectify", _("Rectified")
    EXPLAIN = "explain", _("Explained")


class FollowUpStep(models.Model):
    """One thing done in a follow-up, by whom and when."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=10, choices=FollowUpStepKind.choices)
    note = models.TextField(_("note"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.follow_up_id}: {self.kind}"
