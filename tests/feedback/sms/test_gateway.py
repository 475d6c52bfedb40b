"""The generic webhook shapes: what is read from them, and the reason when they are wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tilannekuva.feedback.sms.gateway import (
    TEXT_LIMIT,
    DeliveryReceipt,
    InboundSms,
    PayloadError,
    parse_inbound,
    parse_receipt,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_an_inbound_message_is_read_with_its_number_normalised() -> None:
    payload = {
        "message_id": "abc-1",
        "from": "040 123 4567",
        "to": "Tilannekuva",
        "text": " 9 ",
        "received_at": "2026-11-23T10:00:00+02:00",
    }
    assert parse_inbound(payload, now=NOW) == InboundSms(
        "abc-1", "+358401234567", " 9 ", datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    )


def test_arrival_time_defaults_to_now_and_a_long_text_is_cut() -> None:
    payload = {"message_id": 17, "from": "+358401234567", "text": "x" * (TEXT_LIMIT + 50)}
    inbound = parse_inbound(payload, now=NOW)
    assert inbound.provider_message_id == "17"
    assert inbound.received_at == NOW
    assert len(inbound.text) == TEXT_LIMIT


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "JSON object"),
        ({"from": "+358401234567", "text": "9"}, "'message_id'"),
        ({"message_id": "", "from": "+358401234567", "text": "9"}, "'message_id'"),
        ({"message_id": "x" * 200, "from": "+358401234567", "text": "9"}, "longer than 128"),
        ({"message_id": "m", "text": "9"}, "'from'"),
        ({"message_id": "m", "from": "nobody", "text": "9"}, "'from': the phone number"),
        ({"message_id": "m", "from": "+358401234567"}, "'text'"),
        ({"message_id": "m", "from": "+358401234567", "text": 9}, "'text'"),
        (
            {"message_id": "m", "from": "+358401234567", "text": "9", "received_at": "eilen"},
            "'received_at' is not an ISO 8601 time",
        ),
        (
            {
                "message_id": "m",
                "from": "+358401234567",
                "text": "9",
                "received_at": "2026-11-23T10:00",
            },
            "needs a time zone",
        ),
    ],
)
def test_a_malformed_inbound_body_says_what_is_wrong(payload: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        parse_inbound(payload, now=NOW)


@pytest.mark.parametrize(
    ("status", "meaning"),
    [
        ("delivered", "delivered"),
        ("DELIVERED", "delivered"),
        ("failed", "failed"),
        ("undelivered", "failed"),
        ("expired", "failed"),
        ("rejected", "failed"),
        ("accepted", "pending"),
        ("queued", "pending"),
        ("sent", "pending"),
    ],
)
def test_receipt_statuses_are_final_or_pending(status: str, meaning: str) -> None:
    receipt = parse_receipt(
        {"message_id": "m1", "status": status, "at": "2026-11-23T08:00:00Z"}, now=NOW
    )
    assert receipt == DeliveryReceipt("m1", meaning, NOW)  # type: ignore[arg-type]


def test_a_receipt_carries_our_reference_back() -> None:
    receipt = parse_receipt(
        {"message_id": "m1", "status": "delivered", "reference": "5-ab"}, now=NOW
    )
    assert receipt.reference == "5-ab" and receipt.at == NOW


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"status": "delivered"}, "'message_id'"),
        ({"message_id": "m1"}, "'status'"),
        ({"message_id": "m1", "status": "delivered", "reference": 5}, "'reference'"),
    ],
)
def test_a_malformed_receipt_says_what_is_wrong(payload: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        parse_receipt(payload, now=NOW)
