"""Live feedback indicators: the warehouse's current load plus what the feedback store holds now.

``nps``, its shares, ``statement_mean_s1…s7``, ``feedback_response_rate`` and ``qwl_index``
are computed by the same engine code as every other indicator (``views_from_context``); only
the context differs: its feedback tables are the loaded extract's rows together with the
store's answers, sent invitations and reportable pulse results. So a reply "9" is in the
unit's NPS seconds after it arrives, without a load, and the numbers are those the next load
of an extract containing the same answers would give.

Decisions (written down here, next to the definition):

- An answer in both the warehouse and the store (the same ``response_id``, e.g. the county
  exported the store's answers into its extract) counts once; the warehouse row wins. The
  same for invitations, and for a pulse unit × month already in the loaded ``staff_survey``.
- Store rows of units the current load does not know are left out of the live indicators
  (their unit cannot be placed in a municipality or shown); they stay in the store and in
  the national export.
- ``feedback_response_rate`` needs the invited contact's unit. An invitation made from a live
  visit event names a contact the warehouse may not have yet; the store's own record of that
  contact's unit stands in until a load brings the contact.
- Only invitations the gateway accepted (``sent_at`` set) are invitations in the extract's
  sense; one waiting in the outbox is not yet in the denominator.
- Staff pulse groups under 5 respondents are not reported at all (``pulse.staff_survey_rows``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.feedback.pulse import staff_survey_rows
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.answers import LIVE_ANSWER_COLUMNS, SENT_INVITATION_COLUMNS
from tilannekuva.indicators.context import Context, read_context
from tilannekuva.indicators.engine import FAMILIES, Family, IndicatorViews, views_from_context
from tilannekuva.model.extract_schema import STATEMENTS
from tilannekuva.warehouse import ibis_connect

LOCAL_ZONE = ZoneInfo("Europe/Helsinki")
FEEDBACK_TABLES = ("feedback_invitations", "feedback_responses", "staff_survey")
LIVE_FAMILIES: tuple[Family, ...] = tuple(
    family
    for family in FAMILIES
    if set(family.indicator_ids)
    & {"nps", "feedback_response_rate", "qwl_index", "statement_mean_s1"}
)
LIVE_INDICATORS: frozenset[str] = frozenset(
    indicator_id for family in LIVE_FAMILIES for indicator_id in family.indicator_ids
)

_RESPONSES = pa.schema(
    [
        ("response_id", pa.string()),
        ("invitation_id", pa.string()),
        ("unit_id", pa.string()),
        ("submitted_at_local", pa.timestamp("us")),
        ("nps", pa.int64()),
        *((name, pa.int64()) for name in STATEMENTS),
    ]
)
_SUBMITTED_AT = LIVE_ANSWER_COLUMNS.index("submitted_at")
_SENT_AT = SENT_INVITATION_COLUMNS.index("sent_at")
_SENT_COLUMNS = pa.schema(  # the columns of FeedbackStore.sent_invitation_columns
    [
        ("invitation_id", pa.string()),
        ("contact_id", pa.string()),
        ("unit_id", pa.string()),
        ("sent_at_local", pa.timestamp("us")),
    ]
)
_CONTACTS = pa.schema([("contact_id", pa.string()), ("unit_id", pa.string())])
_SURVEY = pa.schema(
    [
        ("unit_id", pa.string()),
        ("period", pa.string()),
        ("respondents", pa.int64()),
        ("qwl_index", pa.float64()),
    ]
)


@dataclass
class LiveContext(Context):
    """A warehouse context whose feedback tables are replaced by their live versions."""

    overrides: dict[str, ir.Table] | None = None

    def table(self, name: str) -> ir.Table:
        if self.overrides and name in self.overrides:
            return self.overrides[name]
        return super().table(name)


def live_feedback_views(warehouse: Path, store: FeedbackStore) -> IndicatorViews:
    """The live feedback indicators' analyst rows, by unit and by municipality."""
    backend = ibis_connect(warehouse)
    try:
        base = read_context(backend)
        known_units = set(base.table("units").select("unit_id").to_pyarrow()["unit_id"].to_pylist())
        overrides, available = _live_tables(base, store, known_units)
        ctx = LiveContext(
            base.backend, base.cutoff, base.cutoff_local, base.available | available, overrides
        )
        return views_from_context(ctx, role="analyst", families=LIVE_FAMILIES)
    finally:
        backend.disconnect()


