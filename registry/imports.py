"""Imports of what the social-insurance system exports: enterprises, insurance by enterprise and year, people.

CSV (UTF-8 with or without BOM, or GB18030 as Excel in China saves it) or XLSX (openpyxl, read-only), headers in
English or Chinese. Rows are upserted by their key (credit code; credit code and year; ID number through the blind
index), so importing the same file twice changes nothing. A row with a bad value is rejected with a message (in the
report, with its row number in the file) and the rest go on.

All or nothing per file: the whole file is written in one transaction, with the job's outcome. A file that cannot be
read to its end (an unreadable row, a wrong encoding), a killed worker or command, or a database failure writes
nothing; the job says so, and running it again (the sweeper, the officer's "retry", `import_registry --resume`)
starts from the beginning, which is safe because rows are upserted.

The outbox, as for notices (subsidies.document_jobs): the ImportJob row is the truth, Redis only carries its id.
- `import_job_create` stores the encrypted upload and sends the id on commit (Redis down only logs);
- `import_jobs_sweep` (beat, every IMPORT_SWEEP_SECONDS) sends again the waiting jobs whose lease ran out and the
  running jobs without a heartbeat for IMPORT_STALE_SECONDS (their worker or command died);
- `import_job_run` claims the job (attempts + 1), writes a heartbeat and the rows read from a thread of its own every
  IMPORT_HEARTBEAT_SECONDS, and writes the file; a PostgreSQL advisory lock keeps two runs of one job from writing
  at once. After MAX_ATTEMPTS runs that died the job is failed; the officer's retry (`import_job_retry`) starts the
  count again.

Set-based (ADR 0009, registry.staging): the file goes into a temporary staging table (PostgreSQL's COPY reads a
plain CSV file itself), each column's rules are checked there in SQL, once for the whole file, the check characters
of credit codes and ID numbers in Python (once per value the registry does not already hold), and the new records,
the changed records and one audit row per created or changed record are written with INSERT … SELECT and
UPDATE … FROM. The same SQL runs on SQLite (`make run`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.crypto import (
    EncryptedTextField,
    decrypt_bytes,
    encrypt_bytes,
    encrypt_text,
    id_number_index,
    mask_id_number,
    mask_phone,
)
from registry.exports import csv_row
from registry.identifiers import error_text, parse_credit_code, parse_id_number
from registry.models import (
    AuditEvent,
    County,
    Enterprise,
    ImportJob,
    ImportKind,
    InsuranceYear,
    Person,
    SizeClass,
    Source,
)
from registry.refusals import Refused
from registry.staging import (
    WHITESPACE,
    Lookup,
    RowUnreadable,
    Rule,
    Sql,
    Stage,
    amount,
    boolean,
    choice,
    optional,
    pattern,
    reference,
    required,
    typed_amount,
    typed_boolean,
    typed_choice,
    typed_whole_number,
    whole_number,
)

logger = logging.getLogger(__name__)

CHUNK_SIZE = 10_000  # rows staged at once when they go through Python (XLSX, quoted CSV, people)
MAX_ATTEMPTS = 3  # runs that died (killed worker, time limit, database failure) before the job is failed


def _lease() -> dt.timedelta:
    """How long a job sent to the workers is left alone before the sweeper sends it again."""
    return dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


# Canonical column -> accepted headers (compared after lower-casing and dropping spaces, "_" and "-").
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    ImportKind.ENTERPRISES: {
        "credit_code": ("credit_code", "统一社会信用代码", "信用代码"),
        "name": ("name", "企业名称", "单位名称", "名称"),
        "county_code": ("county_code", "县市代码", "所在县市代码", "区划代码"),
        "size_class": ("size_class", "企业规模", "规模"),
        "industry": ("industry", "行业"),
        "legal_representative": ("legal_representative", "法定代表人"),
    },
    ImportKind.INSURANCE: {
        "credit_code": ("credit_code", "统一社会信用代码", "信用代码"),
        "year": ("year", "年度", "年份"),
        "insured_at_start": ("insured_at_start", "年初参保人数"),
        "insured_at_end": ("insured_at_end", "年末参保人数"),
        "retired_or_deceased": ("retired_or_deceased", "退休或死亡人数", "退休死亡人数"),
        "ui_premiums_paid": ("ui_premiums_paid", "实际缴纳失业保险费", "失业保险费实缴额"),
        "ui_months_paid_in_full": ("ui_months_paid_in_full", "足额缴费月数", "失业保险足额缴费月数"),
        "monthly_social_insurance_due": ("monthly_social_insurance_due", "月应缴社会保险费", "每月应缴社会保险费"),
        "in_arrears": ("in_arrears", "是否欠费", "欠费"),
    },
    ImportKind.PERSONS: {
        "id_number": ("id_number", "身份证号", "公民身份号码", "身份证号码"),
        "name": ("name", "姓名"),
        "phone": ("phone", "手机号", "联系电话", "电话"),
        "residence_county_code": ("residence_county_code", "常住地县市代码", "常住地代码"),
        "address": ("address", "常住地址", "地址"),
        "hukou_area_code": ("hukou_area_code", "户籍地代码", "户籍区划代码"),
    },
}
OPTIONAL_COLUMNS = {"industry", "legal_representative", "phone", "address", "hukou_area_code"}
KEY_COLUMNS = {
    ImportKind.ENTERPRISES: "credit_code",
    ImportKind.INSURANCE: "credit_code",
    ImportKind.PERSONS: "id_number",
}

SIZE_CLASSES = {
    "large": SizeClass.LARGE,
    "大型": SizeClass.LARGE,
    "medium": SizeClass.MEDIUM,
    "中型": SizeClass.MEDIUM,
    "small": SizeClass.SMALL,
    "小型": SizeClass.SMALL,
    "micro": SizeClass.MICRO,
    "微型": SizeClass.MICRO,
}
BOOLEANS = {"true": True, "1": True, "是": True, "false": False, "0": False, "否": False}
PHONE_RE = re.compile(r"^\+?[0-9][0-9-]{4,19}$")
CENT = Decimal("0.01")


# The Celery task that runs an import job (registry.tasks).
RUN_TASK = "registry.tasks.import_job_run_task"
ADVISORY_LOCK_BASE = 0x1A0B0000  # pg_advisory_xact_lock(base + job id): one writer per import job


class FileUnreadable(Exception):
    """The file could not be read at all (the command exits with 2)."""


@dataclass
class Issue:
    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"

    def report_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "column", "value", "message"])
        for issue in self.issues:
            # The value comes from the uploaded file: never a live formula in the report (registry.exports).
            writer.writerow(csv_row([issue.row, issue.column, issue.value, issue.message]))
        return out.getvalue()


# --- Reading -----------------------------------------------------------------------------------------------


def _header_key(text: Any) -> str:
    return re.sub(r"[\s_\-]", "", str(text or "")).lower()


def _column_positions(kind: str, header: list[Any]) -> dict[str, int]:
    aliases = {_header_key(alias): column for column, names in COLUMNS[kind].items() for alias in names}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = aliases.get(_header_key(cell))
        if column and column not in positions:
            positions[column] = index
    missing = [c for c in COLUMNS[kind] if c not in positions and c not in OPTIONAL_COLUMNS]
    if missing:
        raise FileUnreadable(_("The file lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    return positions


def _cell(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_xlsx(file_name: str) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes, file_name: str) -> Iterator[list[Any]]:
    """Rows of a CSV or XLSX file as lists of cells (the first is the header). Raises FileUnreadable."""
    if _is_xlsx(file_name):
        return _read_xlsx(data)
    return iter(csv.reader(io.StringIO(_decode_csv(data))))


def _decode_csv(data: bytes) -> str:
    """The text of a CSV file (UTF-8 with or without BOM, or GB18030). Raises FileUnreadable."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable(_("The file is neither UTF-8 nor GB18030 text."))
    if "\x00" in text[:4096]:
        raise FileUnreadable(_("The file is not a CSV file."))
    if _looks_garbled(text[:200_000]):
        raise FileUnreadable(
            _(
                "The file's Chinese text does not read as UTF-8 or GB18030 (it looks like Big5 or another encoding, "
                "and would be imported as garbled characters). Nothing was imported. Open it in Excel and save it "
                'again as "CSV UTF-8", then upload that file.'
            )
        )
    return text


