"""Board events v1: what a source system may send, and what is refused before it is stored."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from tilannekuva.board.events import (
    EVENT_TYPES,
    AgeGroup,
    AssessmentOutcome,
    CallEvent,
    ContactEvent,
    MessageChannel,
    ProfessionalGroup,
    ServiceArea,
    SlotEvent,
    event_json,
    parse_event,
    parse_event_json,
    placement_key,
    record_id,
)
from tilannekuva.model import extract_schema

BASE: dict[str, Any] = {"occurred_at": "2026-03-02T08:15:00+02:00", "unit_id": "105-TA1-VO"}

# One valid example of every type, with its type-specific fields.
EXAMPLES: dict[str, dict[str, Any]] = {
    "contact.started": {"contact_id": "k-1", "contact_type": "R10", "walk_in": True},
    "contact.finished": {"contact_id": "k-1", "contact_type": "R52"},
    "message.received": {"message_id": "m-1", "channel": "portal"},
    "message.answered": {"message_id": "m-1"},
    "call.queued": {"call_id": "p-1"},
    "call.answered": {"call_id": "p-1"},
    "call.abandoned": {"call_id": "p-1"},
    "call.callback_requested": {"call_id": "p-1"},
    "call.called_back": {"call_id": "p-1"},
    "assessment.made": {
        "assessment_id": "a-1",
        "service_area": "oral",
        "outcome": "nonurgent_care",
        "age_group": "23_or_over",
    },
    "assessment.visited": {"assessment_id": "a-1"},
    "slot.opened": {
        "slot_id": "s-1",
        "professional_group": "dentist",
        "slot_start": "2026-03-05T09:00:00+02:00",
        "slot_kind": "nonurgent",
    },
    "slot.booked": {
        "slot_id": "s-1",
        "professional_group": "dentist",
        "professional_id": "st-7",
        "slot_start": "2026-03-05T09:00:00+02:00",
        "slot_kind": "nonurgent",
    },
    "slot.freed": {
        "slot_id": "s-1",
        "professional_group": "dentist",
        "slot_start": "2026-03-05T09:00:00+02:00",
        "slot_kind": "urgent_reserve",
    },
    "feedback.answered": {"nps": 9},
}


def body(event_type: str, **changes: Any) -> dict[str, Any]:
    data = {"source_id": f"src-{event_type}", "type": event_type, **BASE}
    data.update(EXAMPLES[event_type])
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(data: dict[str, Any]) -> dict[str, str]:
    """Field (last part of the location) → error type."""
    with pytest.raises(ValidationError) as caught:
        parse_event(data)
    return {str(error["loc"][-1]): error["type"] for error in caught.value.errors()}


def test_there_are_fifteen_event_types_and_each_has_an_example() -> None:
    assert tuple(EXAMPLES) == EVENT_TYPES
    assert len(EVENT_TYPES) == 15


@pytest.mark.parametrize("event_type", list(EXAMPLES))
def test_every_type_parses_and_survives_a_round_trip_through_json(event_type: str) -> None:
    event = parse_event(body(event_type))
    assert event.type == event_type
    assert event.unit_id == "105-TA1-VO"
    again = parse_event_json(event_json(event))
    assert again == event
    assert again.occurred_at.utcoffset() == timedelta(hours=2)  # the sender's offset is kept


def test_a_contact_carries_its_facts_and_defaults() -> None:
    event = parse_event(body("contact.finished", assessment_id="a-9"))
    assert isinstance(event, ContactEvent)
    assert (event.contact_type, event.walk_in, event.professional_group) == ("R52", False, None)
    assert event.assessment_id == "a-9"
    assert record_id(event) == "k-1"


def test_a_call_type_is_one_class_with_the_type_kept() -> None:
    event = parse_event(body("call.callback_requested"))
    assert isinstance(event, CallEvent)
    assert event.type == "call.callback_requested"
    assert record_id(event) == "p-1"
    assert record_id(parse_event(body("feedback.answered"))) is None


def test_a_slot_keeps_its_start_and_free_text_kind() -> None:
    event = parse_event(body("slot.freed"))
    assert isinstance(event, SlotEvent)
    assert event.slot_start == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert event.slot_kind == "urgent_reserve"


@pytest.mark.parametrize("field", ["person_id", "name", "phone", "hetu", "birth_date"])
def test_no_person_field_is_accepted(field: str) -> None:
    assert errors_of(body("contact.started", **{field: "x"})) == {field: "extra_forbidden"}


@pytest.mark.parametrize(
    "value", ["131052-308T", "hetu:131052-308t", "x/010199A123B/y", "010101+123A"]
)
def test_an_id_that_holds_an_identity_code_is_refused(value: str) -> None:
    assert errors_of(body("message.received", message_id=value)) == {"message_id": "value_error"}
    assert errors_of(body("call.queued", source_id=value)) == {"source_id": "value_error"}


@pytest.mark.parametrize(
    "value",
    ["12345678-1234-5678-1234-567812345678", "K0003-0001234", "1310523308", "ab131052-308T"],
)
def test_record_ids_that_only_resemble_one_are_accepted(value: str) -> None:
    assert parse_event(body("call.queued", call_id=value)).call_id == value  # type: ignore[union-attr]


def test_a_time_without_an_offset_is_refused() -> None:
    assert errors_of(body("call.queued", occurred_at="2026-03-02T08:15:00")) == {
        "occurred_at": "timezone_aware"
    }
    assert errors_of(body("slot.opened", slot_start="2026-03-05T09:00")) == {
        "slot_start": "timezone_aware"
    }


def test_codes_outside_the_extract_format_are_refused() -> None:
    assert errors_of(body("contact.started", contact_type="R99")) == {"contact_type": "value_error"}
    assert errors_of(body("message.received", channel="sms")) == {"channel": "literal_error"}
    assert errors_of(body("assessment.made", outcome="no_care")) == {"outcome": "literal_error"}
    assert errors_of(body("assessment.made", age_group="adult")) == {"age_group": "literal_error"}
    assert errors_of(body("slot.booked", professional_group="surgeon")) == {
        "professional_group": "literal_error"
    }


def test_required_fields_and_ranges() -> None:
    assert errors_of(body("message.received", channel=None)) == {"channel": "missing"}
    assert errors_of(body("call.queued", source_id="")) == {"source_id": "string_too_short"}
    assert errors_of(body("call.queued", source_id="x" * 129)) == {"source_id": "string_too_long"}
    assert errors_of(body("call.queued", unit_id="u" * 65)) == {"unit_id": "string_too_long"}
    assert errors_of(body("feedback.answered", nps=11)) == {"nps": "less_than_equal"}
    assert parse_event(body("feedback.answered", nps=None)).nps is None  # type: ignore[union-attr]


def test_an_unknown_or_missing_type_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_event({**body("call.queued"), "type": "call.transferred"})
    assert caught.value.errors()[0]["type"] == "union_tag_invalid"
    data = body("call.queued")
    del data["type"]
    with pytest.raises(ValidationError) as caught:
        parse_event(data)
    assert caught.value.errors()[0]["type"] == "union_tag_not_found"


def test_the_code_lists_are_the_extract_formats_own() -> None:
    assert get_args(ProfessionalGroup) == extract_schema.PROFESSIONAL_GROUPS
    assert get_args(ServiceArea) == extract_schema.SERVICE_AREAS
    assert get_args(AssessmentOutcome) == extract_schema.ASSESSMENT_OUTCOMES
    assert get_args(MessageChannel) == extract_schema.MESSAGE_CHANNELS
    assert get_args(AgeGroup) == ("under_23", "23_or_over")


def test_placement_compares_instants_then_source_then_source_id() -> None:
    helsinki = timezone(timedelta(hours=2))
    early_local = datetime(2026, 3, 2, 8, 0, tzinfo=helsinki)  # 06:00 UTC
    later_utc = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    keys = [
        placement_key(later_utc, "a", "1"),
        placement_key(early_local, "b", "2"),
        placement_key(early_local, "b", "1"),
        placement_key(early_local, "a", "9"),
    ]
    assert sorted(keys) == [keys[3], keys[2], keys[1], keys[0]]


def test_events_are_immutable() -> None:
    event = parse_event(body("call.queued"))
    with pytest.raises(ValidationError):
        setattr(event, "unit_id", "other")  # noqa: B010 - as a caller would try


def documented_batches() -> list[list[dict[str, Any]]]:
    """The ``{"events": …}`` examples of docs/board-events.md."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "board-events.md").read_text("utf-8")
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    return [block["events"] for block in blocks if "events" in block]


def test_the_documented_batch_of_every_type_is_valid() -> None:
    every_type, invalid = documented_batches()
    assert sorted({event["type"] for event in every_type}) == sorted(EVENT_TYPES)
    for event in every_type:
        parse_event(event)
    for event in invalid:
        with pytest.raises(ValidationError):
            parse_event(event)
