"""Issue 13, point 7: formula injection. An enterprise named =HYPERLINK("http://…","点击核对") became a live formula
in the caseworker's queue export; the import report CSV echoed =1+cmd|… the same way. Text is now written as text;
amounts stay numbers with a number format, dates are dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.roles import Role
from registry.exports import spreadsheet_text
from registry.imports import import_file
from registry.models import Enterprise

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/","点击核对")'


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


def test_an_enterprise_named_like_a_formula_is_text_in_the_queue_export(
    client_for, caseworker, officer, applicant, make_enterprise, submit_refund
) -> None:
    enterprise = make_enterprise(officer)
    Enterprise.objects.filter(pk=enterprise.pk).update(name=EVIL)
    case = submit_refund(applicant, Enterprise.objects.get(pk=enterprise.pk))
    response = client_for(caseworker).get("/workbench/cases/export.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == case.reference)
    name = row[header.index("申请人")]
    assert name.value == EVIL and name.data_type == "s"  # shown as typed, never run
    amount = row[header.index("测算金额（元）")]
    assert amount.value == Decimal("24000") and amount.data_type == "n" and amount.number_format == "#,##0.00"
    submitted = row[header.index("已提交")]
    assert isinstance(submitted.value, dt.datetime) and submitted.is_date


def test_the_import_report_csv_neutralises_formulas() -> None:
    rows = [
        ["credit_code", "name", "county_code", "size_class", "industry", "legal_representative"],
        ["=1+cmd|' /C calc'!A0", "某公司", "654201", "small", "", ""],
        ["91654201312345673Q", "@SUM(A1:A2)", "999999", "small", "", ""],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    report = import_file("enterprises", out.getvalue().encode("utf-8-sig"), "e.csv", actor=None).report_csv()
    cells = [cell for row in csv.reader(io.StringIO(report)) for cell in row]
    assert cells, report
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert any(cell.startswith("'=1+cmd") for cell in cells)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", " =1"])
def test_every_formula_trigger_is_made_text(text: str) -> None:
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", ["塔城市示例机械制造有限公司", "WG-654201-2019-000001", "654201********0018"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert spreadsheet_text(text) == text