def _common_chinese(ch: str) -> bool:
    """In GB2312, the character set of everyday Simplified Chinese (names and addresses of the prefecture)."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _looks_garbled(text: str) -> bool:
    """Text in another encoding decoded as GB18030 (Big5 above all) is valid but garbled: rare ideographs outside
    GB2312, kana and bopomofo among the Chinese. Real exports use everyday characters; a rare one in a name is fine."""
    chinese = odd = 0
    for ch in text:
        code = ord(ch)
        if code < 0x3000:
            continue
        if 0x3040 <= code <= 0x312F or 0xE000 <= code <= 0xF8FF:  # kana, bopomofo, private use
            odd += 1
        elif 0x3400 <= code <= 0x9FFF or 0x20000 <= code <= 0x2FFFF:  # ideographs
            chinese += 1
            if not _common_chinese(ch):
                odd += 1
    return odd >= 3 and odd > 0.2 * max(chinese, 1)


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        # The values Excel saved, and beside them the formulas: a formula cell saved without its value (a file
        # written by a program, not by Excel) is reported as a formula, not read as empty.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileUnreadable(_("The file is not a readable XLSX workbook.")) from exc

    def rows() -> Iterator[list[Any]]:
        try:
            values = workbook.worksheets[0].iter_rows(values_only=True)
            written = formulas.worksheets[0].iter_rows(values_only=True)
            for row, as_written in zip(values, written, strict=False):
                yield [
                    Formula(raw) if value is None and isinstance(raw, str) and raw.startswith("=") else value
                    for value, raw in zip(row, as_written, strict=False)
                ]
        finally:
            workbook.close()
            formulas.close()

    return rows()


class Formula(str):
    """An XLSX cell holding a formula whose value was not saved with the file."""


def read_file(path: str | Path) -> tuple[bytes, str]:
    path = Path(path)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise FileUnreadable(_("The file cannot be opened: %(error)s") % {"error": exc.strerror}) from exc


def count_data_rows(data: bytes, file_name: str) -> int:
    """The rows after the header (for the progress bar)."""
    if not _is_xlsx(file_name):
        text = _decode_csv(data)
        if '"' not in text:  # no cell holds a line break: count the lines that are not blank
            return max(0, sum(1 for line in text.splitlines() if line.strip()) - 1)
    return max(0, sum(1 for _row in read_table(data, file_name)) - 1)


# --- Rules of the file's columns (checked in SQL over the staging table, registry.staging) -------------------------


def mask_value(column: str, value: str) -> str:
    """What the report may show of a cell: ID numbers and phones masked, long text cut."""
    if column == "id_number":
        return mask_id_number(value) if value else ""
    if column == "phone":
        return mask_phone(value) if value else ""
    return value[:60]


def _checked_credit_code(raw: str) -> tuple[str, str]:
    try:
        return parse_credit_code(raw), ""
    except ValidationError as exc:
        return "", error_text(exc)


def _formula_issue(positions: list[tuple[str, int]]) -> Callable[[list[Any]], tuple[str, str] | None]:
    def issue(cells: list[Any]) -> tuple[str, str] | None:
        for column, index in positions:
            if cells[index].__class__ is Formula:
                return column, _(
                    "This cell holds a formula (%(formula)s) whose value was not saved in the file. Open "
                    "the file in Excel, save it, and upload it again (or paste the values only)."
                ) % {"formula": str(cells[index])[:60]}
        return None

    return issue


# --- Inserting many rows --------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class RawJSON(str):
    """A JSON document already encoded (an audit row's before/after): COPY writes it as it is."""


def _json_value(value: Any) -> str:
    kind = value.__class__
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is Decimal:
        return f'"{value}"'  # as str(value): digits, sign and point only
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, default=str)


