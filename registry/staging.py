"""Set-based imports (ADR 0009): the file goes into a staging table, the rules are checked there in SQL, and the
changes and their audit rows are written with INSERT … SELECT and UPDATE … FROM.

One definition of each rule: a rule is a SQL condition built here from the same few builders (`whole_number`,
`amount`, `boolean`, `required`, …) for PostgreSQL and for SQLite (`make run`); only the spelling of a regular
expression match, a trim, a cast to money and a JSON object differ between the two, and `Sql` holds those.
What SQL cannot check (the check characters of credit codes and ID numbers, the blind index, encryption) is done in
Python, once per distinct value, by the importer (registry.imports).

Tables, all temporary (dropped at the end of the import, and with its transaction if it fails):
- `import_raw`: the file's cells as text, one column per column of the header (c0, c1, …), with the row's number in
  the file (the header is row 1). On PostgreSQL a plain CSV file is loaded by COPY itself; other files go through
  Python's csv reader (or openpyxl) and COPY (executemany on SQLite).
- `import_stage`: the rows that are not empty, one column per canonical column (trimmed as Python's str.strip
  does), the importer's extra columns, and what is wrong with the row: `issue_column`/`issue_message` (found in
  Python) or `rule` (the number of the first SQL rule the row breaks, in the order the rules are given, so a row is
  reported once, for its first fault, as before) and `first_row` (for a duplicate: the row it repeats).
- `import_checked`: the values checked in Python, joined back to the stage.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

# What a cell may have around its value: trimmed in the stage (and in Python where Python reads a cell first, the ID
# numbers of people), so a cell means the same on every path. ASCII white space, the no-break space and the ideographic
# space (全角空格) that Chinese input methods type.
WHITESPACE = " \t\n\r\v\f\u00a0\u3000"
MAX_WHOLE_NUMBER = 999_999_999  # nine digits: within every integer column of the registry
AMOUNT_LIMIT = 10**12  # the registry's money columns hold 12 digits before the point

TEMP_TABLES = ("import_raw", "import_stage", "import_checked", "import_plan")


def literal(value: str) -> str:
    """A SQL string literal for a constant written in this code (never for a value from a file). `%` is doubled
    because every statement here is executed with a parameter list."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


