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

Speed: rows are handled in chunks; each chunk looks its keys up in one query, then bulk-creates and bulk-updates
the records and their audit rows (one per created or changed record).
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
from decimal import Decimal, InvalidOperation
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

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5000
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


class RowRejected(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


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


def read_table(data: bytes, file_name: str) -> Iterator[list[Any]]:
    """Rows of a CSV or XLSX file as lists of cells (the first is the header). Raises FileUnreadable."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> Iterator[list[Any]]:
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
    return iter(csv.reader(io.StringIO(text)))


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
    return max(0, sum(1 for _row in read_table(data, file_name)) - 1)


# --- Parsing one row ---------------------------------------------------------------------------------------


def _int(row: dict[str, str], column: str, *, low: int = 0, high: int | None = None) -> int:
    raw = row[column]
    try:
        value = int(raw)
    except ValueError:
        raise RowRejected(column, _("Enter a whole number.")) from None
    if value < low:
        raise RowRejected(column, _("Must not be negative.") if low == 0 else _("Must be at least %(n)s.") % {"n": low})
    if high is not None and value > high:
        raise RowRejected(column, _("Must be at most %(n)s.") % {"n": high})
    return value


def _money(row: dict[str, str], column: str) -> Decimal:
    try:
        value = Decimal(row[column].replace(",", ""))
    except InvalidOperation:
        raise RowRejected(column, _("Enter an amount in yuan, e.g. 12000.50.")) from None
    if not value.is_finite():
        raise RowRejected(column, _("Enter an amount in yuan, e.g. 12000.50."))
    if value < 0:
        raise RowRejected(column, _("An amount must not be negative."))
    if value != value.quantize(CENT):
        raise RowRejected(column, _("An amount has at most two decimal places."))
    if value >= Decimal("1e12"):
        raise RowRejected(column, _("The amount is too large."))
    return value.quantize(CENT)


def _bool(row: dict[str, str], column: str) -> bool:
    value = BOOLEANS.get(row[column].lower())
    if value is None:
        raise RowRejected(column, _("Enter true or false (是 or 否)."))
    return value


def _county(row: dict[str, str], column: str, counties: dict[str, int]) -> int:
    county_id = counties.get(row[column])
    if county_id is None:
        raise RowRejected(column, _("Unknown county code: use a 6-digit code of a county of Tacheng Prefecture."))
    return county_id


def _required(row: dict[str, str], column: str, max_length: int) -> str:
    value = row[column]
    if not value:
        raise RowRejected(column, _("This column must not be empty."))
    if len(value) > max_length:
        raise RowRejected(column, _("At most %(n)s characters.") % {"n": max_length})
    return value


def _optional(row: dict[str, str], column: str, max_length: int) -> str:
    value = row.get(column, "")
    if len(value) > max_length:
        raise RowRejected(column, _("At most %(n)s characters.") % {"n": max_length})
    return value


def _credit_code(row: dict[str, str]) -> str:
    try:
        return parse_credit_code(row["credit_code"])
    except ValidationError as exc:
        raise RowRejected("credit_code", error_text(exc)) from None


def mask_value(column: str, value: str) -> str:
    """What the report may show of a cell: ID numbers and phones masked, long text cut."""
    if column == "id_number":
        return mask_id_number(value) if value else ""
    if column == "phone":
        return mask_phone(value) if value else ""
    return value[:60]


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


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for rows about to be inserted by COPY (so no query is needed to learn them afterwards)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_new(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their primary keys, in order."""
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=500)
        return [obj.pk for obj in objects]
    ids = allocate_ids(model, len(rows))
    insert_rows(model, [{"id": pk, **row} for pk, row in zip(ids, rows, strict=True)])
    return ids


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