def raw_json(values: dict[str, Any] | None) -> RawJSON | None:
    """Compact JSON of a flat dict (keys are field names), much cheaper than json.dumps for ints and amounts."""
    if values is None:
        return None
    return RawJSON("{" + ", ".join([f'"{key}": {_json_value(value)}' for key, value in values.items()]) + "}")


def _converter(field: models.Field) -> Callable[[Any], str]:
    """How one column's values are written in COPY's text format (chosen once per column, not per value)."""
    if isinstance(field, EncryptedTextField):
        return lambda v: _text(field.get_db_prep_save(v, connection)) if v else ""
    if isinstance(field, models.BooleanField):
        return lambda v: "t" if v else "f"
    if isinstance(field, models.JSONField):
        return lambda v: (
            "\\N"
            if v is None
            else _text(v if v.__class__ is RawJSON else json.dumps(v, ensure_ascii=False, default=str))
        )
    if isinstance(field, models.DateTimeField | models.DateField):
        cache: dict[Any, str] = {}

        def date_text(v: Any) -> str:
            if v is None:
                return "\\N"
            text = cache.get(v)
            if text is None:
                text = cache[v] = v.isoformat()
            return text

        return date_text
    if isinstance(field, models.CharField | models.TextField):
        return lambda v: "\\N" if v is None else _text(v)
    return lambda v: "\\N" if v is None else str(v)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert new rows (field name -> value) as fast as the database allows.

    On PostgreSQL: COPY FROM STDIN in text format, several times faster than bulk_create's INSERT (which spent most
    of the import's time building model instances and SQL). Elsewhere (SQLite in development): bulk_create.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        decoded = [{k: json.loads(v) if v.__class__ is RawJSON else v for k, v in row.items()} for row in rows]
        model.objects.bulk_create([model(**row) for row in decoded], batch_size=500)
        return
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    converters = [_converter(f) for f in fields]
    pairs = list(zip(names, converters, strict=True))
    buffer = io.StringIO("".join(["\t".join([convert(row[name]) for name, convert in pairs]) + "\n" for row in rows]))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def lookup(model: type[models.Model], key: str, keys: Iterable[Any], *fields: str) -> list[tuple[Any, ...]]:
    """values_list(key, *fields) of the rows whose key is in keys: one query with one array parameter on
    PostgreSQL (Django's IN builds a parameter per key, which cost more than the query itself)."""
    keys = list(keys)
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{key}__in": keys}).values_list(key, *fields))
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in (key, *fields))
    table = connection.ops.quote_name(meta.db_table)
    key_column = connection.ops.quote_name(meta.get_field(key).column)
    sql = f"SELECT {columns} FROM {table} WHERE {key_column} = ANY(%s)"  # noqa: S608 - names from _meta, values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [keys])
        return cursor.fetchall()