def _live_tables(
    base: Context, store: FeedbackStore, known_units: set[str]
) -> tuple[dict[str, ir.Table], frozenset[str]]:
    """The store's rows as Arrow tables, column by column: they are read whole every time the
    live numbers are recomputed, and a Python object per answer cost more than the database."""
    units = pa.array(sorted(known_units), pa.string())
    answer_columns = _local_times(store.answer_columns(), _SUBMITTED_AT)
    answers = _known(_arrow(_RESPONSES, answer_columns), units)
    invitations = _arrow(_SENT_COLUMNS, _local_times(store.sent_invitation_columns(), _SENT_AT))
    survey = [row for row in staff_survey_rows(store) if row.unit_id in known_units]
    responses = _union(base, "feedback_responses", "response_id", answers)
    sent = _union(
        base,
        "feedback_invitations",
        "invitation_id",
        invitations.select(["invitation_id", "contact_id", "sent_at_local"]),
    )
    first_of_contact = _first_per_key(invitations, "contact_id")
    contacts = _union(
        base, "contacts", "contact_id", _known(first_of_contact.select(_CONTACTS.names), units)
    )
    staff = _union_survey(
        base,
        [
            {
                "unit_id": row.unit_id,
                "period": row.period,
                "respondents": row.respondents,
                "qwl_index": row.qwl_index,
            }
            for row in survey
        ],
    )
    available = frozenset(
        name
        for name, rows in (
            ("feedback_responses", answers.num_rows),
            ("feedback_invitations", invitations.num_rows),
            ("staff_survey", len(survey)),
        )
        if rows
    )
    return (
        {
            "feedback_responses": responses,
            "feedback_invitations": sent,
            "contacts": contacts,
            "staff_survey": staff,
        },
        available,
    )


def _local_times(columns: Sequence[list[Any]], position: int) -> list[Any]:
    """The columns with the aware UTC instants at ``position`` as Europe/Helsinki wall-clock
    times, naive (the extract's ``_local`` columns)."""
    found = list(columns)
    utc = pa.array(found[position], pa.timestamp("us", tz="UTC"))
    found[position] = pc.local_timestamp(utc.cast(pa.timestamp("us", tz=LOCAL_ZONE.key)))
    return found


def _arrow(schema: pa.Schema, columns: Sequence[Any]) -> pa.Table:
    return pa.Table.from_arrays(
        [_array(column, field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


def _array(column: Any, type_: pa.DataType) -> pa.Array:
    return column.cast(type_) if isinstance(column, pa.Array) else pa.array(column, type_)


def _known(table: pa.Table, units: pa.Array) -> pa.Table:
    """The rows of units the current load knows."""
    return table.filter(pc.is_in(table["unit_id"], value_set=units))


def _first_per_key(table: pa.Table, key: str) -> pa.Table:
    """The first row of every ``key`` value, in the table's order."""
    numbered = table.append_column("_row", pa.array(range(table.num_rows), pa.int64()))
    first = numbered.group_by(key, use_threads=False).aggregate([("_row", "min")])
    return table.take(pc.sort_indices(first["_row_min"]))


def _warehouse_part(base: Context, name: str, schema: pa.Schema) -> ir.Table | None:
    """The loaded table's needed columns, typed as the live part; None when not loaded."""
    if name != "contacts" and name not in base.available:
        return None
    table = base.table(name)
    return table.select(*(table[field.name].cast(_ibis_type(field)) for field in schema))


def _ibis_type(field: pa.Field) -> Any:
    return ibis.dtype(field.type)


def _union(base: Context, name: str, key: str, rows: pa.Table) -> ir.Table:
    """Loaded rows plus store rows whose ``key`` the load does not have (the load wins)."""
    live = ibis.memtable(rows)
    loaded = _warehouse_part(base, name, rows.schema)
    if loaded is None:
        return live
    fresh = live.anti_join(loaded.select(key), key) if rows.num_rows else live
    return loaded.union(fresh)


def _union_survey(base: Context, rows: Sequence[dict[str, Any]]) -> ir.Table:
    """Loaded survey rows plus pulse unit × months the load does not have."""
    live = ibis.memtable(pa.Table.from_pylist(list(rows), schema=_SURVEY))
    loaded = _warehouse_part(base, "staff_survey", _SURVEY)
    if loaded is None:
        return live
    fresh = live.anti_join(loaded.select("unit_id", "period"), ["unit_id", "period"])
    return loaded.union(fresh)
