"""Board events v1: what source systems tell the live board, as Pydantic models.

A source system (phone system, patient record, appointment book, e-message portal) posts
events to ``POST /api/v1/board/events``; the board store keeps them as received and the
board's state is folded from them. The reference for integrators is docs/board-events.md.

Every event has ``source_id`` (unique within its source system; the idempotency key),
``type`` (the discriminator), ``occurred_at`` (with an offset) and ``unit_id``; each type adds
the id of the record it is about (``contact_id``, ``message_id``, ``call_id``,
``assessment_id``, ``slot_id``) and a few facts.

Decisions:

- No person identifiers at all: every model forbids fields it does not declare
  (``extra="forbid"``), so a ``person_id``, a name or a phone number is an error, not silently
  dropped. Ids are record ids; an id containing something shaped like a Finnish personal
  identity code (extract-v1's pattern, delimited by non-alphanumerics) is rejected.
- Codes are checked against the extract format's own lists (``model.extract_schema``,
  ``model.contact_types``), so a board event and a load row mean the same thing. The
  contact type must be in the shipped *Yhteystapa* table: the board decides "remote" from it.
- ``slot_kind`` is free text as in the extract (``nonurgent`` or anything else).
- ``occurred_at`` keeps the sender's offset; ordering compares instants. Placement: state is
  computed from events sorted by (``occurred_at``, source, ``source_id``), so late and
  out-of-order events land where they belong (see :func:`placement_key`).
- Events are immutable (``frozen``): a stored event is what was received.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal, TypeAlias, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
)

from tilannekuva.model.contact_types import default_contact_types

MAX_BATCH = 1000  # events per request
ID_LENGTH = 128  # source ids and record ids
UNIT_ID_LENGTH = 64  # as the operational stores' unit columns

# The same shape as ``ingest.row_checks.IDENTITY_CODE_PATTERN`` (DDMMYY, century sign, three
# digits, control character), but found anywhere in an id between non-alphanumerics, so
# ``hetu:010101-123A`` is caught while a UUID such as ``12345678-1234-…`` is not.
_IDENTITY_CODE = re.compile(
    r"(?<![0-9A-Z])[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-FHJ-NPR-Y](?![0-9A-Z])", re.IGNORECASE
)

ProfessionalGroup: TypeAlias = Literal[
    "doctor",
    "nurse",
    "dentist",
    "oral_hygienist",
    "physiotherapist",
    "psychologist",
    "social_worker",
    "other",
]
ServiceArea: TypeAlias = Literal[
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
]
AssessmentOutcome: TypeAlias = Literal[
    "nonurgent_care", "urgent_care", "self_care", "no_need", "referred"
]
MessageChannel: TypeAlias = Literal["portal", "chat", "form"]
AgeGroup: TypeAlias = Literal["under_23", "23_or_over"]

ContactType_: TypeAlias = Literal["contact.started", "contact.finished"]
CallType: TypeAlias = Literal[
    "call.queued", "call.answered", "call.abandoned", "call.callback_requested", "call.called_back"
]
SlotType: TypeAlias = Literal["slot.opened", "slot.booked", "slot.freed"]


def _no_identity_code(value: str) -> str:
    if _IDENTITY_CODE.search(value):
        raise ValueError("looks like a personal identity code; send record ids only")
    return value


def _id_field(length: int = ID_LENGTH) -> Any:
    return Field(min_length=1, max_length=length)


RecordId = Annotated[str, _id_field(), AfterValidator(_no_identity_code)]
UnitId = Annotated[str, _id_field(UNIT_ID_LENGTH), AfterValidator(_no_identity_code)]
Code = Annotated[str, Field(min_length=1, max_length=32)]


class BoardEvent(BaseModel):
    """What every event has; the subclasses add the record and its facts."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    type: str = Field(description="What happened; one of `EVENT_TYPES`.")
    source_id: RecordId = Field(
        description="Unique within the source system; the same id again is a duplicate."
    )
    occurred_at: AwareDatetime = Field(
        description="When it happened, ISO 8601 with an offset (`2026-03-02T08:15:00+02:00`)."
    )
    unit_id: UnitId = Field(description="The unit, as in the extract's `units.csv`.")