# --- The importers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A column the import writes: its name in the table, its value (SQL over import_stage and the importer's
    joins) and how the audit trail writes it (value, money or bool)."""

    name: str
    expr: str
    audit: str = "value"


class _Importer:
    """One kind of file, set-based: the rules of its columns, the key a duplicate repeats, and how its rows are
    written (INSERT … SELECT the new, UPDATE … FROM the changed, the audit rows of both)."""

    kind: str
    model: type[models.Model]
    action: str
    fast_copy = True  # the file may be COPied into the stage as it is (not when it holds ID numbers)
    extras: tuple[str, ...] = ()  # columns prepare() fills in Python
    copies: dict[str, str] = {}  # staged columns starting as a copy of another
    typed_columns: dict[str, str] = {}  # column -> SQL type COPY may read it as (whole numbers, amounts)

    def __init__(self, *, actor: Any, job: ImportJob | None) -> None:
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.job = job
        self.target_type = self.model._meta.label_lower
        self.reason = f"import #{job.pk}" if job else "import"
        self.sql = Sql()
        self.now = timezone.now()
        self.typed = False  # whether COPY read the numbers (Stage.types): the rules are written for what it staged

    def lookups(self) -> list[Lookup]:
        """Ids looked up while staging (the county of a county code, the enterprise of a credit code)."""
        return []

    # What each kind says.
    def check(self, stage: Stage) -> None:
        """Checks only Python can make (check characters), before the rules."""

    def rules(self) -> list[Rule]:
        raise NotImplementedError

    def rules_after_duplicates(self) -> list[Rule]:
        return []

    key_column: str  # the file's column a duplicate is reported on

    def key(self) -> list[str]:
        """SQL over import_stage: what a duplicate within the file repeats."""
        raise NotImplementedError

    def keys(self) -> list[Field]:
        """The natural key of the table (how a row of the file finds its record)."""
        raise NotImplementedError

    def fields(self) -> list[Field]:
        raise NotImplementedError

    def plan_extras(self) -> list[Field]:
        """Values only new records take from the file (carried in the plan)."""
        return []

    def plan_carry(self) -> list[Field]:
        """Values the plan carries for the audit rows only."""
        return []

    def insert_constants(self) -> list[tuple[str, Any]]:
        return []

    def update_constants(self) -> list[tuple[str, Any]]:
        return [("updated_at", self.sql.datetime_param(self.now))]

    def audit_new(self) -> list[tuple[str, str, str]]:
        """(key in the audit row, plan column, how) of a created record's `after`."""
        return [(f.name, f.name, f.audit) for f in self.fields()]

    def audit_both(self) -> list[tuple[str, str, str]]:
        """Keys written in both before and after of a changed record (not changed by the import)."""
        return []

    def prepare(self, batch: list[list[Any]]) -> None:
        """Python's part of each row of a chunk, before it is staged (PersonImporter)."""

    def check_plan(self) -> None:
        """Last look at import_plan before anything is written."""

    # --- The run ------------------------------------------------------------------------------------------------

    def run(
        self,
        header: list[Any],
        rows: Iterator[list[Any]],
        *,
        text: str | None,
        result: ImportResult,
        progress: Callable[[int], None] | None,
        chunk_size: int,
    ) -> None:
        found = _column_positions(self.kind, header)
        positions = {column: found.get(column) for column in COLUMNS[self.kind]}
        stage = Stage(self.sql, width=len(header), extras=self.extras)
        self.positions = positions
        loaded = False
        if text is not None and self.fast_copy:
            types = {positions[c]: t for c, t in self.typed_columns.items() if positions.get(c) is not None}
            loaded = stage.copy_csv(text, types) or stage.copy_csv(text)
        if not loaded:
            try:
                stage.load_rows(
                    rows,
                    convert=_cell,
                    formula=_formula_issue(list(found.items())),
                    prepare=self.prepare if self.extras else None,
                    progress=progress,
                    chunk_size=max(1, chunk_size),
                )
            except RowUnreadable as exc:
                raise FileUnreadable(
                    _("Row %(row)s cannot be read: %(error)s. Nothing was imported.")
                    % {"row": exc.row, "error": exc.error}
                ) from None
        self.typed = stage.typed
        result.rows = stage.build(positions, copies=self.copies, lookups=self.lookups())
        if progress:
            progress(result.rows)
        self.check(stage)
        before = self.rules()
        duplicate = Rule(self.key_column, "", _("The same record appears again in this file (row %(row)s)."))
        after = self.rules_after_duplicates()
        stage.apply(before, 0)
        stage.mark_duplicates(self.key(), len(before))
        stage.apply(after, len(before) + 1)
        issues = stage.issues([*before, duplicate, *after], [*COLUMNS[self.kind], *self.copies])
        result.issues = [
            Issue(row, column, mask_value(column, value), message) for row, column, value, message in issues
        ]
        result.rejected = len(result.issues)
        self.write(result)
        stage.drop()

    def write(self, result: ImportResult) -> None:
        sql, table = self.sql, self.model._meta.db_table
        keys, fields, extras = self.keys(), self.fields(), self.plan_extras()
        match = " AND ".join(f"t.{k.name} = {k.expr}" for k in keys)
        changed = " OR ".join(f"({f.expr}) IS DISTINCT FROM t.{f.name}" for f in fields)
        select = [
            "import_stage.row_number",
            *(f"{f.expr} AS {f.name}" for f in [*keys, *fields, *extras, *self.plan_carry()]),
            "t.id AS existing_id",
            f"CASE WHEN t.id IS NULL THEN {sql.next_id(table)} END AS new_id",
            *(f"t.{f.name} AS old_{f.name}" for f in fields),
            f"CASE WHEN t.id IS NOT NULL AND ({changed}) THEN 1 ELSE 0 END AS changed",
        ]
        if sql.postgres:
            # Temporary tables have no statistics: without them the planner takes every row for rejected and looks
            # the records up one by one. Two columns are cheap to sample.
            sql.execute("ANALYZE import_stage (rule, issue_column)")
        sql.drop("import_plan")
        sql.execute(
            f"CREATE TEMP TABLE import_plan AS SELECT {', '.join(select)} FROM import_stage"  # noqa: S608
            f" LEFT JOIN {table} t ON {match}"
            " WHERE import_stage.rule IS NULL AND import_stage.issue_column IS NULL"
            f" AND (t.id IS NULL OR {changed})"  # unchanged records need no plan: a second run writes nothing
        )
        self.check_plan()
        new, updated = sql.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN existing_id IS NULL THEN 1 ELSE 0 END), 0), COALESCE(SUM(changed), 0)"
            " FROM import_plan"
        )
        result.created, result.updated = int(new), int(updated)
        result.unchanged = result.rows - result.rejected - result.created - result.updated

        if result.updated:
            self.audit_changed()
            assignments = [f"{f.name} = import_plan.{f.name}" for f in fields]
            constants = self.update_constants()
            assignments += [f"{name} = %s" for name, _value in constants]
            sql.execute(
                f"UPDATE {table} SET {', '.join(assignments)} FROM import_plan"  # noqa: S608
                f" WHERE {table}.id = import_plan.existing_id AND import_plan.changed = 1",
                [value for _name, value in constants],
            )
        if result.created:
            columns = [f.name for f in [*keys, *fields, *extras]]
            constants = self.insert_constants()
            sql.execute(
                f"INSERT INTO {table} (id, {', '.join([*columns, *(n for n, _v in constants)])})"  # noqa: S608
                f" SELECT new_id, {', '.join([*columns, *(['%s'] * len(constants))])} FROM import_plan"
                " WHERE existing_id IS NULL",
                [value for _name, value in constants],
            )
            after = sql.json_object([(key, self._json(column, how)) for key, column, how in self.audit_new()])
            self._audit("import_plan WHERE import_plan.existing_id IS NULL", "import_plan.new_id", "NULL", after)

    def audit_changed(self) -> None:
        both = self.audit_both()
        fields = self.fields()
        before = self.sql.json_object(
            [(k, self._json(c, how)) for k, c, how in both]
            + [(f.name, self._json(f"old_{f.name}", f.audit)) for f in fields]
        )
        after = self.sql.json_object(
            [(k, self._json(c, how)) for k, c, how in both] + [(f.name, self._json(f.name, f.audit)) for f in fields]
        )
        self._audit("import_plan WHERE import_plan.changed = 1", "import_plan.existing_id", before, after)

    def _json(self, column: str, how: str) -> str:
        expr = f"import_plan.{column}"
        if how == "money":
            return self.sql.json_money(expr)
        if how == "bool":
            return self.sql.json_bool(expr)
        return expr

    def _audit(self, source: str, target_id: str, before: str, after: str) -> None:
        """One audit row per created or changed record, in the import's transaction: imports are audited too."""
        self.sql.execute(
            f"INSERT INTO {AuditEvent._meta.db_table}"  # noqa: S608
            " (occurred_at, actor_id, action, target_type, target_id, before, after, reason)"
            f" SELECT %s, %s, %s, %s, CAST({target_id} AS text), {before}, {after}, %s FROM {source}",
            [self.sql.datetime_param(self.now), self.actor_id, self.action, self.target_type, self.reason],
        )


