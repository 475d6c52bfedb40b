"""The provider-neutral SMS gateway: what the service sends, what comes back, what can fail.

SMS providers differ in their APIs but not in what they do: accept a message and return its
id, call a webhook when a reply arrives, call another when a message is delivered or lost.
The service speaks only the generic shapes defined here (documented in
``docs/sms-gateway.md``); an adapter for a real provider translates — :mod:`http_gateway`
speaks the generic JSON API itself, and :mod:`fake_gateway` serves it for tests and the demo.

A failed send is one of two kinds, and the outbox treats them differently:
:class:`GatewayUnavailable` (the provider could not take it now: retry later, the message is
kept) and :class:`GatewayRejected` (it never will: give up and erase the number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from tilannekuva.feedback.phones import normalize_phone

TEXT_LIMIT = 2000  # characters of an inbound text kept; a long SMS is at most ~1 600
ID_LIMIT = 128  # characters of a provider message id (the store's column)
ReceiptStatus = Literal["delivered", "failed", "pending"]
# Final statuses of the receipts providers send; anything else is an intermediate step.
DELIVERED_WORDS = frozenset({"delivered", "delivrd"})
FAILED_WORDS = frozenset(
    {"failed", "undelivered", "undeliverable", "rejected", "expired", "undeliv", "error"}
)


class GatewayError(Exception):
    """A message the gateway did not accept."""


class GatewayUnavailable(GatewayError):
    """The gateway cannot take messages now (timeout, connection refused, 5xx, 429): retry."""


class GatewayRejected(GatewayError):
    """The gateway will never take this message (invalid number, other 4xx): give up."""


@dataclass(frozen=True)
class OutboundSms:
    """One message to send; ``reference`` is our id for it, which a provider should use to
    drop a repeated send of the same message (a retry after a timeout)."""

    to: str  # E.164
    text: str
    reference: str


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class SmsGateway(Protocol):
    """What the outbox needs of a provider."""

    def send(self, message: OutboundSms) -> SendResult:
        """Hand one message over; raises :class:`GatewayUnavailable` or
        :class:`GatewayRejected`."""
        ...


class PayloadError(ValueError):
    """A webhook body that is not the documented shape; the message says what is wrong."""


@dataclass(frozen=True)
class InboundSms:
    """A reply, as the inbound webhook delivered it (``from_phone`` normalised to E.164)."""

    provider_message_id: str
    from_phone: str
    text: str
    received_at: datetime


@dataclass(frozen=True)
class DeliveryReceipt:
    """What became of a sent message: ``delivered``, ``failed`` (final) or ``pending``;
    ``reference`` is ours, echoed back by providers that support it."""

    provider_message_id: str
    status: ReceiptStatus
    at: datetime
    reference: str | None = None


def parse_inbound(payload: object, *, now: datetime) -> InboundSms:
    """Read the inbound webhook's JSON: ``{"message_id", "from", "text", "received_at"?}``.

    ``received_at`` (ISO 8601 with a zone) defaults to ``now``; a text longer than
    :data:`TEXT_LIMIT` is cut there. Raises :class:`PayloadError`.
    """
    fields = _object(payload)
    message_id = _message_id(fields)
    sender = _string(fields, "from")
    try:
        from_phone = normalize_phone(sender)
    except ValueError as error:
        raise PayloadError(f"'from': {error}") from None
    text = fields.get("text")
    if not isinstance(text, str):
        raise PayloadError("'text' must be a string (it may be empty)")
    received_at = _time(fields, "received_at", now)
    return InboundSms(message_id, from_phone, text[:TEXT_LIMIT], received_at)


def parse_receipt(payload: object, *, now: datetime) -> DeliveryReceipt:
    """Read the receipt webhook's JSON: ``{"message_id", "status", "at"?, "reference"?}``.

    ``delivered`` is delivered; ``failed``, ``undelivered``, ``rejected``, ``expired`` (and
    their usual spellings) are failed; any other status is an intermediate step (pending).
    """
    fields = _object(payload)
    message_id = _message_id(fields)
    word = _string(fields, "status").strip().casefold()
    status: ReceiptStatus = (
        "delivered" if word in DELIVERED_WORDS else "failed" if word in FAILED_WORDS else "pending"
    )
    reference = fields.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise PayloadError("'reference' must be a string when given")
    return DeliveryReceipt(message_id, status, _time(fields, "at", now), reference)


def _object(payload: object) -> Mapping[str, object]:
    if not isinstance(payload, Mapping):
        raise PayloadError("the body must be a JSON object")
    return payload


def _string(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"'{name}' must be a non-empty string")
    return value


def _message_id(fields: Mapping[str, object]) -> str:
    value = fields.get("message_id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError("'message_id' must be a non-empty string")
    if len(value) > ID_LIMIT:
        raise PayloadError(f"'message_id' is longer than {ID_LIMIT} characters")
    return value.strip()


def _time(fields: Mapping[str, object], name: str, default: datetime) -> datetime:
    value = fields.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise PayloadError(f"'{name}' must be an ISO 8601 time, for example 2026-11-23T10:00:00Z")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise PayloadError(
            f"'{name}' is not an ISO 8601 time ({value!r}); for example 2026-11-23T10:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        raise PayloadError(f"'{name}' needs a time zone, for example 2026-11-23T10:00:00Z")
    return parsed.astimezone(UTC)