class Sql:
    """The few places where PostgreSQL and SQLite spell the same thing differently, and statement helpers."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    # --- spelling -------------------------------------------------------------------------------------------

    def matches(self, expr: str, pattern: str) -> str:
        """True when expr matches the regular expression (POSIX on PostgreSQL, Python's re on SQLite through
        Django's REGEXP function: the patterns here use only what both read alike)."""
        return f"({expr} {'~' if self.postgres else 'REGEXP'} {literal(pattern)})"

    def trim(self, expr: str) -> str:
        return f"{'btrim' if self.postgres else 'trim'}({expr}, {literal(WHITESPACE)})"

    def integer(self, expr: str) -> str:
        return f"CAST({expr} AS integer)"

    def number(self, expr: str) -> str:
        """Text already checked to be a number, as a number (exact on PostgreSQL)."""
        return f"CAST({expr} AS {'numeric' if self.postgres else 'NUMERIC'})"

    def money(self, expr: str) -> str:
        # SQLite keeps the registry's amounts as numbers too (Django's DecimalField there), read back as Decimal.
        return f"CAST({expr} AS {'numeric(14, 2)' if self.postgres else 'NUMERIC'})"

    def date(self, expr: str) -> str:
        return f"CAST({expr} AS date)" if self.postgres else expr

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        """A JSON object of (key, SQL expression) pairs, as the audit trail's before/after columns hold it."""
        items = ", ".join(f"{literal(key)}, {expr}" for key, expr in pairs)
        return f"{'jsonb_build_object' if self.postgres else 'json_object'}({items})"

    def json_money(self, expr: str) -> str:
        """An amount in an audit row: a string with two decimals, as the registry's Decimal writes it."""
        return f"CAST({expr} AS text)" if self.postgres else f"printf({literal('%.2f')}, {expr})"

    def json_bool(self, expr: str) -> str:
        return expr if self.postgres else f"json(CASE WHEN {expr} THEN 'true' ELSE 'false' END)"

    def datetime_param(self, value: Any) -> Any:
        return connection.ops.adapt_datetimefield_value(value)

    def next_id(self, table: str) -> str:
        """SQL giving each new row of a plan its primary key before it is inserted (so its audit row needs no
        second look-up): the table's sequence on PostgreSQL, past the largest key on SQLite."""
        if self.postgres:
            (sequence,) = self.fetchone("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            return f"nextval({literal(sequence)})"
        largest = f"(SELECT COALESCE(MAX(id), 0) FROM {table})"  # noqa: S608 - a table name from _meta
        return f"({largest} + ROW_NUMBER() OVER (ORDER BY import_stage.row_number))"

    # --- statements -----------------------------------------------------------------------------------------

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        with connection.cursor() as cursor:
            cursor.execute(statement, list(params))
            return cursor.rowcount

    def fetchall(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(statement, list(params))
            return cursor.fetchall()

    def fetchone(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        with connection.cursor() as cursor:
            cursor.execute(statement, list(params))
            return cursor.fetchone()

    def drop(self, table: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {'pg_temp' if self.postgres else 'temp'}.{table}")

    def create_temp(self, table: str, columns: Sequence[str]) -> None:
        self.drop(table)
        self.execute(f"CREATE TEMP TABLE {table} ({', '.join(columns)})")

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, nullable: Iterable[str] = ()):
        """Insert rows of values (str, int or None) into a temporary table: COPY on PostgreSQL, executemany on
        SQLite. On PostgreSQL an empty string stays empty unless its column is nullable (then it is NULL)."""
        if not self.postgres:
            marks = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our names
                cursor.executemany(statement, list(rows))
            return
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        buffer.seek(0)
        not_null = [c for c in columns if c not in set(nullable)]
        options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "")
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH ({options})", buffer)


# --- Rules ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A row breaks the rule when `bad` (SQL over import_stage, earlier rules of the row having passed) is true.

    `column` is the file's column the message is about; the report shows the staged value of `value` (default: that
    column). A message with `%(row)s` is given the row the duplicate repeats."""

    column: str
    bad: str
    message: str
    value: str = ""


def staged(column: str) -> str:
    return f"import_stage.{column}"


def whole_number(sql: Sql, column: str, *, typed: bool, low: int = 0, high: int | None = None) -> list[Rule]:
    """A whole number from low to high (at most nine digits). On a typed stage PostgreSQL's COPY has read it as an
    integer (an empty cell is NULL); on a text stage it is checked as text first, then compared as a number."""
    c = staged(column)
    enter = _("Enter a whole number.")
    at_least = _("Must not be negative.") if low == 0 else _("Must be at least %(n)s.") % {"n": low}
    limit = high if high is not None else MAX_WHOLE_NUMBER
    at_most = _("Must be at most %(n)s.") % {"n": limit}
    if typed:
        return [
            Rule(column, f"{c} IS NULL", enter),
            Rule(column, f"{c} < {int(low)}", at_least),
            Rule(column, f"{c} > {int(limit)}", at_most),
        ]
    return [
        Rule(column, f"NOT {sql.matches(c, r'^[+-]?[0-9]+$')}", enter),
        Rule(column, sql.matches(c, r"^-0*[1-9]" if low == 0 else r"^-"), at_least),
        Rule(column, f"NOT {sql.matches(c, r'^[+-]?0*[0-9]{1,9}$')}", at_most),
        Rule(column, f"{sql.integer(c)} < {int(low)}", at_least),
        Rule(column, f"{sql.integer(c)} > {int(limit)}", at_most),
    ]


def typed_whole_number(sql: Sql, column: str, *, typed: bool) -> str:
    return staged(column) if typed else sql.integer(staged(column))


def amount(sql: Sql, column: str, *, typed: bool) -> list[Rule]:
    """An amount in yuan, as Python's Decimal reads it (thousands commas dropped): finite, not negative, at most two
    decimals (more only if they are zeros), below 10^12."""
    if typed:
        v = staged(column)
        not_a_number = f"{v} IS NULL OR {v} = 'NaN' OR {v} = 'Infinity' OR {v} = '-Infinity'"
    else:
        text = f"replace({staged(column)}, ',', '')"
        number = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"
        not_a_number = f"NOT {sql.matches(text, number)}"
        v = sql.number(text)
    return [
        Rule(column, not_a_number, _("Enter an amount in yuan, e.g. 12000.50.")),
        Rule(column, f"{v} < 0", _("An amount must not be negative.")),
        Rule(column, f"{v} <> round({v}, 2)", _("An amount has at most two decimal places.")),
        Rule(column, f"{v} >= {AMOUNT_LIMIT}", _("The amount is too large.")),
    ]


def typed_amount(sql: Sql, column: str, *, typed: bool) -> str:
    return sql.money(staged(column) if typed else f"replace({staged(column)}, ',', '')")


def boolean(column: str, words: dict[str, bool]) -> list[Rule]:
    known = ", ".join(literal(word) for word in words)
    return [Rule(column, f"lower({staged(column)}) NOT IN ({known})", _("Enter true or false (是 or 否)."))]


def typed_boolean(column: str, words: dict[str, bool]) -> str:
    true = ", ".join(literal(word) for word, value in words.items() if value)
    return f"(lower({staged(column)}) IN ({true}))"


def required(column: str, max_length: int) -> list[Rule]:
    return [
        Rule(column, f"{staged(column)} = ''", _("This column must not be empty.")),
        *optional(column, max_length),
    ]


def optional(column: str, max_length: int) -> list[Rule]:
    return [
        Rule(
            column, f"length({staged(column)}) > {int(max_length)}", _("At most %(n)s characters.") % {"n": max_length}
        )
    ]


def choice(column: str, words: dict[str, str], message: str) -> list[Rule]:
    known = ", ".join(literal(word) for word in words)
    return [Rule(column, f"lower({staged(column)}) NOT IN ({known})", message)]


def typed_choice(column: str, words: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {literal(word)} THEN {literal(str(value))}" for word, value in words.items())
    return f"(CASE lower({staged(column)}) {cases} END)"


def reference(column: str, found: str, message: str, *, value: str = "") -> list[Rule]:
    """The value names a row of another table (a county, an enterprise in the registry): `found` is the stage's
    column the look-up filled (Stage.build's lookups), NULL when there is none."""
    return [Rule(column, f"{staged(found)} IS NULL", message, value)]


def pattern(sql: Sql, column: str, regex: str, message: str, *, expr: str = "", if_given: bool = False) -> list[Rule]:
    """The value (or expr over the stage) matches the regular expression; with if_given, an empty value passes."""
    subject = expr or staged(column)
    bad = f"NOT {sql.matches(subject, regex)}"
    if if_given:
        bad = f"{staged(column)} <> '' AND {bad}"
    return [Rule(column, bad, message)]


# --- The staging tables -------------------------------------------------------------------------------------------


class RowUnreadable(Exception):
    """A row of the file cannot be read (its number in the file, the header being row 1)."""

    def __init__(self, row: int, error: Exception) -> None:
        super().__init__(str(error))
        self.row = row
        self.error = error


# prepare(batch) may change the rows of a chunk in place (their issue, their cells, their extra values) before they
# are staged.
Prepare = Callable[[list[list[Any]]], None]


@dataclass(frozen=True)
class Lookup:
    """A column of the stage filled at staging time from another table: `name` = table.id where table.key equals
    the staged column `column` (NULL when none does)."""

    name: str
    table: str
    key: str
    column: str


class Stage:
    """The staging tables of one import, inside the import's transaction."""

    def __init__(self, sql: Sql, *, width: int, extras: Sequence[str] = ()) -> None:
        self.sql = sql
        self.width = width
        self.extras = list(extras)
        self.cells = [f"c{i}" for i in range(width)]
        self.raw_columns = ["row_number", "issue_column", "issue_message", *self.extras, *self.cells]
        self.types: dict[int, str] = {}  # cell -> SQL type, when COPY read typed cells (integer, numeric)
        self.trim = True  # False when the file has no white space at all (nothing to trim)

    @property
    def typed(self) -> bool:
        return bool(self.types)

    def create(self, types: dict[int, str] | None = None) -> None:
        types = types or {}
        row_number = (
            "row_number integer GENERATED BY DEFAULT AS IDENTITY (START WITH 2)"
            if self.sql.postgres
            else "row_number integer"
        )
        columns = [f"{c} text" for c in self.raw_columns[1 : 3 + len(self.extras)]]
        columns += [f"c{i} {types.get(i, 'text')}" for i in range(self.width)]
        self.sql.create_temp("import_raw", [row_number, *columns])
        self.types = dict(types)

    def copy_csv(self, text: str, types: dict[int, str] | None = None) -> bool:
        """PostgreSQL: COPY a CSV file into import_raw as it is, and True; False (nothing loaded, no table) when the
        file is not a plain rectangle of cells that PostgreSQL and Python's csv module read alike (quotes, which
        PostgreSQL also reads inside a cell, a row of another width, a blank line, an end-of-data marker) or, with
        types, when a cell is not of its column's type (the rules then say which and why, from the text).

        With types (cell -> integer or numeric), COPY itself reads the numbers, as fast as a bare COPY: only for a
        file without white space around its cells (PostgreSQL would read " 5" as 5, the text rules trim first)."""
        if not self.sql.postgres or '"' in text or "\\." in text:
            return False
        spaced = any(ch in text for ch in WHITESPACE if ch not in "\r\n")
        if types and spaced:
            return False
        text_cells = ", ".join(f"c{i}" for i in range(self.width) if i not in (types or {}))
        options = "FORMAT csv, HEADER true" + (f", FORCE_NOT_NULL ({text_cells})" if text_cells else "")
        statement = f"COPY import_raw ({', '.join(self.cells)}) FROM STDIN WITH ({options})"
        try:
            with transaction.atomic():
                self.create(types)
                with connection.cursor() as cursor:
                    cursor.cursor.copy_expert(statement, io.StringIO(text))
        except (DatabaseError, connection.Database.Error):
            self.types = {}
            return False
        self.trim = spaced
        return True

    def load_rows(
        self,
        rows: Iterator[list[Any]],
        *,
        convert: Callable[[Any], str],
        formula: Callable[[list[Any]], tuple[str, str] | None] | None,
        prepare: Prepare | None,
        progress: Callable[[int], None] | None,
        chunk_size: int,
    ) -> None:
        """Rows after the header into import_raw (text), chunk by chunk. Raises RowUnreadable at the first row that
        cannot be read. A short row is filled with empty cells, a long one cut to the header's width (as before)."""
        self.create()
        width, pad = self.width, [""] * self.width
        extras = [None] * len(self.extras)
        batch: list[list[Any]] = []
        row_number, done = 1, 0
        try:
            for cells in rows:
                row_number += 1
                if len(cells) != width:
                    cells = [*cells, *pad][:width]
                issue = formula(cells) if formula else None
                text = [c if c.__class__ is str else convert(c) for c in cells]
                batch.append([row_number, *(issue or (None, None)), *extras, *text])
                if len(batch) >= chunk_size:
                    done += self._flush(batch, prepare)
                    if progress:
                        progress(done)
        except (csv.Error, UnicodeDecodeError, ValueError) as exc:
            # The row that failed is the one after the last row read.
            raise RowUnreadable(row_number + 1, exc) from None
        done += self._flush(batch, prepare)
        if progress:
            progress(done)

    def _flush(self, batch: list[list[Any]], prepare: Prepare | None) -> int:
        if not batch:
            return 0
        if prepare:
            prepare(batch)
        self.sql.load("import_raw", self.raw_columns, batch, nullable=("row_number", "issue_column", "issue_message"))
        count = len(batch)
        batch.clear()
        return count

    def build(
        self,
        positions: dict[str, int | None],
        *,
        copies: dict[str, str] | None = None,
        lookups: Sequence[Lookup] = (),
    ) -> int:
        """import_stage: the rows of import_raw that are not empty, one column per canonical column (trimmed text,
        or the number COPY read; empty text for an optional column the file lacks); copies adds columns starting as
        a copy of another (the credit code to be normalised), lookups the ids of the rows they name. Returns the
        number of rows."""
        sql = self.sql
        cell: dict[str, str] = {}
        for column, index in positions.items():
            if index is None:
                cell[column] = literal("")
            elif index in self.types or not self.trim:
                cell[column] = f"import_raw.c{index}"
            else:
                cell[column] = sql.trim(f"import_raw.c{index}")
        select = ["import_raw.row_number"]
        select += [f"{cell[column]} AS {column}" for column in positions]
        for name, source in (copies or {}).items():
            cell[name] = cell[source]
            select.append(f"{cell[source]} AS {name}")
        select += [f"import_raw.{name}" for name in (*self.extras, "issue_column", "issue_message")]
        select += ["CAST(NULL AS integer) AS rule", "CAST(NULL AS integer) AS first_row"]
        joins = ""
        for i, lookup in enumerate(lookups):
            select.append(f"l{i}.id AS {lookup.name}")
            joins += f" LEFT JOIN {lookup.table} l{i} ON l{i}.{lookup.key} = {cell[lookup.column]}"
        present = [
            f"import_raw.c{index} IS NOT NULL" if index in self.types else f"{cell[column]} <> ''"
            for column, index in positions.items()
            if index is not None
        ]
        sql.drop("import_stage")
        sql.execute(
            f"CREATE TEMP TABLE import_stage AS SELECT {', '.join(select)} FROM import_raw{joins}"  # noqa: S608
            f" WHERE {' OR '.join(present)}"
        )
        sql.drop("import_raw")
        return int(sql.fetchone("SELECT count(*) FROM import_stage")[0])

    def check_in_python(
        self, column: str, check: Callable[[str], tuple[str, str]], *, into: str, unless: str = ""
    ) -> None:
        """Check in Python each distinct value of `column` of the rows without an issue yet (but those for which
        the SQL `unless` holds, e.g. the registry already has the value, checked when it entered): check(value)
        gives (normalised value, "") or ("", message). The normalised value goes into column `into`, a message
        becomes the row's issue."""
        sql = self.sql
        where = "issue_column IS NULL" + (f" AND NOT ({unless})" if unless else "")
        values = [row[0] for row in sql.fetchall(f"SELECT DISTINCT {column} FROM import_stage WHERE {where}")]  # noqa: S608
        checked = [(raw, value, message) for raw in values for value, message in [check(raw)]]
        changed = [row for row in checked if row[1] != row[0] or row[2]]  # most values are fine as they are
        if not changed:
            return
        sql.create_temp("import_checked", ["raw text", "value text", "message text"])
        sql.load("import_checked", ["raw", "value", "message"], changed)
        sql.execute(
            f"UPDATE import_stage SET {into} = import_checked.value,"  # noqa: S608
            f" issue_column = CASE WHEN import_checked.message = '' THEN NULL ELSE {literal(column)} END,"
            " issue_message = NULLIF(import_checked.message, '')"
            f" FROM import_checked WHERE import_stage.{column} = import_checked.raw"
            " AND import_stage.issue_column IS NULL"
        )
        sql.drop("import_checked")

    def resolve(self, lookup: Lookup, *, changed_from: str) -> None:
        """Look up again the rows that found nothing and whose value Python changed (normalised) from the one in
        column `changed_from`."""
        self.sql.execute(
            f"UPDATE import_stage SET {lookup.name} = l.id FROM {lookup.table} l"  # noqa: S608
            f" WHERE import_stage.{lookup.name} IS NULL AND import_stage.issue_column IS NULL"
            f" AND import_stage.{lookup.column} <> import_stage.{changed_from}"
            f" AND l.{lookup.key} = import_stage.{lookup.column}"
        )

    def apply(self, rules: Sequence[Rule], offset: int) -> None:
        """Mark each row without an issue yet with the first of the rules it breaks (numbered from offset)."""
        if not rules:
            return
        case = "CASE " + " ".join(f"WHEN {rule.bad} THEN {offset + i}" for i, rule in enumerate(rules)) + " END"
        self.sql.execute(
            f"UPDATE import_stage SET rule = {case} WHERE rule IS NULL AND issue_column IS NULL AND {case} IS NOT NULL"  # noqa: S608
        )

    def mark_duplicates(self, key: Sequence[str], rule: int) -> None:
        """A good row whose key (SQL over the stage's columns) an earlier good row of the file has is a duplicate
        of that row. A file without duplicates costs one hashed count; only a file with some is numbered."""
        good = "import_stage.rule IS NULL AND import_stage.issue_column IS NULL"
        keys = ", ".join(key)
        if not self.sql.fetchall(
            f"SELECT 1 FROM import_stage WHERE {good} GROUP BY {keys} HAVING COUNT(*) > 1 LIMIT 1"  # noqa: S608
        ):
            return
        self.sql.execute(
            f"UPDATE import_stage SET rule = {rule}, first_row = d.first_row FROM ("  # noqa: S608
            f"SELECT row_number AS rn, MIN(row_number) OVER (PARTITION BY {keys}) AS first_row FROM import_stage"
            f" WHERE {good}) d WHERE import_stage.row_number = d.rn AND d.first_row <> d.rn"
        )

    def issues(self, rules: Sequence[Rule], columns: Sequence[str]) -> list[tuple[int, str, str, str]]:
        """(row, column, staged value, message) of every row with an issue, in the file's order."""
        names = list(dict.fromkeys(columns))
        rows = self.sql.fetchall(
            f"SELECT row_number, issue_column, issue_message, rule, first_row, {', '.join(names)} FROM import_stage"  # noqa: S608
            " WHERE issue_column IS NOT NULL OR rule IS NOT NULL ORDER BY row_number"
        )
        found = []
        for row_number, issue_column, issue_message, rule_number, first_row, *values in rows:
            value_of = {name: "" if value is None else str(value) for name, value in zip(names, values, strict=True)}
            if issue_column is not None:
                found.append((row_number, issue_column, value_of.get(issue_column, ""), issue_message))
                continue
            rule = rules[rule_number]
            message = rule.message % {"row": first_row} if first_row is not None else rule.message
            found.append((row_number, rule.column, value_of.get(rule.value or rule.column, ""), message))
        return found

    def drop(self) -> None:
        for table in TEMP_TABLES:
            self.sql.drop(table)
