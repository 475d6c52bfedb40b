"""The extract format v1 (``shared/spec/extract-v1.md``) declared once, as data.

Ingest validates against these declarations, the synthetic county writes them, the warehouse
creates its tables from them and the docs list them. Nothing else restates the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a cell's text is parsed; each kind maps to one warehouse column type."""

    STRING = "string"
    ENUM = "enum"
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    TIMESTAMP = "timestamp"
    MONTH = "month"  # YYYY-MM
    PERIOD = "period"  # YYYY or YYYY-MM
    CODE = "code"  # contact type, checked against the code table


@dataclass(frozen=True)
class Column:
    """One column of an extract file.

    ``low``/``high`` bound numeric kinds (inclusive). ``values`` lists an enum's codes.
    ``person_id`` marks columns whose values must not look like a personal identity code.
    """

    name: str
    kind: Kind
    required: bool = False
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    default: str | None = None
    person_id: bool = False


@dataclass(frozen=True)
class ForeignKey:
    """``column`` must name a surviving row of ``table`` (its primary key)."""

    column: str
    table: str
    broken_link_kept: bool = False  # contacts.assessment_id: kept and reported instead


@dataclass(frozen=True)
class Table:
    """One extract file (CSV ``<name>.csv`` or Parquet ``<name>.parquet``).

    Grain and key are stated so every warehouse table says what one row is.
    """

    name: str
    grain: str
    columns: tuple[Column, ...]
    required: bool = False
    primary_key: str | None = None
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


SERVICE_AREAS = (
    "reception",
    "oral",
    "mental",
    "family",
    "rehab",
    "social",
    "elderly",
    "emergency",
    "specialist",
    "other",
)
PROFESSIONAL_GROUPS = (
    "doctor",
    "nurse",
    "dentist",
    "oral_hygienist",
    "physiotherapist",
    "psychologist",
    "social_worker",
    "other",
)
ASSESSMENT_OUTCOMES = ("nonurgent_care", "urgent_care", "self_care", "no_need", "referred")
URGENCIES = ("urgent", "nonurgent")
SEXES = ("1", "2", "9")
FEEDBACK_CHANNELS = ("sms", "email", "web_link", "kiosk")
MESSAGE_CHANNELS = ("portal", "chat", "form")
SLOT_STATUSES = ("free", "booked")
STATEMENTS = tuple(f"s{i}" for i in range(1, 8))

_S = Kind.STRING
_TS = Kind.TIMESTAMP

