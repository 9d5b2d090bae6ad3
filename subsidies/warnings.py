"""Early warning by grade (分级预警, clause （十二）): layoffs in enterprises, and rises in new registrations.

Two signals, each computed by one grouped query:
- layoffs: an enterprise whose insured headcount fell, over its latest insurance year, by more than a grade's
  threshold (parameter layoff_warning.grades, three grades, "more than" is strict). The fall is the net reduction
  of clause （一）: max(0, insured at the start - insured at the end - retired or deceased) / insured at the start,
  the start of year Y being the end of year Y - 1;
- registrations: a county whose new unemployment registrations in the last complete month exceed the average of
  the months before it (parameter registration_warning.trailing_months) by more than the parameter
  registration_warning.rise; grade 2 beyond twice that rise, grade 3 beyond three times. A county with no
  registration in the trailing months has no average to compare with and gets no warning.

The daily digest (subsidies.tasks.warnings_digest) mails the list to the prefecture officers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Q, Value
from django.db.models.functions import Cast, Greatest, TruncMonth
from django.utils.translation import gettext_lazy as _

from registry.models import AuditEvent, County, InsuranceYear, UnemploymentRegistration
from subsidies.parameters import value_in_force
from subsidies.statistics import Table, month_start, next_month


class WarningKind:
    LAYOFFS = "layoffs"
    REGISTRATIONS = "registrations"


@dataclass(frozen=True)
class EarlyWarning:
    kind: str
    grade: int
    county_id: int
    county_name: str
    subject: str
    reason: str
    enterprise_id: int | None = None
    credit_code: str = ""
    figure: Decimal = Decimal(0)


@dataclass
class Warnings:
    items: list[EarlyWarning] = field(default_factory=list)
    layoff_year: int | None = None
    month: date | None = None

    def __bool__(self) -> bool:
        return True  # an empty list still renders ("no warning")

    @property
    def count(self) -> int:
        return len(self.items)

    def by_grade(self) -> dict[int, int]:
        out = {1: 0, 2: 0, 3: 0}
        for item in self.items:
            out[item.grade] = out.get(item.grade, 0) + 1
        return out

    def table(self) -> Table:
        table = Table(
            "warnings",
            _("Early warnings"),
            [_("Grade"), _("County"), _("Subject"), _("Reason"), _("Unified social credit code")],
        )
        for w in self.items:
            table.rows.append([w.grade, w.county_name, w.subject, w.reason, w.credit_code])
        return table


def _grade(value: Decimal, thresholds: list[Decimal]) -> int:
    """0 if the value is not above the first threshold, else the highest grade whose threshold it exceeds."""
    grade = 0
    for n, threshold in enumerate(sorted(thresholds), start=1):
        if value > threshold:
            grade = n
    return min(grade, 3)


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def layoff_warnings(
    *, today: date, county_ids: tuple[int, ...] | None = None, year: int | None = None
) -> tuple[int | None, list[EarlyWarning]]:
    """(year, warnings) for the enterprises whose net headcount fall in `year` exceeds a grade's threshold."""
    thresholds = [Decimal(v) for v in value_in_force("layoff_warning.grades", on=today)]
    rows = InsuranceYear.objects.filter(insured_at_start__gt=0)
    if county_ids is not None:
        rows = rows.filter(enterprise__county_id__in=county_ids)
    if year is None:
        year = rows.filter(year__lte=today.year).aggregate(y=Max("year"))["y"]
        if year is None:
            return None, []
    lowest = min(thresholds)
    # Floating point in the database only narrows the rows (>= the lowest threshold, portable to SQLite, whose
    # integer division would truncate); the grade is then decided exactly, in Decimal, below.
    number = FloatField()
    fall = ExpressionWrapper(
        Cast(Greatest(F("insured_at_start") - F("insured_at_end") - F("retired_or_deceased"), Value(0)), number)
        / Cast(F("insured_at_start"), number),
        output_field=number,
    )
    candidates = (
        rows.filter(year=year)
        .annotate(fall=fall)
        .filter(fall__gte=float(lowest))
        .values_list(
            "enterprise_id",
            "enterprise__name",
            "enterprise__credit_code",
            "enterprise__county_id",
            "enterprise__county__name",
            "insured_at_start",
            "insured_at_end",
            "retired_or_deceased",
        )
        .order_by("enterprise__county__code", "enterprise__name")
    )
    out = []
    for ent_id, name, code, county_id, county_name, start, end, gone in candidates:
        value = Decimal(max(0, start - end - gone)) / Decimal(start)
        grade = _grade(value, thresholds)
        if grade == 0:
            continue
        out.append(
            EarlyWarning(
                kind=WarningKind.LAYOFFS,
                grade=grade,
                county_id=county_id,
                county_name=county_name,
                subject=name,
                reason=str(
                    _(
                        "Insured headcount fell by %(fall)s in %(year)s (from %(start)s to %(end)s, "
                        "%(gone)s retired or deceased); grade %(grade)s is a fall of more than %(threshold)s."
                    )
                    % {
                        "fall": _pct(value),
                        "year": year,
                        "start": start,
                        "end": end,
                        "gone": gone,
                        "grade": grade,
                        "threshold": _pct(sorted(thresholds)[grade - 1]),
                    }
                ),
                enterprise_id=ent_id,
                credit_code=code,
                figure=value,
            )
        )
    return year, out


