"""Checks on the events themselves: impossible times, and units where nothing happens.

Months follow each table's anchor, the timestamp its indicators use (indicators-v1: a
message belongs to the month it was received, a call to the month it arrived, ...), so a
unit manager sees the fault in the month whose numbers it affects.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from tilannekuva.model.extract_schema import TABLES, Kind
from tilannekuva.quality.context import Finding, WarehouseView, collect, local_month

ANCHORS: dict[str, str] = {
    "assessments": "assessed_at",
    "contacts": "start_at",
    "feedback_invitations": "sent_at",
    "feedback_responses": "submitted_at",
    "messages": "received_at",
    "calls": "arrived_at",
}
"""The anchor timestamp of each event table (indicators-v1, each indicator's "Anchor")."""

FUTURE_BY_NATURE: frozenset[tuple[str, str]] = frozenset({("slot_snapshots", "slot_start")})
"""Timestamp columns that may lie after the cutoff: an appointment book lists future slots."""

EVENT_TABLES: tuple[str, ...] = (
    "contacts",
    "assessments",
    "messages",
    "calls",
    "feedback_responses",
    "slot_snapshots",
)
"""Tables whose rows are a unit's events (feedback invitations belong to a contact's unit)."""


def checked_timestamp_columns() -> list[tuple[str, str]]:
    """(table, column) of every timestamp column of extract-v1 checked against the cutoff."""
    return [
        (table.name, column.name)
        for table in TABLES
        for column in table.columns
        if column.kind is Kind.TIMESTAMP and (table.name, column.name) not in FUTURE_BY_NATURE
    ]


def _with_unit(view: WarehouseView, table_name: str) -> Table:
    """The table with a ``unit_id`` column: an invitation takes its contact's unit."""
    table = view.con.table(table_name)
    if "unit_id" in table.columns:
        return table
    contacts = view.con.table("contacts").select(c_id="contact_id", c_unit="unit_id")
    joined = table.left_join(contacts, table.contact_id == contacts.c_id)
    return joined.mutate(unit_id=joined.c_unit).drop("c_id", "c_unit")


def _file_line(view: WarehouseView, table: Table, table_name: str) -> ibis.Value:
    prefix = ibis.literal(view.file_name(table_name) + ":")
    return prefix + table._line.cast("string")


def reply_before_message(view: WarehouseView) -> list[Finding]:
    """Messages whose ``first_reply_at`` is an earlier instant than ``received_at``."""
    messages = view.con.table("messages")
    bad = messages.filter(messages.first_reply_at < messages.received_at)
    expr = bad.select(
        unit_id=bad.unit_id, month=local_month(bad.received_at_local), example=bad.message_id
    )
    return collect(expr)


def future_timestamps(view: WarehouseView) -> list[Finding]:
    """Timestamp cells later than the cutoff (UTC instants compared); one finding per cell."""
    cutoff = view.load.cutoff
    if cutoff is None:
        return []
    findings: list[Finding] = []
    for table_name, column in checked_timestamp_columns():
        table = _with_unit(view, table_name)
        late = table.filter(table[column] > ibis.literal(cutoff))
        expr = late.select(
            unit_id=late.unit_id,
            month=local_month(late[f"{ANCHORS[table_name]}_local"]),
            example=_file_line(view, late, table_name),
            detail=ibis.literal(f"{table_name}.{column}"),
        )
        findings.extend(collect(expr))
    return findings


def units_with_no_events(view: WarehouseView) -> list[Finding]:
    """Units that no contact, assessment, message, call, response or slot names.

    A unit that is another unit's ``parent_id`` is a level of the organisation hierarchy (a
    county, a health station above its receptions); events are recorded on its children and
    do not roll up (extract-v1 Clarifications), so it is not reported.
    """
    units = view.con.table("units")
    used = ibis.union(
        *(view.con.table(name).select("unit_id") for name in EVENT_TABLES), distinct=True
    )
    parents = units.filter(units.parent_id.notnull()).select(parent="parent_id").distinct()
    idle = units.anti_join(used, units.unit_id == used.unit_id)
    idle = idle.anti_join(parents, idle.unit_id == parents.parent)
    expr = idle.select(unit_id=idle.unit_id, month=ibis.null("string"), example=idle.unit_id)
    return collect(expr)