def _county_lookup(column: str) -> Lookup:
    return Lookup("county_id", County._meta.db_table, "code", column)


def _county_rule(column: str) -> list[Rule]:
    message = _("Unknown county code: use a 6-digit code of a county of Tacheng Prefecture.")
    return reference(column, "county_id", message)


# The enterprise a credit code names. A code the registry holds was checked when it entered: only the others are
# checked in Python, then looked up again (normalised).
ENTERPRISE = Lookup("enterprise_id", Enterprise._meta.db_table, "credit_code", "code")


class _CreditCodeImporter(_Importer):
    copies = {"code": "credit_code"}
    key_column = "credit_code"

    def lookups(self) -> list[Lookup]:
        return [ENTERPRISE]

    def check(self, stage: Stage) -> None:
        stage.check_in_python(
            "credit_code", _checked_credit_code, into="code", unless="import_stage.enterprise_id IS NOT NULL"
        )
        stage.resolve(ENTERPRISE, changed_from="credit_code")


class EnterpriseImporter(_CreditCodeImporter):
    kind = ImportKind.ENTERPRISES
    model = Enterprise
    action = "enterprise_import"

    def lookups(self) -> list[Lookup]:
        return [*super().lookups(), _county_lookup("county_code")]

    def rules(self) -> list[Rule]:
        return [
            *required("name", 200),
            *_county_rule("county_code"),
            *choice("size_class", SIZE_CLASSES, _("Use large, medium, small or micro (大型, 中型, 小型, 微型).")),
            *optional("industry", 100),
            *optional("legal_representative", 60),
        ]

    def key(self) -> list[str]:
        return ["import_stage.code"]

    def keys(self) -> list[Field]:
        return [Field("credit_code", "import_stage.code")]

    def fields(self) -> list[Field]:
        return [
            Field("name", "import_stage.name"),
            Field("county_id", "import_stage.county_id"),
            Field("size_class", typed_choice("size_class", SIZE_CLASSES)),
            Field("industry", "import_stage.industry"),
            Field("legal_representative", "import_stage.legal_representative"),
        ]

    def insert_constants(self) -> list[tuple[str, Any]]:
        now = self.sql.datetime_param(self.now)
        return [
            ("on_quality_list", False),
            ("bank_account", ""),
            ("bank_account_masked", ""),
            ("created_at", now),
            ("updated_at", now),
        ]

    def audit_new(self) -> list[tuple[str, str, str]]:
        return [("credit_code", "credit_code", "value"), *super().audit_new()]


class InsuranceImporter(_CreditCodeImporter):
    kind = ImportKind.INSURANCE
    model = InsuranceYear
    action = "insurance_year_import"
    WHOLE = ("year", "insured_at_start", "insured_at_end", "retired_or_deceased", "ui_months_paid_in_full")
    AMOUNTS = ("ui_premiums_paid", "monthly_social_insurance_due")
    typed_columns = {**dict.fromkeys(WHOLE, "integer"), **dict.fromkeys(AMOUNTS, "numeric")}

    def whole(self, column: str) -> str:
        return typed_whole_number(self.sql, column, typed=self.typed)

    def rules(self) -> list[Rule]:
        sql, typed = self.sql, self.typed
        more_retired = _("More people retired or died than were insured at the start of the year.")
        return [
            *whole_number(sql, "year", typed=typed, low=1990, high=2100),
            *whole_number(sql, "insured_at_start", typed=typed),
            *whole_number(sql, "insured_at_end", typed=typed),
            *whole_number(sql, "retired_or_deceased", typed=typed),
            *amount(sql, "ui_premiums_paid", typed=typed),
            *whole_number(sql, "ui_months_paid_in_full", typed=typed, high=12),
            *amount(sql, "monthly_social_insurance_due", typed=typed),
            *boolean("in_arrears", BOOLEANS),
            Rule(
                "retired_or_deceased",
                f"{self.whole('retired_or_deceased')} > {self.whole('insured_at_start')}",
                more_retired,
            ),
        ]

    def rules_after_duplicates(self) -> list[Rule]:
        return reference(
            "credit_code", "enterprise_id", _("No enterprise with this credit code in the registry."), value="code"
        )

    def key(self) -> list[str]:
        # The enterprise's id stands for its code (hashing numbers is cheaper); a code the registry lacks stands for
        # itself.
        code = "CASE WHEN import_stage.enterprise_id IS NULL THEN import_stage.code END"
        return ["import_stage.enterprise_id", code, self.whole("year")]

    def keys(self) -> list[Field]:
        return [Field("enterprise_id", "import_stage.enterprise_id"), Field("year", self.whole("year"))]

    def fields(self) -> list[Field]:
        sql, typed = self.sql, self.typed
        return [
            Field("insured_at_start", self.whole("insured_at_start")),
            Field("insured_at_end", self.whole("insured_at_end")),
            Field("retired_or_deceased", self.whole("retired_or_deceased")),
            Field("ui_premiums_paid", typed_amount(sql, "ui_premiums_paid", typed=typed), "money"),
            Field("ui_months_paid_in_full", self.whole("ui_months_paid_in_full")),
            Field(
                "monthly_social_insurance_due", typed_amount(sql, "monthly_social_insurance_due", typed=typed), "money"
            ),
            Field("in_arrears", typed_boolean("in_arrears", BOOLEANS), "bool"),
        ]

    def insert_constants(self) -> list[tuple[str, Any]]:
        return [
            ("source", Source.IMPORT.value),
            ("import_job_id", self.job.pk if self.job else None),
            ("updated_at", self.sql.datetime_param(self.now)),
        ]

    def update_constants(self) -> list[tuple[str, Any]]:
        return [("import_job_id", self.job.pk if self.job else None), *super().update_constants()]

    def audit_new(self) -> list[tuple[str, str, str]]:
        return [("year", "year", "value"), *super().audit_new()]

    def audit_both(self) -> list[tuple[str, str, str]]:
        return [("year", "year", "value")]


