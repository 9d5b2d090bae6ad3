"""The prefecture dashboard (clauses （十二）, （十三）, （十四）): charts first, the numbers in a table beside each,
and
an Excel file of every table.

Charts are SVG drawn on the server (no JavaScript, nothing from another host). Both views only read, so they read
from the replica when one is configured (portal/db_routers.py); the figures come from the case tallies
(subsidies.summaries). Scoping: officers and auditors see
every county; a caseworker sees their own county only, whatever the address asks for. The page changes nothing,
so auditors (read-only) see it as officers do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.db_routers import reads_from_replica
from registry.access import counties_for_user, sees_all_counties
from registry.exports import xlsx_row
from registry.models import County
from subsidies import statistics
from subsidies import warnings as early_warning
from subsidies.measures import m04_incubators
from subsidies.models import CaseKind
from subsidies.parameters import parameter_snapshot

ACCESS = "portal.access_workbench"
MAX_MONTHS = 36


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return super().format_value(value)


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class DashboardFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False)
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"), queryset=County.objects.none(), required=False, empty_label=gettext_lazy("All")
    )
    kind = forms.ChoiceField(label=gettext_lazy("Policy"), required=False)

    def __init__(self, *args: Any, counties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = lambda c: c.display_name
        self.fields["kind"].choices = [("", _("All")), *CaseKind.choices]
        for name, f in self.fields.items():
            select = name in ("county", "kind")
            f.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last month is before the first."))
            elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                self.add_error("end", _("Choose at most %(n)s months.") % {"n": MAX_MONTHS})
        return data


def _check_access(request: HttpRequest) -> None:
    if not request.user.has_perm(ACCESS):
        raise PermissionDenied


def _scope_for(request: HttpRequest) -> tuple[DashboardFilterForm, statistics.Scope]:
    """The filter form and the scope it gives, never wider than what the user may see."""
    user = request.user
    all_counties = sees_all_counties(user)
    counties = counties_for_user(user)
    form = DashboardFilterForm(request.GET or None, counties=counties)
    today = timezone.localdate()
    default_end = statistics.month_start(today)
    default_start = date(today.year, 1, 1)
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or default_start
    end = data.get("end") or default_end
    if form.is_bound and not form.is_valid():
        start, end = default_start, default_end
    if end < start:
        start = end
    county = data.get("county")
    if county is not None:
        county_ids: tuple[int, ...] | None = (county.pk,)
    elif all_counties:
        county_ids = None
    else:
        county_ids = tuple(counties.values_list("pk", flat=True))
    kind = data.get("kind") or None
    scope = statistics.Scope(start=start, end=end, county_ids=county_ids, kinds=(kind,) if kind else None)
    return form, scope


# --- Charts (SVG geometry computed here; the template only draws) ----------------------------------------------


# Dark enough against white for non-text contrast (WCAG 1.4.11), distinct for colour-blind readers.
COLOURS = ["#0b5394", "#b45f06", "#38761d", "#741b47"]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Any
    label: str
    fill: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[dict[str, Any]]
    series: list[str]
    max_value: Any
    table_id: str

    @property
    def legend(self) -> list[dict[str, str]]:
        return [{"name": name, "fill": COLOURS[j % len(COLOURS)]} for j, name in enumerate(self.series)]


def bar_chart(*, title: str, table_id: str, categories: list[str], series: list[str], values: list[list[Any]]) -> Chart:
    """A grouped bar chart: values[i][j] is category i, series j."""
    width, height, left, bottom, top = 640, 240, 10, 40, 20
    plot_h = height - bottom - top
    top_value = max([v for row in values for v in row if v] or [1])
    group_w = (width - left * 2) / max(len(categories), 1)
    bar_w = max(min(group_w * 0.8 / max(len(series), 1), 40), 2)
    bars, labels = [], []
    for i, category in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, name in enumerate(series):
            value = values[i][j] or 0
            h = float(Decimal(value) / Decimal(top_value)) * plot_h if top_value else 0
            bars.append(
                Bar(
                    x=round(gx + j * bar_w, 1),
                    y=round(top + plot_h - h, 1),
                    width=round(bar_w - 1, 1),
                    height=round(h, 1),
                    value=value,
                    label=f"{category} · {name}: {value}",
                    fill=COLOURS[j % len(COLOURS)],
                )
            )
        labels.append({"x": round(left + i * group_w + group_w / 2, 1), "y": height - bottom + 16, "text": category})
    return Chart(title, width, height, bars, labels, series, top_value, table_id)


def _charts(board: statistics.Dashboard) -> dict[str, Chart]:
    tables = {t.key: t for t in board.tables}
    monthly = tables["monthly"]
    charts = {
        "monthly": bar_chart(
            title=str(monthly.title),
            table_id="table-monthly",
            categories=[r[0] for r in monthly.rows],
            series=[str(c) for c in monthly.columns[1:]],
            values=[r[1:] for r in monthly.rows],
        )
    }
    funds = tables["funds"]
    by_fund: dict[str, list[Decimal]] = {}
    for fund, _kind, approved, paid in funds.rows:
        acc = by_fund.setdefault(str(fund), [Decimal(0), Decimal(0)])
        acc[0] += approved
        acc[1] += paid
    charts["funds"] = bar_chart(
        title=str(funds.title),
        table_id="table-funds",
        categories=list(by_fund),
        series=[str(funds.columns[2]), str(funds.columns[3])],
        values=list(by_fund.values()),
    )
    regs = tables["registrations"]
    per_county: dict[str, list[int]] = {}
    for county, _month, opened, ended, recognitions in regs.rows:
        acc = per_county.setdefault(county, [0, 0, 0])
        acc[0] += opened
        acc[1] += ended
        acc[2] += recognitions
    charts["registrations"] = bar_chart(
        title=str(regs.title),
        table_id="table-registrations",
        categories=list(per_county),
        series=[str(c) for c in regs.columns[2:]],
        values=list(per_county.values()),
    )
    return charts


def _extra_sections(request: HttpRequest, scope: statistics.Scope) -> dict[str, Any]:
    """Sections added by later parts of the dashboard (early warning, incubators)."""
    context: dict[str, Any] = {
        "warnings": early_warning.warnings_for(county_ids=scope.county_ids, today=timezone.localdate())
    }
    if scope.county_ids is None:
        context["incubators"] = m04_incubators.progress(today=timezone.localdate())
    return context


@never_cache
@require_GET
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    _check_access(request)
    with parameter_snapshot():  # the early warnings read five parameters: one statement, not five
        return _dashboard(request)


def _dashboard(request: HttpRequest) -> HttpResponse:
    form, scope = _scope_for(request)
    board = statistics.build(scope)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "board": board,
        "charts": _charts(board),
        "tables": {t.key: t for t in board.tables},
        "export_query": query,
        "can_manage_incubators": request.user.has_perm("portal.manage_parameters"),
    }
    context.update(_extra_sections(request, scope))
    return render(request, "portal/dashboard/index.html", context, status=200 if not form.errors else 400)


@never_cache
@require_GET
@reads_from_replica
def export(request: HttpRequest) -> HttpResponse:
    """Every table of the dashboard, one sheet each, for the same filters and the same scope as the page."""
    _check_access(request)
    with parameter_snapshot():
        return _export(request)


def _export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    _form, scope = _scope_for(request)
    board = statistics.build(scope)
    workbook = Workbook(write_only=True)
    extra = _extra_sections(request, scope)
    tables = list(board.tables)
    if "warnings" in extra:
        tables.append(extra["warnings"].table())
    if "incubators" in extra:
        tables.extend(extra["incubators"].tables())
    used: set[str] = set()
    for n, table in enumerate(tables, start=1):
        # Excel forbids []:*?/\ in sheet titles and allows 31 characters; keep titles unique.
        title = re.sub(r"[\[\]:*?/\\]", " ", str(table.title)).strip()[:28] or str(n)
        if title in used:
            title = f"{title[:25]} {n}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append(xlsx_row(sheet, [str(c) for c in table.columns]))
        for row in table.rows:
            # Names typed by applicants (an enterprise, an incubator) are written as text, never as a formula.
            sheet.append(xlsx_row(sheet, row))
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"dashboard-{scope.start:%Y-%m}-{scope.end:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
