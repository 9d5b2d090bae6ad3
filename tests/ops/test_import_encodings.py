"""Encodings and formulas: a file in another encoding is refused instead of imported as mojibake, and an XLSX
formula saved without its value is reported as a formula, not as an empty cell."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from registry.imports import FileUnreadable, import_file
from registry.models import Enterprise

pytestmark = pytest.mark.django_db

ROWS = [
    ["统一社会信用代码", "企业名称", "县市代码", "企业规模"],
    ["91654201312345673Q", "塔城示例商贸有限公司", "654201", "小型"],
    ["92654202MA7XK2B12N", "乌苏示例餐馆", "654202", "微型"],
]
# The same export as a Taiwanese or Hong Kong machine saves it: traditional characters, Big5.
ROWS_TRADITIONAL = [
    ["統一社會信用代碼", "企業名稱", "縣市代碼", "企業規模"],
    ["91654201312345673Q", "塔城示例商貿有限公司", "654201", "小型"],
    ["92654202MA7XK2B12N", "烏蘇示例餐館", "654202", "微型"],
]


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode(encoding)


def test_a_big5_file_is_refused_with_a_message_and_nothing_is_imported() -> None:
    with pytest.raises(FileUnreadable) as exc:
        import_file("enterprises", _csv(ROWS_TRADITIONAL, "big5"), "e.csv", actor=None)
    assert "Big5" in str(exc.value) and "CSV UTF-8" in str(exc.value)
    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_utf8_and_gb18030_files_import_their_chinese_names_intact(encoding: str) -> None:
    result = import_file("enterprises", _csv(ROWS, encoding), "e.csv", actor=None)
    assert result.created == 2
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == ["乌苏示例餐馆", "塔城示例商贸有限公司"]


def test_a_rare_character_in_a_name_is_not_mistaken_for_another_encoding() -> None:
    rows = [*ROWS[:2], ["92654202MA7XK2B12N", "乌苏䶮记餐馆", "654202", "微型"]]
    assert import_file("enterprises", _csv(rows, "gb18030"), "e.csv", actor=None).created == 2


def test_an_xlsx_formula_without_a_saved_value_is_reported_as_a_formula() -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in ROWS[:2]:
        sheet.append(row)
    sheet.append(["92654202MA7XK2B12N", '=CONCATENATE("乌苏","示例餐馆")', "654202", "微型"])
    out = io.BytesIO()
    workbook.save(out)  # openpyxl saves formulas without their values, as other programs do

    result = import_file("enterprises", out.getvalue(), "e.xlsx", actor=None)

    assert (result.created, result.rejected) == (1, 1)
    issue = result.issues[0]
    assert (issue.row, issue.column) == (3, "name")
    assert "公式" in issue.message and "CONCATENATE" in issue.message