class PersonImporter(_Importer):
    """People: the ID number is checked, indexed, masked and (for new people) encrypted in Python, chunk by chunk,
    before anything is staged; the full number never reaches the staging tables."""

    kind = ImportKind.PERSONS
    model = Person
    action = "person_import"
    fast_copy = False
    extras = ("id_index", "id_masked", "birth_date", "sex", "area_code", "id_token", "phone_masked")
    key_column = "id_number"

    def key(self) -> list[str]:
        return ["import_stage.id_index"]

    def lookups(self) -> list[Lookup]:
        return [_county_lookup("residence_county_code")]

    def prepare(self, batch: list[list[Any]]) -> None:
        first_cell = 3 + len(self.extras)
        id_at = first_cell + self.positions["id_number"]
        phone_at = self.positions["phone"]
        parsed_rows = []
        for row in batch:
            value = row[id_at].strip(WHITESPACE)
            row[id_at] = mask_value("id_number", value)
            phone = row[first_cell + phone_at].strip(WHITESPACE) if phone_at is not None else ""
            row[3 + 6] = mask_phone(phone) if phone else ""
            if row[1] is not None:
                continue
            try:
                parsed = parse_id_number(value)
            except ValidationError as exc:
                row[1], row[2] = "id_number", error_text(exc)
                continue
            parsed_rows.append((row, parsed, id_number_index(parsed.number)))
        known = {found[0] for found in lookup(Person, "id_number_index", [index for _r, _p, index in parsed_rows])}
        for row, parsed, index in parsed_rows:
            token = "" if index in known else encrypt_text(parsed.number)
            row[3:9] = [
                index,
                mask_id_number(parsed.number),
                parsed.birth_date.isoformat(),
                parsed.sex,
                parsed.area_code,
                token,
            ]

    def rules(self) -> list[Rule]:
        sql = self.sql
        return [
            *optional("phone", 20),
            *pattern(
                sql,
                "phone",
                PHONE_RE.pattern,
                _("Enter a phone number of digits only, e.g. 13912345678."),
                if_given=True,
            ),
            *pattern(sql, "hukou_area_code", r"^[0-9]{6}$", _("Enter a 6-digit area code."), expr=HUKOU),
            *required("name", 60),
            *_county_rule("residence_county_code"),
            *optional("address", 200),
        ]

    def keys(self) -> list[Field]:
        return [Field("id_number_index", "import_stage.id_index")]

    def fields(self) -> list[Field]:
        return [
            Field("name", "import_stage.name"),
            Field("phone", "import_stage.phone"),
            Field("residence_county_id", "import_stage.county_id"),
            Field("address", "import_stage.address"),
            Field("hukou_area_code", HUKOU),
        ]

    def plan_extras(self) -> list[Field]:
        return [
            Field("id_number", "import_stage.id_token"),
            Field("id_number_masked", "import_stage.id_masked"),
            Field("birth_date", self.sql.date("import_stage.birth_date")),
            Field("sex", "import_stage.sex"),
        ]

    def plan_carry(self) -> list[Field]:
        return [Field("phone_masked", "import_stage.phone_masked")]

    def insert_constants(self) -> list[tuple[str, Any]]:
        now = self.sql.datetime_param(self.now)
        flags = (
            "is_disabled",
            "low_income_family",
            "zero_employment_family",
            "de_capacity_worker",
            "land_expropriated_farmer",
        )
        return [("education", ""), *((flag, False) for flag in flags), ("created_at", now), ("updated_at", now)]

    def check_plan(self) -> None:
        # New people carry the number encrypted in Python when their chunk was staged; a person deleted since then
        # would be written without it: refuse (nothing is written, the run is repeated).
        (missing,) = self.sql.fetchone("SELECT count(*) FROM import_plan WHERE existing_id IS NULL AND id_number = ''")
        if missing:
            raise RuntimeError("a person's encrypted ID number is missing from the import plan")

    def audit_new(self) -> list[tuple[str, str, str]]:
        # As registry.crypto masks them: the phone masked in Python when it was staged, the ID number's masked form.
        after = [
            ("phone", "phone_masked", "value") if key == "phone" else (key, c, h) for key, c, h in super().audit_new()
        ]
        return [*after, ("id_number", "id_number_masked", "value")]

    def audit_changed(self) -> None:
        # Phones are masked in the audit trail by registry.crypto.mask_phone: the rows are built in Python.
        names = [f.name for f in self.fields()]
        rows = self.sql.fetchall(
            f"SELECT existing_id, id_number_masked, {', '.join(f'old_{n}' for n in names)}, {', '.join(names)}"  # noqa: S608
            " FROM import_plan WHERE changed = 1"
        )
        audits = []
        for existing_id, masked, *values in rows:
            before = dict(zip(names, values[: len(names)], strict=True))
            after = dict(zip(names, values[len(names) :], strict=True))
            audits.append(
                {
                    "occurred_at": self.now,
                    "actor_id": self.actor_id,
                    "action": self.action,
                    "target_type": self.target_type,
                    "target_id": str(existing_id),
                    "before": raw_json(_mask_person(before, masked)),
                    "after": raw_json(_mask_person(after, masked)),
                    "reason": self.reason,
                }
            )
        insert_rows(AuditEvent, audits)