class _Importer:
    kind: str
    model: type
    action: str

    def __init__(self, *, actor: Any, job: ImportJob | None) -> None:
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.job = job
        self.counties = dict(County.objects.values_list("code", "id"))
        self.target_type = self.model._meta.label_lower
        self.reason = f"import #{job.pk}" if job else "import"

    def parse(self, row: dict[str, str]) -> tuple[Any, dict[str, Any]]:
        raise NotImplementedError

    def process(self, chunk: list[tuple[int, Any, dict[str, Any]]], result: ImportResult) -> None:
        raise NotImplementedError

    def audit(self, pk: int, before: dict[str, Any] | None, after: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
        """One audit row (as insert_rows takes it) per created or changed record: imports are audited too."""
        return {
            "occurred_at": now,
            "actor_id": self.actor_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": str(pk),
            "before": raw_json(before),
            "after": raw_json(after),
            "reason": self.reason,
        }


class EnterpriseImporter(_Importer):
    kind = ImportKind.ENTERPRISES
    model = Enterprise
    action = "enterprise_import"
    fields = ("name", "county_id", "size_class", "industry", "legal_representative")

    def parse(self, row: dict[str, str]) -> tuple[Any, dict[str, Any]]:
        code = _credit_code(row)
        name = _required(row, "name", 200)
        county_id = _county(row, "county_code", self.counties)
        size_class = SIZE_CLASSES.get(row["size_class"].lower())
        if size_class is None:
            raise RowRejected("size_class", _("Use large, medium, small or micro (大型, 中型, 小型, 微型)."))
        return code, {
            "name": name,
            "county_id": county_id,
            "size_class": str(size_class),
            "industry": _optional(row, "industry", 100),
            "legal_representative": _optional(row, "legal_representative", 60),
        }

    def process(self, chunk: list[tuple[int, Any, dict[str, Any]]], result: ImportResult) -> None:
        codes = [key for _r, key, _v in chunk]
        existing = {values[0]: values for values in lookup(Enterprise, "credit_code", codes, "id", *self.fields)}
        now = timezone.now()
        new: list[dict[str, Any]] = []
        changed, audits = [], []
        for _row, code, values in chunk:
            old = existing.get(code)
            if old is None:
                new.append(
                    {
                        "credit_code": code,
                        **values,
                        "on_quality_list": False,
                        "bank_account": "",
                        "bank_account_masked": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            before = dict(zip(self.fields, old[2:], strict=True))
            if before == values:
                result.unchanged += 1
                continue
            changed.append(Enterprise(pk=old[1], credit_code=code, updated_at=now, **values))
            audits.append(self.audit(old[1], before, values, now))
        if new:
            ids = insert_new(Enterprise, new)
            audits.extend(
                self.audit(pk, None, {f: r[f] for f in ("credit_code", *self.fields)}, now)
                for pk, r in zip(ids, new, strict=True)
            )
        if changed:
            Enterprise.objects.bulk_update(changed, [*self.fields, "updated_at"])
        insert_rows(AuditEvent, audits)
        result.created += len(new)
        result.updated += len(changed)


class InsuranceImporter(_Importer):
    kind = ImportKind.INSURANCE
    model = InsuranceYear
    action = "insurance_year_import"
    fields = (
        "insured_at_start",
        "insured_at_end",
        "retired_or_deceased",
        "ui_premiums_paid",
        "ui_months_paid_in_full",
        "monthly_social_insurance_due",
        "in_arrears",
    )

    def parse(self, row: dict[str, str]) -> tuple[Any, dict[str, Any]]:
        code = _credit_code(row)
        year = _int(row, "year", low=1990, high=2100)
        values = {
            "insured_at_start": _int(row, "insured_at_start"),
            "insured_at_end": _int(row, "insured_at_end"),
            "retired_or_deceased": _int(row, "retired_or_deceased"),
            "ui_premiums_paid": _money(row, "ui_premiums_paid"),
            "ui_months_paid_in_full": _int(row, "ui_months_paid_in_full", high=12),
            "monthly_social_insurance_due": _money(row, "monthly_social_insurance_due"),
            "in_arrears": _bool(row, "in_arrears"),
        }
        if values["retired_or_deceased"] > values["insured_at_start"]:
            raise RowRejected(
                "retired_or_deceased", _("More people retired or died than were insured at the start of the year.")
            )
        return (code, year), values

    def process(self, chunk: list[tuple[int, Any, dict[str, Any]]], result: ImportResult) -> None:
        codes = {code for _r, (code, _y), _v in chunk}
        enterprise_ids = dict(lookup(Enterprise, "credit_code", codes, "id"))
        known = []
        for row_number, (code, year), values in chunk:
            enterprise_id = enterprise_ids.get(code)
            if enterprise_id is None:
                result.rejected += 1
                result.issues.append(
                    Issue(row_number, "credit_code", code, _("No enterprise with this credit code in the registry."))
                )
                continue
            known.append((enterprise_id, year, values))
        enterprise_set, year_set = {e for e, _y, _v in known}, {y for _e, y, _v in known}
        existing = {
            (values[0], values[1]): values
            for values in lookup(InsuranceYear, "enterprise_id", enterprise_set, "year", "id", *self.fields)
            if values[1] in year_set
        }
        job_id = self.job.pk if self.job else None
        now = timezone.now()
        new: list[dict[str, Any]] = []
        changed, audits = [], []
        for enterprise_id, year, values in known:
            old = existing.get((enterprise_id, year))
            if old is None:
                new.append(
                    {
                        "enterprise_id": enterprise_id,
                        "year": year,
                        **values,
                        "source": Source.IMPORT.value,
                        "import_job_id": job_id,
                        "updated_at": now,
                    }
                )
                continue
            before = dict(zip(self.fields, old[3:], strict=True))
            if before == values:
                result.unchanged += 1
                continue
            changed.append(
                InsuranceYear(
                    pk=old[2], enterprise_id=enterprise_id, year=year, import_job_id=job_id, updated_at=now, **values
                )
            )
            audits.append(self.audit(old[2], {"year": year, **before}, {"year": year, **values}, now))
        if new:
            ids = insert_new(InsuranceYear, new)
            audits.extend(
                self.audit(pk, None, {"year": r["year"], **{f: r[f] for f in self.fields}}, now)
                for pk, r in zip(ids, new, strict=True)
            )
        if changed:
            InsuranceYear.objects.bulk_update(changed, [*self.fields, "import_job", "updated_at"])
        insert_rows(AuditEvent, audits)
        result.created += len(new)
        result.updated += len(changed)


class PersonImporter(_Importer):
    kind = ImportKind.PERSONS
    model = Person
    action = "person_import"
    fields = ("name", "phone", "residence_county_id", "address", "hukou_area_code")

    def parse(self, row: dict[str, str]) -> tuple[Any, dict[str, Any]]:
        try:
            parsed = parse_id_number(row["id_number"])
        except ValidationError as exc:
            raise RowRejected("id_number", error_text(exc)) from None
        phone = _optional(row, "phone", 20)
        if phone and not PHONE_RE.match(phone):
            raise RowRejected("phone", _("Enter a phone number of digits only, e.g. 13912345678."))
        hukou = row.get("hukou_area_code", "") or parsed.area_code
        if not re.fullmatch(r"[0-9]{6}", hukou):
            raise RowRejected("hukou_area_code", _("Enter a 6-digit area code."))
        return parsed, {
            "name": _required(row, "name", 60),
            "phone": phone,
            "residence_county_id": _county(row, "residence_county_code", self.counties),
            "address": _optional(row, "address", 200),
            "hukou_area_code": hukou,
        }

    def process(self, chunk: list[tuple[int, Any, dict[str, Any]]], result: ImportResult) -> None:
        indexed = [(id_number_index(parsed.number), parsed, values) for _row, parsed, values in chunk]
        existing = {
            values[0]: values
            for values in lookup(Person, "id_number_index", [i for i, _p, _v in indexed], "id", *self.fields)
        }
        now = timezone.now()
        new: list[dict[str, Any]] = []
        changed, audits = [], []
        for index, parsed, values in indexed:
            old = existing.get(index)
            masked = mask_id_number(parsed.number)
            if old is None:
                new.append(
                    {
                        "name": values["name"],
                        "id_number": parsed.number,
                        "id_number_index": index,
                        "id_number_masked": masked,
                        "birth_date": parsed.birth_date,
                        "sex": parsed.sex,
                        "phone": values["phone"],
                        "hukou_area_code": values["hukou_area_code"],
                        "residence_county_id": values["residence_county_id"],
                        "address": values["address"],
                        "education": "",
                        "is_disabled": False,
                        "low_income_family": False,
                        "zero_employment_family": False,
                        "de_capacity_worker": False,
                        "land_expropriated_farmer": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            before = dict(zip(self.fields, old[2:], strict=True))
            if before == values:
                result.unchanged += 1
                continue
            changed.append(Person(pk=old[1], updated_at=now, **values))
            audits.append(self.audit(old[1], _mask_person(before, masked), _mask_person(values, masked), now))
        if new:
            ids = insert_new(Person, new)
            audits.extend(
                self.audit(pk, None, _mask_person({f: r[f] for f in self.fields}, r["id_number_masked"]), now)
                for pk, r in zip(ids, new, strict=True)
            )
        if changed:
            Person.objects.bulk_update(changed, [*self.fields, "updated_at"])
        insert_rows(AuditEvent, audits)
        result.created += len(new)
        result.updated += len(changed)


def _mask_person(values: dict[str, Any], masked_id: str) -> dict[str, Any]:
    return {**values, "phone": mask_phone(values["phone"]) if values["phone"] else "", "id_number": masked_id}


IMPORTERS: dict[str, type[_Importer]] = {
    ImportKind.ENTERPRISES: EnterpriseImporter,
    ImportKind.INSURANCE: InsuranceImporter,
    ImportKind.PERSONS: PersonImporter,
}


def import_rows(
    kind: str,
    table: Iterable[list[Any]],
    *,
    actor: Any,
    job: ImportJob | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportResult:
    """Upsert the rows of a table (header first). Raises FileUnreadable if the header is unusable."""
    if kind not in IMPORTERS:
        raise FileUnreadable(_("Unknown import kind: %(kind)s.") % {"kind": kind})
    rows = iter(table)
    try:
        header = next(rows)
    except StopIteration:
        raise FileUnreadable(_("The file is empty.")) from None
    except (csv.Error, UnicodeDecodeError, ValueError) as exc:
        raise FileUnreadable(_("The file cannot be read: %(error)s") % {"error": exc}) from None
    positions = list(_column_positions(kind, header).items())
    width = max(index for _column, index in positions) + 1
    importer = IMPORTERS[kind](actor=actor, job=job)
    key_column = KEY_COLUMNS[kind]
    result = ImportResult()
    seen: dict[Any, int] = {}
    chunk: list[tuple[int, Any, dict[str, Any]]] = []

    def flush() -> None:
        if chunk:
            importer.process(chunk, result)
            chunk.clear()
        if progress:
            progress(result.rows)

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A crash could lose the commit (never corrupt it): the job then has no outcome and is run again.
            # Not waiting for the WAL flush saves a lot.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _read_and_write(rows, importer, kind, positions, width, key_column, result, seen, chunk, flush, chunk_size)
        flush()
    return result


def _read_and_write(
    rows: Iterator[list[Any]],
    importer: _Importer,
    kind: str,
    positions: list[tuple[str, int]],
    width: int,
    key_column: str,
    result: ImportResult,
    seen: dict[Any, int],
    chunk: list[tuple[int, Any, dict[str, Any]]],
    flush: Callable[[], None],
    chunk_size: int,
) -> None:
    """Every row of the file after the header, in order; raises FileUnreadable at the first row that cannot be read
    (its row number is the file's: the header is row 1)."""
    row_number = 1
    try:
        for cells in rows:
            row_number += 1
            if len(cells) < width:
                cells = [*cells, *([""] * (width - len(cells)))]
            row = {column: _cell(cells[index]) for column, index in positions}
            if not any(row.values()):
                continue
            result.rows += 1
            try:
                for column, index in positions:
                    if cells[index].__class__ is Formula:
                        raise RowRejected(
                            column,
                            _(
                                "This cell holds a formula (%(formula)s) whose value was not saved in the file. Open "
                                "the file in Excel, save it, and upload it again (or paste the values only)."
                            )
                            % {"formula": str(cells[index])[:60]},
                        )
                key, values = importer.parse(row)
                dedupe_key = key.number if kind == ImportKind.PERSONS else key
                first = seen.get(dedupe_key)
                if first is not None:
                    raise RowRejected(
                        key_column, _("The same record appears again in this file (row %(row)s).") % {"row": first}
                    )
                seen[dedupe_key] = row_number
            except RowRejected as exc:
                result.rejected += 1
                result.issues.append(
                    Issue(row_number, exc.column, mask_value(exc.column, row.get(exc.column, "")), exc.message)
                )
                continue
            chunk.append((row_number, key, values))
            if len(chunk) >= chunk_size:
                flush()
    except (csv.Error, UnicodeDecodeError, ValueError) as exc:
        # The row that failed is the one after the last row read.
        raise FileUnreadable(
            _("Row %(row)s cannot be read: %(error)s. Nothing was imported.") % {"row": row_number + 1, "error": exc}
        ) from None


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
    return import_rows(
        kind, read_table(data, file_name), actor=actor, job=job, progress=progress, chunk_size=chunk_size
    )


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
