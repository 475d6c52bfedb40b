"""Reading the current load of the warehouse into pandas (docs/warehouse.md).

``available`` names the tables whose file was present in the extract (the ``sources`` table);
a present file with only a header is available with no rows (extract-v1, Clarifications).
Only the columns the indicators use are read, so the 1-million-person county fits in memory.
Booleans that may be NULL are normalised here: ``contacts.care_plan`` is already ``false`` when
missing (warehouse rule) and ``calls.abandoned`` NULL means false (indicators-v1,
Clarifications, Calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tilannekuva.warehouse import connect

COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id", "service_area"),
    "persons": ("person_id", "birth_date"),
    "assessments": (
        "assessment_id",
        "person_id",
        "unit_id",
        "assessed_at",
        "assessed_at_local",
        "outcome",
    ),
    "contacts": (
        "contact_id",
        "person_id",
        "unit_id",
        "start_at",
        "start_at_local",
        "contact_type",
        "professional_group",
        "urgency",
        "care_plan",
        "assessment_id",
    ),
    "contact_types": ("code", "channel", "remote", "customer_contact", "is_visit"),
    "feedback_invitations": ("invitation_id", "contact_id", "sent_at_local"),
    "feedback_responses": (
        "response_id",
        "invitation_id",
        "unit_id",
        "submitted_at_local",
        "nps",
        *(f"s{i}" for i in range(1, 8)),
    ),
    "messages": (
        "message_id",
        "unit_id",
        "received_at",
        "received_at_local",
        "first_reply_at",
        "first_reply_at_local",
    ),
    "calls": (
        "call_id",
        "unit_id",
        "arrived_at_local",
        "answered_at_local",
        "callback_at",
        "callback_at_local",
        "abandoned",
    ),
    "slot_snapshots": (
        "snapshot_date",
        "unit_id",
        "professional_group",
        "professional_id",
        "slot_start",
        "slot_start_local",
        "slot_kind",
        "status",
    ),
    "staff_survey": ("unit_id", "period", "respondents", "qwl_index"),
}


@dataclass(frozen=True)
class Tables:
    """The surviving rows of the current load, one DataFrame per warehouse table."""

    frames: dict[str, pd.DataFrame]
    cutoff: datetime
    cutoff_local: datetime
    available: frozenset[str]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


def _as_bool(series: pd.Series) -> pd.Series:
    """A boolean column with NULL read as false."""
    return series.astype("boolean").fillna(False).astype(bool)


def read_tables(warehouse: Path) -> Tables:
    """Read every table the indicators need, plus the current load's cutoff."""
    con = connect(warehouse, read_only=True)
    try:
        con.execute("SET enable_progress_bar = false")
        frames = {
            name: con.execute(f"SELECT {', '.join(cols)} FROM {name}").df()
            for name, cols in COLUMNS.items()
        }
        row = con.execute("SELECT cutoff, cutoff_local FROM loads WHERE is_current").fetchone()
        available = con.execute("SELECT table_name FROM sources WHERE available").fetchall()
    finally:
        con.close()
    if row is None:
        raise ValueError(f"{warehouse}: no current load")
    frames["contacts"]["care_plan"] = _as_bool(frames["contacts"]["care_plan"])
    frames["calls"]["abandoned"] = _as_bool(frames["calls"]["abandoned"])
    for flag in ("remote", "customer_contact", "is_visit"):
        frames["contact_types"][flag] = _as_bool(frames["contact_types"][flag])
    return Tables(
        frames=frames,
        cutoff=row[0],
        cutoff_local=row[1],
        available=frozenset(name for (name,) in available),
    )