# The household registration: the file's, or else the area code of the ID number.
HUKOU = (
    "(CASE WHEN import_stage.hukou_area_code = '' THEN import_stage.area_code ELSE import_stage.hukou_area_code END)"
)


def _mask_person(values: dict[str, Any], masked_id: str) -> dict[str, Any]:
    return {**values, "phone": mask_phone(values["phone"]) if values["phone"] else "", "id_number": masked_id}


IMPORTERS: dict[str, type[_Importer]] = {
    ImportKind.ENTERPRISES: EnterpriseImporter,
    ImportKind.INSURANCE: InsuranceImporter,
    ImportKind.PERSONS: PersonImporter,
}


def _import(
    kind: str,
    header: list[Any],
    rows: Iterator[list[Any]],
    *,
    text: str | None,
    actor: Any,
    job: ImportJob | None,
    progress: Callable[[int], None] | None,
    chunk_size: int,
) -> ImportResult:
    importer = IMPORTERS[kind](actor=actor, job=job)
    result = ImportResult()
    # The commit waits for the WAL flush like every other write of registry data (no synchronous_commit = off): an
    # import the officer was told succeeded must survive a crash of the database server (ADR 0009).
    with transaction.atomic():
        importer.run(header, rows, text=text, result=result, progress=progress, chunk_size=chunk_size)
    return result


def _header(kind: str, rows: Iterator[list[Any]]) -> list[Any]:
    if kind not in IMPORTERS:
        raise FileUnreadable(_("Unknown import kind: %(kind)s.") % {"kind": kind})
    try:
        return list(next(rows))
    except StopIteration:
        raise FileUnreadable(_("The file is empty.")) from None
    except (csv.Error, UnicodeDecodeError, ValueError) as exc:
        raise FileUnreadable(_("The file cannot be read: %(error)s") % {"error": exc}) from None