def registration_warnings(
    *, today: date, county_ids: tuple[int, ...] | None = None, month: date | None = None
) -> tuple[date, list[EarlyWarning]]:
    """(month, warnings) for the counties whose new registrations in `month` rise above their trailing average."""
    rise = Decimal(value_in_force("registration_warning.rise", on=today))
    trailing = int(value_in_force("registration_warning.trailing_months", on=today))
    month = month or month_start(month_start(today) - timedelta(days=1))
    first = month
    for _i in range(trailing):
        first = month_start(first - timedelta(days=1))
    regs = UnemploymentRegistration.objects.filter(registered_on__gte=first, registered_on__lt=next_month(month))
    if county_ids is not None:
        regs = regs.filter(residence_county_id__in=county_ids)
    counts = (
        regs.annotate(m=TruncMonth("registered_on"))
        .values_list("residence_county_id")
        .annotate(
            current=Count("id", filter=Q(m=month)),
            before=Count("id", filter=Q(m__lt=month)),
        )
        .order_by()
    )
    names = dict(County.objects.values_list("pk", "name"))
    out = []
    for county_id, current, before in counts:
        if before == 0:
            continue
        average = Decimal(before) / Decimal(trailing)
        change = (Decimal(current) - average) / average
        grade = _grade(change, [rise, rise * 2, rise * 3])
        if grade == 0:
            continue
        out.append(
            EarlyWarning(
                kind=WarningKind.REGISTRATIONS,
                grade=grade,
                county_id=county_id,
                county_name=names.get(county_id, ""),
                subject=names.get(county_id, ""),
                reason=str(
                    _(
                        "%(current)s new unemployment registrations in %(month)s, %(change)s above the average of "
                        "%(average)s over the %(months)s months before."
                    )
                    % {
                        "current": current,
                        "month": month.strftime("%Y-%m"),
                        "change": _pct(change),
                        "average": average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                        "months": trailing,
                    }
                ),
                figure=change,
            )
        )
    return month, out


def warnings_for(*, today: date, county_ids: tuple[int, ...] | None = None) -> Warnings:
    """Every current warning in the counties, highest grade first."""
    year, layoffs = layoff_warnings(today=today, county_ids=county_ids)
    month, registrations = registration_warnings(today=today, county_ids=county_ids)
    items = sorted(layoffs + registrations, key=lambda w: (-w.grade, w.kind, w.county_name, w.subject))
    return Warnings(items=items, layoff_year=year, month=month)


def digest_text(warnings: Warnings, *, link: Any) -> str:
    """The plain-text body of the daily digest: one line per warning with its link."""
    lines = [str(_("Early warnings (clause （十二）): %(n)s today.") % {"n": warnings.count}), ""]
    for w in warnings.items:
        lines.append(f"[{_('Grade')} {w.grade}] {w.county_name} · {w.subject}: {w.reason}")
        lines.append(f"    {link(w)}")
    if not warnings.items:
        lines.append(str(_("No warning today.")))
    return "\n".join(lines)


DIGEST_ACTION = "warnings.digest"
OFFICER_PERMISSION = ("portal", "manage_parameters")


def digest_recipients() -> list[str]:
    """The prefecture officers' email addresses (users holding the officers' permission through a group)."""
    from django.contrib.auth import get_user_model

    app_label, codename = OFFICER_PERMISSION
    users = get_user_model().objects.filter(
        Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label),
        is_active=True,
    )
    return sorted({email for email in users.exclude(email="").values_list("email", flat=True)})


def warnings_digest_send(*, today: date) -> int:
    """Mail today's warnings to the officers once per day: the audit row of the day is the guard (idempotent).

    Returns the number of warnings sent (0 also when the digest of the day was already sent).
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.urls import reverse
    from django.utils import translation

    day = today.isoformat()
    with transaction.atomic():
        # The audit row of the day says "sent": a second run the same day finds it and sends nothing.
        if AuditEvent.objects.select_for_update().filter(action=DIGEST_ACTION, target_id=day).exists():
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            warnings = warnings_for(today=today)

            def link(w: EarlyWarning) -> str:
                if w.enterprise_id is not None:
                    path = reverse("workbench:registry-enterprise", args=[w.enterprise_id])
                else:
                    path = reverse("workbench:dashboard") + f"?county={w.county_id}"
                return settings.PORTAL_BASE_URL + path

            body = digest_text(warnings, link=link)
            subject = str(_("Early warnings of %(day)s: %(n)s") % {"day": day, "n": warnings.count})
        recipients = digest_recipients()
        AuditEvent.objects.create(
            action=DIGEST_ACTION,
            target_type="subsidies.warnings_digest",
            target_id=day,
            after={"warnings": warnings.count, "by_grade": warnings.by_grade(), "recipients": len(recipients)},
        )
        if recipients:
            transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    return warnings.count
