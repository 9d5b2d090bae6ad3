"""Imports of the social-insurance system's exports (issue 3, "Imports"): upsert, row-level report, exit codes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from registry.imports import import_file
from registry.models import AuditEvent, Enterprise, InsuranceYear, Person

pytestmark = pytest.mark.django_db

ENTERPRISES = [
    ["credit_code", "name", "county_code", "size_class", "industry", "legal_representative"],
    ["91654201312345673Q", "塔城示例商贸有限公司", "654201", "small", "批发和零售业", "王芳"],
    ["92654202MA7XK2B12N", "乌苏示例餐馆", "654202", "微型", "餐饮业", "李强"],
    ["93654221076543212B", "额敏示例合作社", "654221", "micro", "农业", "张伟"],
]
INSURANCE_ZH = [
    [
        "统一社会信用代码",
        "年度",
        "年初参保人数",
        "年末参保人数",
        "退休或死亡人数",
        "实际缴纳失业保险费",
        "足额缴费月数",
        "月应缴社会保险费",
        "是否欠费",
    ],
    ["91654201312345673Q", "2018", "20", "19", "1", "12000.00", "12", "8000.00", "否"],  # row 2: good
    ["92654202MA7XK2B12N", "2018", "3", "3", "0", "1500", "12", "900", "0"],  # row 3: good
    ["93654221076543212B", "2018", "5", "4", "6", "100", "12", "10", "false"],  # row 4: more retired than insured
    ["93654221076543212B", "2017", "5", "4", "1", "-100", "12", "10", "false"],  # row 5: negative money
    ["91654201312345674Q", "2018", "5", "4", "1", "100", "12", "10", "是"],  # row 6: bad checksum
    ["91654201312345673Q", "2018", "21", "19", "1", "12000.00", "12", "8000.00", "否"],  # row 7: duplicate key
    ["91110000600037341L", "2018", "5", "4", "1", "100", "12", "10", "是"],  # row 8: unknown enterprise
]
PERSONS = [
    ["id_number", "name", "phone", "residence_county_code", "address", "hukou_area_code"],
    ["654201198503150018", "阿依古丽·买买提", "13912345678", "654201", "塔城市新华路1号", ""],
    ["654202199807080021", "王芳", "13800001111", "654202", "乌苏市", "654202"],
    ["654202199807080022", "坏号码", "13800001112", "654202", "乌苏市", ""],  # bad check character
    ["654221199211220037", "张伟", "13800001113", "659999", "", ""],  # unknown county
]


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_it_counts_good_and_bad_rows_and_reports_each_bad_row():
    assert import_file("enterprises", as_csv(ENTERPRISES), "e.csv", actor=None).summary == (
        "created 3, updated 0, unchanged 0, rejected 0"
    )
    result = import_file("insurance", as_csv(INSURANCE_ZH), "i.csv", actor=None)
    assert result.summary == "created 2, updated 0, unchanged 0, rejected 5"
    assert [(i.row, i.column) for i in sorted(result.issues, key=lambda i: i.row)] == [
        (4, "retired_or_deceased"),
        (5, "ui_premiums_paid"),
        (6, "credit_code"),
        (7, "credit_code"),
        (8, "credit_code"),
    ]
    row = InsuranceYear.objects.get(enterprise__credit_code="91654201312345673Q", year=2018)
    assert (row.insured_at_start, row.ui_premiums_paid, row.in_arrears) == (20, Decimal("12000.00"), False)


def test_a_second_run_reports_everything_unchanged_and_writes_no_audit_rows():
    import_file("enterprises", as_csv(ENTERPRISES), "e.csv", actor=None)
    import_file("insurance", as_csv(INSURANCE_ZH), "i.csv", actor=None)
    audit_rows = AuditEvent.objects.count()
    assert import_file("enterprises", as_csv(ENTERPRISES), "e.csv", actor=None).summary == (
        "created 0, updated 0, unchanged 3, rejected 0"
    )
    assert import_file("insurance", as_csv(INSURANCE_ZH), "i.csv", actor=None).summary == (
        "created 0, updated 0, unchanged 2, rejected 5"
    )
    assert AuditEvent.objects.count() == audit_rows


def test_a_changed_row_is_updated_and_audited():
    import_file("enterprises", as_csv(ENTERPRISES), "e.csv", actor=None)
    changed = [ENTERPRISES[0], [*ENTERPRISES[1][:1], "塔城示例商贸集团", *ENTERPRISES[1][2:]]]
    assert import_file("enterprises", as_csv(changed), "e.csv", actor=None).summary == (
        "created 0, updated 1, unchanged 0, rejected 0"
    )
    enterprise = Enterprise.objects.get(credit_code="91654201312345673Q")
    assert enterprise.name == "塔城示例商贸集团"
    event = AuditEvent.objects.filter(target_id=str(enterprise.pk), action="enterprise_import").first()
    assert event.before["name"] == "塔城示例商贸有限公司"


def test_xlsx_and_csv_of_the_same_data_give_the_same_registry():
    def registry_state():
        return (
            sorted(Enterprise.objects.values_list("credit_code", "name", "county__code", "size_class")),
            sorted(
                InsuranceYear.objects.values_list(
                    "enterprise__credit_code", "year", "insured_at_start", "ui_premiums_paid", "in_arrears"
                )
            ),
        )

    import_file("enterprises", as_csv(ENTERPRISES), "e.csv", actor=None)
    import_file("insurance", as_csv(INSURANCE_ZH), "i.csv", actor=None)
    from_csv = registry_state()
    InsuranceYear.objects.all().delete()
    Enterprise.objects.all().delete()
    import_file("enterprises", as_xlsx(ENTERPRISES), "e.xlsx", actor=None)
    result = import_file("insurance", as_xlsx(INSURANCE_ZH), "i.xlsx", actor=None)
    assert result.summary == "created 2, updated 0, unchanged 0, rejected 5"
    assert registry_state() == from_csv


def test_it_imports_people_with_encrypted_id_numbers_and_masks_the_report():
    result = import_file("persons", as_csv(PERSONS), "p.csv", actor=None)
    assert result.summary == "created 2, updated 0, unchanged 0, rejected 2"
    person = Person.objects.get(name="阿依古丽·买买提")
    assert person.id_number == "654201198503150018"
    assert person.hukou_area_code == "654201"
    report = result.report_csv()
    assert "654202********0022" in report
    assert "654202199807080022" not in report
    assert import_file("persons", as_csv(PERSONS), "p.csv", actor=None).summary == (
        "created 0, updated 0, unchanged 2, rejected 2"
    )


def test_the_command_prints_the_summary_writes_the_report_and_exits_2_on_an_unreadable_file(tmp_path, capsys):
    enterprises = tmp_path / "enterprises.csv"
    enterprises.write_bytes(as_csv(ENTERPRISES))
    insurance = tmp_path / "insurance.csv"
    insurance.write_bytes(as_csv(INSURANCE_ZH))
    report = tmp_path / "report.csv"
    call_command("import_registry", "enterprises", str(enterprises))
    call_command("import_registry", "insurance", str(insurance), "--report", str(report))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "created 2, updated 0, unchanged 0, rejected 5"
    lines = report.read_text(encoding="utf-8-sig").strip().splitlines()
    assert lines[0] == "row,column,value,message"
    assert len(lines) == 6
    with pytest.raises(CommandError) as exc:
        call_command("import_registry", "insurance", str(tmp_path / "missing.csv"))
    assert exc.value.returncode == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_registry", "insurance", str(bad))
    assert exc.value.returncode == 2