def import_rows(
    kind: str,
    table: Iterable[list[Any]],
    *,
    actor: Any,
    job: ImportJob | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportResult:
    """Upsert the rows of a table (header first). Raises FileUnreadable if the header or a row cannot be read."""
    rows = iter(table)
    header = _header(kind, rows)
    return _import(kind, header, rows, text=None, actor=actor, job=job, progress=progress, chunk_size=chunk_size)


def import_file(
    kind: str,
    data: bytes,
    file_name: str,
    *,
    actor: Any,
    job: ImportJob | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportResult:
    """Upsert the rows of a CSV or XLSX file. A plain CSV file goes into the stage by PostgreSQL's COPY itself."""
    if _is_xlsx(file_name):
        return import_rows(kind, _read_xlsx(data), actor=actor, job=job, progress=progress, chunk_size=chunk_size)
    text = _decode_csv(data)
    rows = iter(csv.reader(io.StringIO(text)))
    header = _header(kind, rows)
    return _import(kind, header, rows, text=text, actor=actor, job=job, progress=progress, chunk_size=chunk_size)


# --- Import jobs (command line and web): the outbox -------------------------------------------------------------


def import_job_create(*, kind: str, data: bytes, file_name: str, actor: Any, send: bool = True) -> ImportJob:
    """Keep an uploaded file (encrypted: it may hold ID numbers) and queue its import. The task gets the job id only.

    With send=False (the command line runs the job itself) nothing is sent; if that run dies, the sweeper sends it."""

    if kind not in IMPORTERS:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            file_name=Path(file_name).name[:200],
            upload=encrypt_bytes(data),
            created_by=actor,
            next_attempt_at=timezone.now() + _lease(),
        )
        audit_record(actor=actor, action="import_queue", target=job, after={"kind": kind, "file_name": job.file_name})
        if send:
            job_id = job.pk
            transaction.on_commit(lambda: import_job_enqueue(job_id=job_id))
    return job


def import_job_enqueue(*, job_id: int) -> bool:
    """Send the job id to the import workers. Redis down is not an error here: the sweeper sends it again later."""
    try:
        # By name: registry.tasks imports this module, so the task is looked up, not imported.
        current_app.tasks[RUN_TASK].apply_async(args=[job_id])
    except Exception:
        logger.warning(
            "import job %s: could not be sent to the workers; the sweeper will send it", job_id, exc_info=True
        )
        return False
    return True


def import_jobs_sweep(*, now: dt.datetime | None = None, limit: int = 100) -> list[int]:
    """Beat: send again every waiting job whose lease ran out and every running job whose process died."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    with transaction.atomic():
        due = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(
                models.Q(status=ImportJob.Status.PENDING, next_attempt_at__lte=now)
                | models.Q(status=ImportJob.Status.PENDING, next_attempt_at__isnull=True)
                | models.Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale_before, next_attempt_at__lte=now)
                | models.Q(status=ImportJob.Status.RUNNING, heartbeat_at__isnull=True, created_at__lt=stale_before)
            )
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        # Not again at the next sweep while it waits in the queue.
        ImportJob.objects.filter(pk__in=due).update(next_attempt_at=now + _lease())
    for job_id in due:
        logger.info("import job %s: sent again by the sweeper", job_id)
        import_job_enqueue(job_id=job_id)
    return due


class _Heartbeat(threading.Thread):
    """Writes the job's sign of life and the rows read so far from its own database connection (the run's own
    transaction is open until the end, so what it writes would not be seen)."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"import-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.rows = 0
        self._stop_event = threading.Event()

    def progress(self, rows: int) -> None:
        self.rows = rows

    def run(self) -> None:
        try:
            while not self._stop_event.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status=ImportJob.Status.RUNNING).update(
                        heartbeat_at=timezone.now(), processed_rows=self.rows
                    )
                except Exception:
                    logger.warning("import job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=60)


def _claim(job_id: int) -> ImportJob | None:
    """Take the job for this run, or None if it is finished, unknown, or alive in another process."""
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status in {ImportJob.Status.DONE, ImportJob.Status.FAILED} or job.upload is None:
            return None
        if job.status == ImportJob.Status.RUNNING and not job.is_stale:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            _finish_failed(
                job,
                _("The import stopped %(n)s times before it could finish (%(error)s). Nothing was imported.")
                % {"n": job.attempts, "error": job.error or _("its process ended")},
                keep_upload=True,
            )
            return None
        job.attempts += 1
        job.status = ImportJob.Status.RUNNING
        job.heartbeat_at = now
        job.next_attempt_at = now + dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
        job.processed_rows = 0
        job.save(update_fields=["attempts", "status", "heartbeat_at", "next_attempt_at", "processed_rows"])
    return job


def _finish_failed(job: ImportJob, error: str, *, keep_upload: bool) -> None:
    job.status = ImportJob.Status.FAILED
    job.error = error
    job.finished_at = timezone.now()
    if not keep_upload:
        job.upload = None
    job.save()
    audit_record(actor=job.created_by, action="import_run", target=job, after={"status": job.status}, reason=error)


def import_job_run(*, job_id: int) -> ImportJob:
    """Run an import job once (the task's and the command's body; safe to run any number of times, in any number
    of processes): the file's rows and the job's outcome are committed together, or nothing is."""
    job = _claim(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    try:
        data = decrypt_bytes(job.upload)
        try:
            total = count_data_rows(data, job.file_name)
        except (FileUnreadable, csv.Error, UnicodeDecodeError, ValueError):
            total = 0  # import_file says what is wrong with it
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # A second run of this job (a duplicate delivery) waits here until the first has committed.
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_BASE + job.pk])
            if ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).exists():
                return ImportJob.objects.get(pk=job.pk)
            result = import_file(
                job.kind, data, job.file_name, actor=job.created_by, job=job, progress=heartbeat.progress
            )
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            job.status = ImportJob.Status.DONE
            job.error = ""
            job.total_rows = job.processed_rows = result.rows
            job.created, job.updated, job.unchanged, job.rejected = (
                result.created,
                result.updated,
                result.unchanged,
                result.rejected,
            )
            job.report = result.report_csv()
            job.upload = None
            job.finished_at = timezone.now()
            job.save()
            audit_record(
                actor=job.created_by,
                action="import_run",
                target=job,
                after={"status": job.status, "summary": job.summary},
            )
        logger.info("import job %s: done, %s (run %s)", job.pk, job.summary, job.attempts)
        return job
    except FileUnreadable as exc:
        # The file itself is wrong: running it again gives the same answer; the officer uploads a corrected file.
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            _finish_failed(job, str(exc), keep_upload=False)
        return job
    except Exception as exc:
        # Not the file's fault (time limit, database): nothing was written; the sweeper runs it again, up to
        # MAX_ATTEMPTS runs in all.
        logger.exception("import job %s: run failed; nothing was written", job_id)
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            job.status = ImportJob.Status.PENDING
            job.error = f"{type(exc).__name__}: {exc}"[:2000]
            job.next_attempt_at = timezone.now() + _lease()
            job.save(update_fields=["status", "error", "next_attempt_at"])
        if job.attempts >= MAX_ATTEMPTS:
            return import_job_run(job_id=job_id)  # the claim fails it
        return job
    finally:
        heartbeat.stop()


def import_job_retry(*, job: ImportJob, actor: Any) -> ImportJob:
    """An officer's "retry" on a failed job or one whose run died: attempts start again; the job is sent on commit."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.may_retry:
            if job.upload is None and job.status == ImportJob.Status.FAILED:
                raise Refused(_("This file cannot be imported as it is; upload a corrected file."))
            raise Refused(
                _("Only a failed or stopped import can be retried; this one is %(state)s.")
                % {"state": job.get_status_display()}
            )
        before = {"status": job.status, "attempts": job.attempts}
        job.status = ImportJob.Status.PENDING
        job.attempts = 0
        job.heartbeat_at = None
        job.next_attempt_at = timezone.now() + _lease()
        job.finished_at = None
        job.save(update_fields=["status", "attempts", "heartbeat_at", "next_attempt_at", "finished_at"])
        audit_record(actor=actor, action="import_retry", target=job, before=before, after={"status": job.status})
        job_id = job.pk
        transaction.on_commit(lambda: import_job_enqueue(job_id=job_id))
    return job