TABLES: tuple[Table, ...] = (
    Table(
        name="units",
        grain="one row per organisation unit",
        required=True,
        primary_key="unit_id",
        columns=(
            Column("unit_id", _S, required=True),
            Column("name", _S, required=True),
            Column("municipality_code", _S, required=True),
            Column("service_area", Kind.ENUM, required=True, values=SERVICE_AREAS),
            Column("parent_id", _S),
        ),
        foreign_keys=(ForeignKey("parent_id", "units"),),
    ),
    Table(
        name="persons",
        grain="one row per pseudonymised customer",
        required=True,
        primary_key="person_id",
        columns=(
            Column("person_id", _S, required=True, person_id=True),
            Column("birth_date", Kind.DATE, required=True),
            Column("sex", Kind.ENUM, values=SEXES),
            Column("municipality_code", _S),
        ),
    ),
    Table(
        name="assessments",
        grain="one row per care-need assessment (hoidon tarpeen arviointi)",
        primary_key="assessment_id",
        columns=(
            Column("assessment_id", _S, required=True),
            Column("person_id", _S, required=True, person_id=True),
            Column("unit_id", _S, required=True),
            Column("assessed_at", _TS, required=True),
            Column("professional_group", Kind.ENUM, required=True, values=PROFESSIONAL_GROUPS),
            Column("outcome", Kind.ENUM, required=True, values=ASSESSMENT_OUTCOMES),
        ),
        foreign_keys=(ForeignKey("person_id", "persons"), ForeignKey("unit_id", "units")),
    ),
    Table(
        name="contacts",
        grain="one row per service contact, visit or remote",
        required=True,
        primary_key="contact_id",
        columns=(
            Column("contact_id", _S, required=True),
            Column("person_id", _S, required=True, person_id=True),
            Column("unit_id", _S, required=True),
            Column("start_at", _TS, required=True),
            Column("contact_type", Kind.CODE, required=True),
            Column("professional_group", Kind.ENUM, required=True, values=PROFESSIONAL_GROUPS),
            Column("urgency", Kind.ENUM, required=True, values=URGENCIES),
            Column("care_plan", Kind.BOOL, default="false"),
            Column("assessment_id", _S),
            Column("reason_codes", _S),
            Column("booked_at", _TS),
        ),
        foreign_keys=(
            ForeignKey("person_id", "persons"),
            ForeignKey("unit_id", "units"),
            ForeignKey("assessment_id", "assessments", broken_link_kept=True),
        ),
    ),
    Table(
        name="feedback_invitations",
        grain="one row per feedback invitation sent about a contact",
        primary_key="invitation_id",
        columns=(
            Column("invitation_id", _S, required=True),
            Column("contact_id", _S, required=True),
            Column("channel", Kind.ENUM, values=FEEDBACK_CHANNELS),
            Column("sent_at", _TS, required=True),
        ),
        foreign_keys=(ForeignKey("contact_id", "contacts"),),
    ),
    Table(
        name="feedback_responses",
        grain="one row per feedback response",
        primary_key="response_id",
        columns=(
            Column("response_id", _S, required=True),
            Column("invitation_id", _S),
            Column("unit_id", _S, required=True),
            Column("submitted_at", _TS, required=True),
            Column("channel", Kind.ENUM, values=FEEDBACK_CHANNELS),
            Column("nps", Kind.INT, low=0, high=10),
            *(Column(s, Kind.INT, low=0, high=5) for s in STATEMENTS),
            Column("free_text", _S),
        ),
        foreign_keys=(
            ForeignKey("invitation_id", "feedback_invitations"),
            ForeignKey("unit_id", "units"),
        ),
    ),
    Table(
        name="messages",
        grain="one row per customer e-message",
        primary_key="message_id",
        columns=(
            Column("message_id", _S, required=True),
            Column("person_id", _S, person_id=True),
            Column("unit_id", _S, required=True),
            Column("received_at", _TS, required=True),
            Column("first_reply_at", _TS),
            Column("channel", Kind.ENUM, values=MESSAGE_CHANNELS),
        ),
        foreign_keys=(ForeignKey("person_id", "persons"), ForeignKey("unit_id", "units")),
    ),
    Table(
        name="calls",
        grain="one row per incoming phone call",
        primary_key="call_id",
        columns=(
            Column("call_id", _S, required=True),
            Column("unit_id", _S, required=True),
            Column("arrived_at", _TS, required=True),
            Column("answered_at", _TS),
            Column("callback_requested", Kind.BOOL),
            Column("callback_at", _TS),
            Column("abandoned", Kind.BOOL),
            Column("person_id", _S, person_id=True),
            Column("reason", _S),
        ),
        foreign_keys=(ForeignKey("unit_id", "units"), ForeignKey("person_id", "persons")),
    ),
    Table(
        name="slot_snapshots",
        grain="one row per appointment slot visible in a book at a snapshot date",
        columns=(
            Column("snapshot_date", Kind.DATE, required=True),
            Column("unit_id", _S, required=True),
            Column("professional_group", Kind.ENUM, required=True, values=PROFESSIONAL_GROUPS),
            Column("professional_id", _S),
            Column("slot_start", _TS, required=True),
            Column("slot_kind", _S, required=True),
            Column("status", Kind.ENUM, required=True, values=SLOT_STATUSES),
        ),
        foreign_keys=(ForeignKey("unit_id", "units"),),
    ),
    Table(
        name="staff_survey",
        grain="one row per unit and survey month",
        columns=(
            Column("unit_id", _S, required=True),
            Column("period", Kind.MONTH, required=True),
            Column("respondents", Kind.INT, required=True, low=0),
            Column("qwl_index", Kind.FLOAT, required=True, low=0, high=100),
        ),
        foreign_keys=(ForeignKey("unit_id", "units"),),
    ),
    Table(
        name="costs",
        grain="one row per unit, period, professional group and channel",
        columns=(
            Column("unit_id", _S, required=True),
            Column("period", Kind.PERIOD, required=True),
            Column("professional_group", Kind.ENUM, values=PROFESSIONAL_GROUPS),
            Column("channel", _S),
            Column("cost_per_contact", Kind.FLOAT, required=True),
        ),
        foreign_keys=(ForeignKey("unit_id", "units"),),
    ),
    Table(
        name="population",
        grain="one row per municipality, year, age and sex",
        columns=(
            Column("municipality_code", _S, required=True),
            Column("year", Kind.INT, required=True),
            Column("age", Kind.INT, required=True, low=0, high=100),
            Column("sex", Kind.ENUM, values=SEXES),
            Column("count", Kind.INT, required=True, low=0),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

# Foreign keys are checked table by table in this order, so a referenced table's rejections
# are final before the tables that point at it are checked (the order of TABLES).
LOAD_ORDER: tuple[str, ...] = tuple(t.name for t in TABLES)
