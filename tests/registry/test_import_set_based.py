"""Set-based imports (issue 17, ADR 0009): the file is staged, checked in SQL and written with INSERT … SELECT /
UPDATE … FROM, and an officer sees the same report as before: each bad row with its row in the file (the header is
row 1), duplicates named with the row they repeat, one audit row per created or changed record, nothing of a file
that cannot be read. On PostgreSQL, through both ways into the stage: COPY of the file itself (numbers read by
COPY) and Python's csv reader (a file COPY cannot take as it is)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from bench.bench_registry_import import credit_code
from registry.identifiers import id_check_character
from registry.imports import FileUnreadable, import_file
from registry.models import AuditEvent, Enterprise, InsuranceYear, Person

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADER = ["credit_code", "name", "county_code", "size_class"]
INSURANCE_HEADER = [
    "credit_code",
    "year",
    "insured_at_start",
    "insured_at_end",
    "retired_or_deceased",
    "ui_premiums_paid",
    "ui_months_paid_in_full",
    "monthly_social_insurance_due",
    "in_arrears",
]
COUNT = 120  # enough rows that a bad one sits in the middle of the file


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def enterprises(count: int = COUNT) -> list[list[str]]:
    return [ENTERPRISE_HEADER, *([credit_code(i), f"示例企业{i:04d}", "654201", "small"] for i in range(count))]


def insurance_row(i: int, **changes: str) -> list[str]:
    row = dict(
        zip(INSURANCE_HEADER, [credit_code(i), "2018", "20", "19", "1", "12000.50", "12", "800", "false"], strict=True)
    )
    row.update(changes)
    return list(row.values())


def import_enterprises(count: int = COUNT) -> None:
    result = import_file("enterprises", as_csv(enterprises(count)), "e.csv", actor=None)
    assert result.created == count, result.report_csv()


def issues(result) -> list[tuple[int, str, str]]:
    return [(issue.row, issue.column, issue.message) for issue in result.issues]


def person_id(serial: int) -> str:
    body = f"65420119850315{serial:03d}"
    return body + id_check_character(body)


def quoted(data: bytes) -> bytes:
    """The same file with its first cell in quotes, as some programs write every cell: read by Python's csv module,
    not by COPY (which would also read quotes inside a cell)."""
    return b'"' + data.replace(b",", b'",', 1)


@pytest.mark.parametrize("way", ["copied-as-numbers", "copied-as-text", "read-by-python"])
def test_a_bad_row_in_the_middle_is_reported_with_its_file_row_and_nothing_of_it_is_written(way: str) -> None:
    import_enterprises()
    rows = [INSURANCE_HEADER, *(insurance_row(i) for i in range(COUNT))]
    rows[61] = insurance_row(60, ui_premiums_paid="-300.00")  # data row 61 = file row 62
    if way == "copied-as-text":
        rows[5][1] = " 2018 "  # white space around a cell: COPied as text, trimmed in the stage
    data = quoted(as_csv(rows)) if way == "read-by-python" else as_csv(rows)
    with translation.override("en"):
        result = import_file("insurance", data, "i.csv", actor=None)

    assert issues(result) == [(62, "ui_premiums_paid", "An amount must not be negative.")]
    assert (result.created, result.rejected, result.rows) == (COUNT - 1, 1, COUNT)
    assert not InsuranceYear.objects.filter(enterprise__credit_code=credit_code(60)).exists()
    assert not AuditEvent.objects.filter(action="insurance_year_import", after__insured_at_start=None).exists()
    assert AuditEvent.objects.filter(action="insurance_year_import").count() == COUNT - 1


def test_a_row_that_cannot_be_read_in_the_middle_writes_nothing_of_the_file() -> None:
    data = as_csv(enterprises(COUNT)).decode().splitlines(keepends=True)
    data.insert(60, '"' + "x" * (csv.field_size_limit() + 10) + '",654201\n')  # file row 61
    with pytest.raises(FileUnreadable) as exc, translation.override("en"):
        import_file("enterprises", "".join(data).encode(), "e.csv", actor=None, chunk_size=25)
    assert "Row 61 cannot be read" in str(exc.value) and "Nothing was imported" in str(exc.value)
    assert Enterprise.objects.count() == 0
    assert not AuditEvent.objects.filter(action="enterprise_import").exists()


def test_every_way_into_the_stage_reports_the_same_faults_in_the_same_words() -> None:
    import_enterprises(10)
    rows = [
        INSURANCE_HEADER,
        insurance_row(0),
        insurance_row(1, year="1989"),  # row 3
        insurance_row(2, ui_months_paid_in_full="13"),  # row 4
        insurance_row(3, retired_or_deceased="21"),  # row 5: more than insured at the start
        insurance_row(4, ui_premiums_paid="12.345"),  # row 6
        insurance_row(5, monthly_social_insurance_due="1000000000000"),  # row 7
        insurance_row(6, insured_at_end="-1"),  # row 8
        insurance_row(7, insured_at_start=""),  # row 9
        insurance_row(8, ui_premiums_paid="1.500"),  # row 10: trailing zeros are fine
        insurance_row(9, insured_at_end="1234567890"),  # row 11
    ]
    padded = [list(row) for row in rows]
    padded[1][0] = f" {padded[1][0]}\u3000"  # a full-width space, as Chinese input methods type it

    with translation.override("en"):
        copied = import_file("insurance", as_csv(rows), "i.csv", actor=None)
        InsuranceYear.objects.all().delete()
        trimmed = import_file("insurance", as_csv(padded), "i.csv", actor=None)
        InsuranceYear.objects.all().delete()
        read = import_file("insurance", quoted(as_csv(padded)), "i.csv", actor=None)

    expected = [
        (3, "year", "Must be at least 1990."),
        (4, "ui_months_paid_in_full", "Must be at most 12."),
        (5, "retired_or_deceased", "More people retired or died than were insured at the start of the year."),
        (6, "ui_premiums_paid", "An amount has at most two decimal places."),
        (7, "monthly_social_insurance_due", "The amount is too large."),
        (8, "insured_at_end", "Must not be negative."),
        (9, "insured_at_start", "Enter a whole number."),
        (11, "insured_at_end", "Must be at most 999999999."),
    ]
    assert issues(copied) == issues(trimmed) == issues(read) == expected
    assert (copied.created, trimmed.created, read.created) == (2, 2, 2)
    assert InsuranceYear.objects.get(enterprise__credit_code=credit_code(8)).ui_premiums_paid == Decimal("1.50")


def test_duplicates_within_the_file_name_the_row_they_repeat_even_when_written_differently() -> None:
    import_enterprises(3)
    spaced = credit_code(0)[:6] + " " + credit_code(0)[6:].lower()
    rows = [
        INSURANCE_HEADER,
        insurance_row(0),  # row 2
        insurance_row(1),  # row 3
        insurance_row(0, insured_at_start="30"),  # row 4: the same enterprise and year as row 2
        insurance_row(1, year="2017"),  # row 5: another year, not a duplicate
        [spaced, *insurance_row(0)[1:]],  # row 6: row 2's code, typed with a space and in lower case
        insurance_row(2, year="02018"),  # row 7
        insurance_row(2),  # row 8: 02018 and 2018 are the same year
    ]
    with translation.override("en"):
        result = import_file("insurance", as_csv(rows), "i.csv", actor=None)
    message = "The same record appears again in this file (row %s)."
    assert issues(result) == [
        (4, "credit_code", message % 2),
        (6, "credit_code", message % 2),
        (8, "credit_code", message % 7),
    ]
    assert InsuranceYear.objects.get(enterprise__credit_code=credit_code(0), year=2018).insured_at_start == 20
    assert InsuranceYear.objects.count() == 4


def test_a_record_already_in_the_registry_is_updated_never_added_twice() -> None:
    import_enterprises(3)
    renamed = [ENTERPRISE_HEADER, [credit_code(1).lower(), "新的名字", "654202", "medium"]]
    result = import_file("enterprises", as_csv(renamed), "e.csv", actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(credit_code=credit_code(1)).name == "新的名字"

    header = ["id_number", "name", "phone", "residence_county_code"]
    number = person_id(11)
    assert import_file(
        "persons", as_csv([header, [number, "王芳", "13800001111", "654201"]]), "p.csv", actor=None
    ).created
    written_otherwise = f"{number[:6]} {number[6:14]} {number[14:]}"
    result = import_file(
        "persons", as_csv([header, [written_otherwise, "王芳", "13800002222", "654201"]]), "p.csv", actor=None
    )
    assert (result.created, result.updated) == (0, 1)
    person = Person.objects.get()
    assert (person.id_number, person.phone) == (number, "13800002222")


def test_each_created_or_changed_record_has_one_audit_row_with_masked_values_and_unchanged_ones_none() -> None:
    import_enterprises(4)
    first = [INSURANCE_HEADER, insurance_row(0), insurance_row(1), insurance_row(2)]
    import_file("insurance", as_csv(first), "i.csv", actor=None)
    created = AuditEvent.objects.filter(action="insurance_year_import")
    assert created.count() == 3 and not created.exclude(before=None).exists()
    record = InsuranceYear.objects.get(enterprise__credit_code=credit_code(0))
    assert created.get(target_id=str(record.pk)).after == {
        "year": 2018,
        "insured_at_start": 20,
        "insured_at_end": 19,
        "retired_or_deceased": 1,
        "ui_premiums_paid": "12000.50",
        "ui_months_paid_in_full": 12,
        "monthly_social_insurance_due": "800.00",
        "in_arrears": False,
    }

    second = [
        INSURANCE_HEADER,
        insurance_row(0, in_arrears="是"),  # changed
        insurance_row(1),  # unchanged
        insurance_row(2, ui_premiums_paid="12,000.60"),  # changed
        insurance_row(3),  # new
    ]
    result = import_file("insurance", as_csv(second), "i.csv", actor=None)
    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    changed = AuditEvent.objects.filter(action="insurance_year_import").exclude(before=None)
    assert sorted(changed.values_list("target_id", flat=True)) == sorted(
        str(pk)
        for pk in InsuranceYear.objects.filter(
            enterprise__credit_code__in=[credit_code(0), credit_code(2)]
        ).values_list("pk", flat=True)
    )
    arrears = changed.get(target_id=str(record.pk))
    assert (arrears.before["in_arrears"], arrears.after["in_arrears"], arrears.after["year"]) == (False, True, 2018)
    assert AuditEvent.objects.filter(action="insurance_year_import").count() == 3 + 2 + 1

    header = ["id_number", "name", "phone", "residence_county_code"]
    import_file("persons", as_csv([header, [person_id(21), "张伟", "13912345678", "654221"]]), "p.csv", actor=None)
    import_file("persons", as_csv([header, [person_id(21), "张伟", "13900000000", "654221"]]), "p.csv", actor=None)
    new, change = AuditEvent.objects.filter(action="person_import").order_by("id")
    assert new.after["phone"] == "139****5678" and new.after["id_number"] == "654201********" + person_id(21)[-4:]
    assert (change.before["phone"], change.after["phone"]) == ("139****5678", "139****0000")
    assert person_id(21) not in str(new.after) + str(change.before) + str(change.after)


def test_the_staging_tables_are_gone_after_an_import() -> None:
    import_enterprises(2)
    with connection.cursor() as cursor:
        for table in ("import_raw", "import_stage", "import_checked", "import_plan"):
            cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{table}"])
            assert cursor.fetchone()[0] is None


def test_a_cell_that_is_not_a_number_is_reported_and_the_rest_of_the_file_written() -> None:
    import_enterprises(5)
    rows = [INSURANCE_HEADER, *(insurance_row(i) for i in range(5))]
    rows[3] = insurance_row(2, year="2018年")  # file row 4: COPY cannot read it as a number, the rules say why
    rows[4] = insurance_row(3, ui_premiums_paid="NaN")  # file row 5: a number to COPY, not an amount
    with translation.override("en"):
        result = import_file("insurance", as_csv(rows), "i.csv", actor=None)
    assert issues(result) == [
        (4, "year", "Enter a whole number."),
        (5, "ui_premiums_paid", "Enter an amount in yuan, e.g. 12000.50."),
    ]
    assert result.created == 3
    assert result.report_csv().splitlines()[1] == "4,year,2018年,Enter a whole number."
