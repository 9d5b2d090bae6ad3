"""Registry import: 100,000 enterprises and 100,000 insurance rows from CSV, beside PostgreSQL COPY of the same file.

The aims (issue 17): the insurance file (validation and audit rows included) at >= 25,000 rows/s, and at most 10x
the time a bare COPY of the same file into a plain table takes, measured side by side in this run (COPYs before,
between and after the imports, their median: the machine's load changes during a run). Beside them, what writing
alone costs (the rows and their audit rows, nothing read or checked): the part no way of checking can remove.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction

from bench.db import fresh_database
from bench.report import report
from registry.identifiers import credit_code_check_character, organisation_code_check_digit
from registry.imports import import_file

ROWS = 100_000
COUNTIES = ["654201", "654202", "654221", "654223", "654224", "654225", "654226", "654203"]


def credit_code(i: int) -> str:
    county = COUNTIES[i % len(COUNTIES)]
    organisation = f"{i:08d}"
    body = "91" + county + organisation + organisation_code_check_digit(organisation)
    return body + credit_code_check_character(body)


def write_files(folder: Path) -> tuple[Path, Path]:
    rng = random.Random(2019)
    enterprises, insurance = folder / "enterprises.csv", folder / "insurance.csv"
    sizes = ["large", "medium", "small", "micro"]
    with (
        enterprises.open("w", newline="", encoding="utf-8") as e,
        insurance.open("w", newline="", encoding="utf-8") as s,
    ):
        ew, sw = csv.writer(e), csv.writer(s)
        ew.writerow(["credit_code", "name", "county_code", "size_class", "industry", "legal_representative"])
        sw.writerow(
            [
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
        )
        for i in range(ROWS):
            code = credit_code(i)
            ew.writerow([code, f"示例企业{i:06d}有限公司", COUNTIES[i % 8], sizes[i % 4], "制造业", "王芳"])
            start = rng.randint(1, 300)
            sw.writerow(
                [
                    code,
                    2018,
                    start,
                    max(0, start - rng.randint(0, 10)),
                    rng.randint(0, min(start, 3)),
                    f"{rng.randint(100, 900000)}.{rng.randint(0, 99):02d}",
                    rng.randint(0, 12),
                    f"{rng.randint(100, 90000)}.00",
                    rng.choice(["true", "false"]),
                ]
            )
    return enterprises, insurance


def timed_import(kind: str, path: Path) -> tuple[float, str]:
    data = path.read_bytes()
    started = time.perf_counter()
    result = import_file(kind, data, path.name, actor=None)
    return time.perf_counter() - started, result.summary


def copy_seconds(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_insurance_copy (credit_code text, year int, insured_at_start int, insured_at_end int,"
            " retired_or_deceased int, ui_premiums_paid numeric(14,2), ui_months_paid_in_full int,"
            " monthly_social_insurance_due numeric(14,2), in_arrears boolean)"
        )
        started = time.perf_counter()
        with path.open(encoding="utf-8") as handle:
            cursor.cursor.copy_expert("COPY bench_insurance_copy FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_insurance_copy")
    return elapsed


def write_floor_seconds(path: Path, *, audit: bool = True) -> float:
    """What any import of the file must write, without reading or checking anything: the 100,000 typed rows of a
    table COPY filled, inserted into the registry's insurance table (its constraints, indexes and foreign key checked
    at once) with one audit row each (or, `audit=False`, none), then rolled back. The part of the import's time the
    checks cannot remove."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys are checked now, not at a commit
        cursor.execute(
            "CREATE TEMP TABLE bench_floor (credit_code text, year int, insured_at_start int, insured_at_end int,"
            " retired_or_deceased int, ui_premiums_paid numeric(14,2), ui_months_paid_in_full int,"
            " monthly_social_insurance_due numeric(14,2), in_arrears boolean)"
        )
        with path.open(encoding="utf-8") as handle:
            cursor.cursor.copy_expert("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO registry_insuranceyear (enterprise_id, year, insured_at_start, insured_at_end,"
            " retired_or_deceased, ui_premiums_paid, ui_months_paid_in_full, monthly_social_insurance_due,"
            " in_arrears, source, updated_at)"
            " SELECT e.id, f.year - 1, f.insured_at_start, f.insured_at_end, f.retired_or_deceased, f.ui_premiums_paid,"
            " f.ui_months_paid_in_full, f.monthly_social_insurance_due, f.in_arrears, 'import', now()"
            " FROM bench_floor f JOIN registry_enterprise e ON e.credit_code = f.credit_code"
        )
        if not audit:
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
            return elapsed
        cursor.execute(
            "INSERT INTO registry_auditevent (occurred_at, action, target_type, target_id, after, reason)"
            " SELECT now(), 'insurance_year_import', 'registry.insuranceyear', CAST(i.id AS text),"
            " jsonb_build_object('year', i.year, 'insured_at_start', i.insured_at_start, 'insured_at_end',"
            " i.insured_at_end, 'retired_or_deceased', i.retired_or_deceased, 'ui_premiums_paid',"
            " CAST(i.ui_premiums_paid AS text), 'ui_months_paid_in_full', i.ui_months_paid_in_full,"
            " 'monthly_social_insurance_due', CAST(i.monthly_social_insurance_due AS text), 'in_arrears',"
            " i.in_arrears), 'bench' FROM registry_insuranceyear i WHERE i.year = 2017"
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    fresh_database()
    with tempfile.TemporaryDirectory() as folder:
        enterprises, insurance = write_files(Path(folder))
        seconds, summary = timed_import("enterprises", enterprises)
        print(f"   enterprises: {ROWS:,} rows in {seconds:.2f} s = {ROWS / seconds:,.0f} rows/s ({summary})")
        copies = [copy_seconds(insurance)]
        seconds, summary = timed_import("insurance", insurance)
        copies.append(copy_seconds(insurance))
        print(f"   insurance:   {ROWS:,} rows in {seconds:.2f} s = {ROWS / seconds:,.0f} rows/s ({summary})")
        again, summary = timed_import("insurance", insurance)
        print(f"   insurance again (nothing changes): {again:.2f} s = {ROWS / again:,.0f} rows/s ({summary})")
        copies.append(copy_seconds(insurance))
        floor = write_floor_seconds(insurance)
        copies.append(copy_seconds(insurance))
        rows_floor = write_floor_seconds(insurance, audit=False)
        copies.append(copy_seconds(insurance))
        copy = statistics.median(copies)
        print(
            f"   PostgreSQL COPY of the insurance file into a plain table: {copy:.2f} s = {ROWS / copy:,.0f} rows/s"
            f" (median of {', '.join(f'{c:.2f}' for c in copies)} s)"
        )
        print(
            f"   writing alone (the rows with their constraints, indexes and foreign key, and their audit rows;"
            f" nothing read or checked): {floor:.2f} s = {floor / copy:.1f}x COPY"
        )
        print(
            f"   writing the rows alone (their constraints, indexes and foreign key checked at once; no audit rows,"
            f" nothing read or checked): {rows_floor:.2f} s = {rows_floor / copy:.1f}x COPY"
        )
        rate = ROWS / seconds
        report(
            "registry import, 100k insurance rows with validation and audit",
            round(rate),
            ">= 25,000 rows/s",
            met=rate >= 25_000,
            unit="rows/s",
        )
        ratio = seconds / copy
        report(
            "registry import / PostgreSQL COPY of the same file",
            round(ratio, 2),
            "<= 10x, side by side",
            met=ratio <= 10,
            unit="x",
        )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   peak memory (max RSS of the process): {peak_mib:,.0f} MiB")
    print(f"   load average during the run (other work on the machine skews the figures): {os.getloadavg()[0]:.2f}")