class ContactEvent(BoardEvent):
    """A contact with a customer began or ended (a visit, a phone or video contact, …)."""

    type: ContactType_
    contact_id: RecordId
    contact_type: Code = Field(description="Hilmo *Yhteystapa* code, e.g. `R10`, `R50`, `R52`.")
    walk_in: bool = Field(default=False, description="Came without an appointment.")
    professional_group: ProfessionalGroup | None = None
    assessment_id: RecordId | None = Field(
        default=None, description="The care-need assessment this contact realises."
    )

    @field_validator("contact_type")
    @classmethod
    def _known_contact_type(cls, value: str) -> str:
        if value not in _contact_type_codes():
            raise ValueError(f"unknown contact type {value!r}; see codes/contact_types.csv")
        return value


class MessageReceived(BoardEvent):
    """A customer's e-message arrived."""

    type: Literal["message.received"]
    message_id: RecordId
    channel: MessageChannel


class MessageAnswered(BoardEvent):
    """The first answer to an e-message was sent."""

    type: Literal["message.answered"]
    message_id: RecordId
    channel: MessageChannel | None = None


class CallEvent(BoardEvent):
    """A phone call joined the queue, was answered, abandoned, or asked for / got a call-back."""

    type: CallType
    call_id: RecordId


class AssessmentMade(BoardEvent):
    """A care-need assessment (hoidon tarpeen arviointi) was made."""

    type: Literal["assessment.made"]
    assessment_id: RecordId
    service_area: ServiceArea
    outcome: AssessmentOutcome
    age_group: AgeGroup = Field(description="Age at the assessment: under 23, or 23 or over.")


class AssessmentVisited(BoardEvent):
    """The assessment's first treatment event (a visit) took place."""

    type: Literal["assessment.visited"]
    assessment_id: RecordId


class SlotEvent(BoardEvent):
    """An appointment slot was opened in a book, booked, or freed again."""

    type: SlotType
    slot_id: RecordId
    professional_group: ProfessionalGroup
    professional_id: RecordId | None = Field(
        default=None, description="Whose book (a staff pseudonym), if known."
    )
    slot_start: AwareDatetime
    slot_kind: Code = Field(description="`nonurgent` or another kind.")


class FeedbackAnswered(BoardEvent):
    """A customer answered an external feedback system (our own store is read directly)."""

    type: Literal["feedback.answered"]
    nps: int | None = Field(default=None, ge=0, le=10)


Event: TypeAlias = Annotated[
    ContactEvent
    | MessageReceived
    | MessageAnswered
    | CallEvent
    | AssessmentMade
    | AssessmentVisited
    | SlotEvent
    | FeedbackAnswered,
    Field(discriminator="type"),
]

EVENT_MODELS: tuple[type[BoardEvent], ...] = (
    ContactEvent,
    MessageReceived,
    MessageAnswered,
    CallEvent,
    AssessmentMade,
    AssessmentVisited,
    SlotEvent,
    FeedbackAnswered,
)


def _types_of(model: type[BoardEvent]) -> tuple[str, ...]:
    annotation = model.model_fields["type"].annotation
    return tuple(str(value) for value in get_args(annotation))


EVENT_TYPES: tuple[str, ...] = tuple(name for model in EVENT_MODELS for name in _types_of(model))

_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


@cache
def _contact_type_codes() -> frozenset[str]:
    return frozenset(default_contact_types())


def parse_event(data: dict[str, Any]) -> Event:
    """One event from its JSON object; raises ``pydantic.ValidationError`` naming the field."""
    return _ADAPTER.validate_python(data)


def parse_event_json(text: str | bytes) -> Event:
    """One event from JSON text (as the store keeps it)."""
    return _ADAPTER.validate_json(text)


def event_json(event: BoardEvent) -> str:
    """The event as compact JSON; :func:`parse_event_json` reads it back to an equal event."""
    return event.model_dump_json()


def record_id(event: BoardEvent) -> str | None:
    """The id of the record the event is about (``None`` for ``feedback.answered``)."""
    for field in ("contact_id", "message_id", "call_id", "assessment_id", "slot_id"):
        value = getattr(event, field, None)
        if isinstance(value, str):
            return value
    return None


def placement_key(occurred_at: datetime, source: str, source_id: str) -> tuple[datetime, str, str]:
    """The order state is folded in: time, then source and source id to break ties stably."""
    return (occurred_at, source, source_id)
