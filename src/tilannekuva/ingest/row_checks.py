"""Per-cell checks of extract-v1 as SQL: required values, parsing, ranges, enums, codes.

Each column yields an ordered list of (condition, reason code, reason text) checks. A row is
rejected by the first failing check, columns taken in the order the spec lists them, so every
quarantined row names one column and one reason. Timestamps and dates arrive already parsed
(``timeparse``) as companion columns with an ok-flag.
"""

from __future__ import annotations

from dataclasses import dataclass

from tilannekuva.ingest.errors import ReasonCode
from tilannekuva.ingest.sql import ident, literal, shown
from tilannekuva.model.extract_schema import Column, Kind, Table
from tilannekuva.warehouse.schema import warehouse_type

# Finnish personal identity code (henkilötunnus), extract-v1 Clarifications: DDMMYY, a century
# sign, three digits and a control character, the whole value, any case, checksum not checked.
# DDMMYY is taken as any six digits (not only valid dates): a false alarm rejects one row, a
# miss would let an identity code into the warehouse.
IDENTITY_CODE_PATTERN = r"(?i)[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-FHJ-NPR-Y]"

_INTEGER = r"[+-]?[0-9]+"
_MONTH = r"[0-9]{4}-(0[1-9]|1[0-2])"
_PERIOD = r"[0-9]{4}(-(0[1-9]|1[0-2]))?"
_BOOLEANS = "('true', 'false', '1', '0')"


@dataclass(frozen=True)
class Check:
    condition: str  # SQL that is true when the cell fails
    code: ReasonCode
    reason: str  # SQL expression giving the reason text


def utc_column(name: str) -> str:
    return f"__utc__{name}"


def local_column(name: str) -> str:
    return f"__local__{name}"


def date_column(name: str) -> str:
    return f"__date__{name}"


def ok_column(name: str) -> str:
    return f"__ok__{name}"


def _range_checks(column: Column, value_sql: str) -> list[Check]:
    checks = []
    if column.low is not None:
        checks.append(
            Check(
                f"{value_sql} < {column.low}",
                ReasonCode.INVALID,
                literal(f"below the minimum {column.low:g}"),
            )
        )
    if column.high is not None:
        checks.append(
            Check(
                f"{value_sql} > {column.high}",
                ReasonCode.INVALID,
                literal(f"above the maximum {column.high:g}"),
            )
        )
    return checks


def column_checks(column: Column, present: bool, codes: frozenset[str]) -> list[Check]:
    """The ordered checks of one column; ``present`` is False when the file lacks it."""
    cell = ident(column.name)
    if not present:
        if not column.required:
            return []
        return [
            Check("TRUE", ReasonCode.REQUIRED, literal("required column is missing from the file"))
        ]
    checks: list[Check] = []
    if column.required:
        checks.append(
            Check(f"{cell} IS NULL", ReasonCode.REQUIRED, literal("required value is empty"))
        )
    if column.person_id:
        checks.append(
            Check(
                f"regexp_full_match({cell}, {literal(IDENTITY_CODE_PATTERN)})",
                ReasonCode.IDENTITY_CODE,
                literal("looks like a personal identity code (henkilötunnus), not a pseudonym"),
            )
        )
    checks.extend(_parse_checks(column, cell, codes))
    # An empty optional cell passes every parse check; only present text can be wrong.
    guarded = [checks[0]] if column.required else []
    guarded += [
        Check(f"{cell} IS NOT NULL AND ({c.condition})", c.code, c.reason)
        for c in checks[len(guarded) :]
    ]
    return guarded


