"""Cells for the spreadsheets the portal writes (xlsx and csv), safe to open in Excel or WPS.

A cell whose text starts with = + - @ (or a tab or carriage return) is a formula to a spreadsheet: an enterprise
named `=HYPERLINK("http://…","点击核对")` would become a live link in a caseworker's export (CSV/formula injection,
OWASP). Text is therefore always written as text: in xlsx as a string cell (never a formula), in csv with a leading
apostrophe, which spreadsheets show as text and hide. Amounts are numbers with a number format and dates are dates,
so sums and sorting still work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Characters XML (and so xlsx) cannot hold; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spreadsheet_text(value: Any) -> str:
    """Text a spreadsheet will not run: a leading apostrophe before a formula trigger (also after spaces)."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for csv.writer: numbers stay numbers, every text is made safe."""
    return [value if _is_number(value) else spreadsheet_text(value) for value in values]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for a write-only openpyxl sheet: amounts as numbers with a number format, dates as dates (local time),
    text as text (a string cell, never a formula, even if it starts with =)."""
    from openpyxl.cell import WriteOnlyCell  # optional dependency of the import/export paths only

    cells = []
    for value in values:
        if value is None:
            cells.append(WriteOnlyCell(sheet, value=None))
        elif _is_number(value):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                cell.number_format = AMOUNT_FORMAT
            cells.append(cell)
        elif isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
            cell.number_format = DATETIME_FORMAT
            cells.append(cell)
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            cells.append(cell)
        else:
            text = _ILLEGAL.sub("", str(value))
            cell = WriteOnlyCell(sheet, value=text)
            # openpyxl makes any text starting with "=" a formula; a string cell is shown as typed.
            cell.data_type = "s"
            cells.append(cell)
    return cells