def _parse_checks(column: Column, cell: str, codes: frozenset[str]) -> list[Check]:
    kind = column.kind
    if kind is Kind.ENUM:
        allowed = ", ".join(literal(v) for v in column.values)
        expected = literal(" (expected one of: " + ", ".join(column.values) + ")")
        return [
            Check(
                f"{cell} NOT IN ({allowed})",
                ReasonCode.INVALID,
                f"'unknown value ' || {shown(cell)} || {expected}",
            )
        ]
    if kind is Kind.CODE:
        allowed = ", ".join(literal(v) for v in sorted(codes)) or "NULL"
        return [
            Check(
                f"{cell} NOT IN ({allowed})",
                ReasonCode.UNKNOWN_CODE,
                f"'unknown contact type code ' || {shown(cell)}",
            )
        ]
    if kind is Kind.BOOL:
        return [
            Check(
                f"lower({cell}) NOT IN {_BOOLEANS}",
                ReasonCode.INVALID,
                literal("not a boolean (true/false/1/0)"),
            )
        ]
    if kind is Kind.INT:
        value = f"TRY_CAST({cell} AS BIGINT)"
        return [
            Check(
                f"NOT regexp_full_match({cell}, {literal(_INTEGER)}) OR {value} IS NULL",
                ReasonCode.INVALID,
                f"'not an integer: ' || {shown(cell)}",
            ),
            *_range_checks(column, value),
        ]
    if kind is Kind.FLOAT:
        value = f"TRY_CAST({cell} AS DOUBLE)"
        return [
            Check(
                f"{value} IS NULL OR NOT isfinite({value})",
                ReasonCode.INVALID,
                f"'not a number: ' || {shown(cell)}",
            ),
            *_range_checks(column, value),
        ]
    if kind is Kind.TIMESTAMP:
        return [
            Check(
                f"NOT {ident(ok_column(column.name))}",
                ReasonCode.INVALID,
                f"'not an ISO 8601 timestamp: ' || {shown(cell)}",
            )
        ]
    if kind is Kind.DATE:
        return [
            Check(
                f"NOT {ident(ok_column(column.name))}",
                ReasonCode.INVALID,
                f"'not an ISO 8601 date (YYYY-MM-DD): ' || {shown(cell)}",
            )
        ]
    if kind is Kind.MONTH:
        return [
            Check(
                f"NOT regexp_full_match({cell}, {literal(_MONTH)})",
                ReasonCode.INVALID,
                f"'not a month (YYYY-MM): ' || {shown(cell)}",
            )
        ]
    if kind is Kind.PERIOD:
        return [
            Check(
                f"NOT regexp_full_match({cell}, {literal(_PERIOD)})",
                ReasonCode.INVALID,
                f"'not a period (YYYY or YYYY-MM): ' || {shown(cell)}",
            )
        ]
    return []


@dataclass(frozen=True)
class FailureSql:
    """SQL for a table's checks: ``index`` is a CASE giving the number of the first failing
    check (NULL when the row passes); the other three turn that number into the failing
    column, the reason code and the reason text, and are evaluated on failing rows only."""

    index: str
    column: str
    code: str
    reason: str


def first_failure_sql(table: Table, present: set[str], codes: frozenset[str]) -> FailureSql:
    """The checks of every column, in spec order, as one CASE (a check whose condition is
    NULL passes), so each cell is tested once per row."""
    tests: list[str] = []
    columns: list[str] = []
    codes_sql: list[str] = []
    reasons: list[str] = []
    for column in table.columns:
        for check in column_checks(column, column.name in present, codes):
            number = len(tests) + 1
            tests.append(f"WHEN COALESCE(({check.condition}), FALSE) THEN {number}")
            columns.append(f"WHEN {number} THEN {literal(column.name)}")
            codes_sql.append(f"WHEN {number} THEN {literal(check.code.value)}")
            reasons.append(f"WHEN {number} THEN {check.reason}")
    if not tests:
        return FailureSql("CAST(NULL AS INTEGER)", "NULL", "NULL", "NULL")
    return FailureSql(
        index="CASE " + " ".join(tests) + " END",
        column="CASE __fail " + " ".join(columns) + " END",
        code="CASE __fail " + " ".join(codes_sql) + " END",
        reason="CASE __fail " + " ".join(reasons) + " END",
    )


def typed_value_sql(column: Column, present: bool) -> list[tuple[str, str]]:
    """(SQL expression, output name) pairs of a column's typed warehouse value(s)."""
    name = column.name
    cell = ident(name)
    if not present:
        default = "NULL"
        if column.kind is Kind.BOOL and column.default is not None:
            default = "TRUE" if column.default == "true" else "FALSE"
        sql_type = warehouse_type(column.kind)
        if column.kind is Kind.TIMESTAMP:
            return [
                (f"CAST(NULL AS {sql_type})", name),
                (f"CAST(NULL AS {sql_type})", f"{name}_local"),
            ]
        return [(f"CAST({default} AS {sql_type})", name)]
    kind = column.kind
    if kind is Kind.TIMESTAMP:
        return [(ident(utc_column(name)), name), (ident(local_column(name)), f"{name}_local")]
    if kind is Kind.DATE:
        return [(ident(date_column(name)), name)]
    if kind is Kind.BOOL:
        value = f"(lower({cell}) IN ('true', '1'))"
        if column.default is not None:
            value = f"COALESCE({value}, {'TRUE' if column.default == 'true' else 'FALSE'})"
        return [(value, name)]
    if kind is Kind.INT:
        return [(f"CAST({cell} AS BIGINT)", name)]
    if kind is Kind.FLOAT:
        return [(f"CAST({cell} AS DOUBLE)", name)]
    return [(cell, name)]
